public import Foundation
public import NightshiftCore
import PostgresNIO

extension PostgresStore {
    public func recordSlots(job: String, runs: [RunRecord], cursor: Date) async throws -> [RunRecord] {
        try await write { session in
            var inserted: [RunRecord] = []
            for run in runs {
                if try await Self.insert(run, session) { inserted.append(run) }
            }
            try await session.execute("UPDATE jobs SET cursor = \(PostgresTime.millis(cursor)) WHERE name = \(job)")
            if inserted.contains(where: { $0.state == .pending }) { try await PostgresChanges.notify(.runs, session) }
            return inserted
        }
    }

    public func insertRun(_ run: RunRecord) async throws -> Bool {
        guard run.state == .pending else { return try await write(transaction: false) { session in try await Self.insert(run, session) } }
        // One statement, its own transaction: the insert and, when it inserted, the notification
        // (sent at commit), in one round trip.
        var query = PostgresRows.insertRun(run)
        query.sql = "WITH inserted AS (" + query.sql + " ON CONFLICT DO NOTHING RETURNING 1) SELECT 1 FROM inserted, "
            + "LATERAL (SELECT pg_notify('\(PostgresChanges.channel(.runs))', coalesce(current_schema(), ''))) AS notified"
        let built = query
        return try await write(transaction: false) { session in try await session.count(built) == 1 }
    }

    /// Inserts `run` unless its id or its (job, slot key, attempt) exists; true if it was inserted.
    /// Two nodes inserting the same slot at once: the second waits for the first's commit on the
    /// unique index, then inserts nothing.
    private static func insert(_ run: RunRecord, _ session: PostgresSession) async throws -> Bool {
        var query = PostgresRows.insertRun(run)
        query.sql += " ON CONFLICT DO NOTHING RETURNING 1"
        return try await session.count(query) == 1
    }

    public func dueRuns(at now: Date, limit: Int) async throws -> [RunRecord] {
        try await read { session in
            try await session.rows(
                """
                SELECT \(unescaped: PostgresRows.runColumns) FROM runs
                WHERE state = 'pending' AND not_before <= \(PostgresTime.millis(now))
                ORDER BY not_before, id LIMIT \(limit)
                """
            ).map(PostgresRows.run)
        }
    }

    public func nextPendingRunTime() async throws -> Date? {
        try await read { session in
            try await session.rows("SELECT id, not_before FROM runs WHERE state = 'pending' ORDER BY not_before LIMIT 1").first.map { row in
                try PostgresStoredRow(row, table: "runs", key: ["id"]).date("not_before")
            }
        }
    }

    public func claimRun(_ id: String, owner: String, at now: Date, exclusive: Bool) async throws -> RunRecord? {
        try await write { session in
            // Lock the run if it is pending and nobody else is claiming it (SKIP LOCKED: a second
            // claimant gives up at once instead of queueing behind the first), and the job's claim
            // lock: every claim of the job's runs takes it, so the check below sees every run of
            // the job that another claim made running, committed before this statement began.
            guard let job = try await session.rows(
                """
                SELECT job, pg_advisory_xact_lock(\(PostgresLocks.jobClaims), hashtext(coalesce(current_schema(), '') || '/' || job))
                FROM runs WHERE id = \(id) AND state = 'pending' FOR UPDATE SKIP LOCKED
                """
            ).first.map({ try $0.makeRandomAccess()[0].decode(String.self) }) else { return nil }
            let started = PostgresTime.millis(now)
            let claimed = if exclusive {
                try await session.rows(
                    """
                    UPDATE runs SET state = 'running', owner = \(owner), started_at = \(started)
                    WHERE id = \(id) AND state = 'pending'
                        AND NOT EXISTS (SELECT 1 FROM runs AS busy WHERE busy.job = \(job) AND busy.state = 'running')
                    RETURNING \(unescaped: PostgresRows.runColumns)
                    """
                )
            } else {
                try await session.rows(
                    """
                    UPDATE runs SET state = 'running', owner = \(owner), started_at = \(started)
                    WHERE id = \(id) AND state = 'pending' RETURNING \(unescaped: PostgresRows.runColumns)
                    """
                )
            }
            return try claimed.first.map(PostgresRows.run)
        }
    }

