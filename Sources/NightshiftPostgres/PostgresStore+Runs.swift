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
        return try await write(transaction: false) { session in try await session.rows(InsertPendingRunStatement(run: run)).count == 1 }
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

    public func nextPendingRunTime(after: Date?) async throws -> Date? {
        try await read { session in
            try await session.rows(
                """
                SELECT id, not_before FROM runs WHERE state = 'pending' AND not_before > \(after.map(PostgresTime.millis) ?? Int64.min)
                ORDER BY not_before LIMIT 1
                """
            ).first.map { row in
                try PostgresStoredRow(row, table: "runs", key: ["id"]).date("not_before")
            }
        }
    }

    public func claimDueRuns(at now: Date, owner: String, limit: Int, overlapping: Set<String>) async throws -> [RunRecord] {
        guard limit > 0 else { return [] }
        let millis = PostgresTime.millis(now)
        let mayOverlap = overlapping.sorted()
        // Four round trips for the whole pass (BEGIN, a page, the claim, COMMIT), not four per run.
        return try await write { session in
            var pass = DueRunClaim(limit: limit, overlapping: overlapping)
            while pass.wantsPage {
                // A page of due runs nobody else is claiming (SKIP LOCKED), locked, oldest first;
                // then, per job whose runs may not overlap, its claim lock, tried without waiting
                // (claimers taking locks in different orders never deadlock): a job another
                // claimer holds is left to it. Taken in the outer query, locks cover only the page.
                let rows = try await session.rows(
                    DuePageStatement(millis: millis, settled: pass.settledJobList, limit: pass.pageSize, overlapping: mayOverlap)
                )
                var page: [DueRunClaim.Candidate] = []
                var held: Set<String> = []
                for row in rows {
                    let stored = PostgresStoredRow(row, table: "runs", key: ["id"])
                    let candidate = DueRunClaim.Candidate(id: try stored.text("id"), job: try stored.text("job"))
                    if try !stored.bool("free") { held.insert(candidate.job) }
                    page.append(candidate)
                }
                let picked = pass.pick(page, held: held)
                guard !picked.isEmpty else { continue }
                // A statement after the locks: its snapshot sees every run another claim of the
                // same job made running, committed before the lock was granted.
                let claimed = try await session.rows(
                    ClaimRunsStatement(owner: owner, millis: millis, ids: picked.map(\.id), overlapping: mayOverlap)
                ).map(PostgresRows.run)
                pass.took(claimed.sorted { ($0.notBefore, $0.id) < ($1.notBefore, $1.id) })
            }
            return pass.claimed
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
        // Group commit: finishes arriving while others are in flight share a statement.
        try await runFinishes.write(RunFinish(id: id, owner: owner, outcome: outcome), key: id) { finishes in
            try await self.finishRuns(finishes)
        }
    }

    /// Ends the runs in one statement, its own transaction; whether each was running under its owner.
    private func finishRuns(_ finishes: [RunFinish]) async throws -> [Bool] {
        if finishes.count == 1, let finish = finishes.first {
            return [try await write(transaction: false) { session in try await session.rows(FinishRunStatement(finish: finish)).count == 1 }]
        }
        let rows = String(decoding: try JSONEncoder().encode(finishes.map(RunFinish.Row.init)), as: UTF8.self)
        let finished = try await write(transaction: false) { session in
            try await session.rows(FinishRunsStatement(rows: rows)).map { try PostgresStoredRow($0, table: "runs", key: ["id"]).text("id") }
        }
        let ended = Set(finished)
        return finishes.map { ended.contains($0.id) }
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

/// One `finishRun`, as a grouped statement carries it.
struct RunFinish: Sendable {
    let id: String
    let owner: String
    let outcome: RunOutcome

    /// Its row of the statement's JSON (`json_to_recordset`); a missing value is NULL.
    struct Row: Encodable {
        let id: String
        let owner: String
        let state: String
        let finished_at: Int64
        let exit_status: Int?
        let error: String?
        let excerpt: String?

        init(_ finish: RunFinish) {
            id = finish.id
            owner = finish.owner
            state = finish.outcome.state.rawValue
            finished_at = PostgresTime.millis(finish.outcome.finishedAt)
            exit_status = finish.outcome.exitStatus
            // PostgreSQL's text holds no NUL, and one row it refuses would fail the whole group.
            error = finish.outcome.error.map(Self.withoutNUL)
            excerpt = finish.outcome.excerpt.map(Self.withoutNUL)
        }

        static func withoutNUL(_ text: String) -> String {
            text.contains("\0") ? text.replacingOccurrences(of: "\0", with: "\u{FFFD}") : text
        }
    }
}