    public func setChildPID(_ id: String, _ pid: Int32?) async throws {
        // One statement, its own transaction: one round trip.
        try await write(transaction: false) { session in
            try await session.execute("UPDATE runs SET child_pid = \(pid.map(Int64.init)) WHERE id = \(id)")
        }
    }

    public func finishRun(_ id: String, owner: String, outcome: RunOutcome) async throws -> Bool {
        // One statement, its own transaction: one round trip.
        try await write(transaction: false) { session in
            try await session.count(
                """
                UPDATE runs SET state = \(outcome.state.rawValue), finished_at = \(PostgresTime.millis(outcome.finishedAt)),
                    exit_status = \(outcome.exitStatus), error = \(outcome.error), excerpt = \(outcome.excerpt), child_pid = NULL
                WHERE id = \(id) AND state = 'running' AND owner = \(owner) RETURNING 1
                """
            ) == 1
        }
    }

    public func adoptRun(_ id: String, from previousOwner: String?, to owner: String) async throws -> Bool {
        // One statement, its own transaction: one round trip.
        try await write(transaction: false) { session in
            try await session.count(
                """
                UPDATE runs SET owner = \(owner)
                WHERE id = \(id) AND state = 'running' AND owner IS NOT DISTINCT FROM \(previousOwner) RETURNING 1
                """
            ) == 1
        }
    }

    public func interruptRun(_ id: String, reason: String, at now: Date) async throws -> Bool {
        // One statement, its own transaction: one round trip.
        try await write(transaction: false) { session in
            try await session.count(
                """
                UPDATE runs SET state = 'interrupted', finished_at = \(PostgresTime.millis(now)), error = \(reason)
                WHERE id = \(id) AND state = 'running' RETURNING 1
                """
            ) == 1
        }
    }

    public func run(_ id: String) async throws -> RunRecord? {
        try await read { session in
            try await session.rows("SELECT \(unescaped: PostgresRows.runColumns) FROM runs WHERE id = \(id)").first.map(PostgresRows.run)
        }
    }

    public func runs(_ query: RunQuery) async throws -> [RunRecord] {
        var statement = PostgresStatement()
        var conditions: [String] = []
        if let job = query.job {
            conditions.append("job = \(statement.bind(job))")
        }
        if !query.states.isEmpty {
            conditions.append("state = ANY(\(statement.bind(query.states.map(\.rawValue).sorted())))")
        }
        if let period = query.period {
            let start = statement.bind(PostgresTime.millis(period.lowerBound)), end = statement.bind(PostgresTime.millis(period.upperBound))
            conditions.append("((created_at >= \(start) AND created_at < \(end)) OR (finished_at >= \(start) AND finished_at < \(end)))")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limit = statement.bind(query.limit)
        statement.sql = "SELECT \(PostgresRows.runColumns) FROM runs \(filter) ORDER BY created_at DESC, id DESC LIMIT \(limit)"
        let built = statement.query
        return try await read { session in try await session.rows(built).map(PostgresRows.run) }
    }

    public func runCounts(in states: Set<RunState>) async throws -> [RunState: Int] {
        let names = states.map(\.rawValue).sorted()
        return try await read { session in
            var counts = Dictionary(uniqueKeysWithValues: states.map { ($0, 0) })
            guard !names.isEmpty else { return counts }
            for row in try await session.rows("SELECT state, count(*) AS count FROM runs WHERE state = ANY(\(names)) GROUP BY state") {
                let stored = PostgresStoredRow(row, table: "runs", key: ["state"])
                counts[try stored.known("state") as RunState] = try stored.int("count")
            }
            return counts
        }
    }
}
