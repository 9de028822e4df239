public import Foundation
public import NightshiftCore
import PostgresNIO

extension PostgresStore {
    public func insertSamples(_ samples: [MetricSample]) async throws {
        guard !samples.isEmpty else { return }
        try await write { session in
            // One statement for the batch: a scan records a few dozen samples at once.
            try await session.execute(
                """
                INSERT INTO samples (metric, at, value)
                SELECT * FROM unnest(\(samples.map(\.metric))::text[], \(samples.map { PostgresTime.millis($0.at) })::bigint[],
                    \(samples.map(\.value))::double precision[])
                """
            )
        }
    }

    public func samples(_ query: SampleQuery) async throws -> [MetricSample] {
        var statement = PostgresStatement()
        var filter = PostgresHealth.timeFilter(since: query.since, until: query.until, &statement)
        if !query.metrics.isEmpty {
            filter.append("metric = ANY(\(statement.bind(query.metrics.sorted())))")
        }
        let limit = statement.bind(Int64(max(0, query.limit)))
        statement.sql = "SELECT seq, metric, at, value FROM samples \(PostgresHealth.whereClause(filter)) ORDER BY at DESC, seq DESC LIMIT \(limit)"
        return try await read { [statement] session in
            try await session.rows(statement.query).reversed().map(PostgresHealth.sample)
        }
    }

    public func pruneSamples(before cutoff: Date) async throws -> Int {
        try await write { session in
            try await session.count("DELETE FROM samples WHERE at < \(PostgresTime.millis(cutoff)) RETURNING 1")
        }
    }

    public func recordScan(_ findings: [ProblemFinding], resolution: String, at now: Date) async throws -> ProblemChanges {
        try await write { session in
            // Scans take turns (on every node): each sees the problems the one before it opened.
            try await session.execute(
                "SELECT pg_advisory_xact_lock(\(PostgresLocks.healthScans), hashtext(coalesce(current_schema(), '')))"
            )
            let open = try await session.rows("SELECT \(unescaped: PostgresHealth.problemColumns) FROM problems WHERE resolved_at IS NULL")
                .map(PostgresHealth.problem)
            let changes = ProblemChanges.scan(findings, open: open, resolution: resolution, at: now)
            // Refreshed and resolved problems replace their row (same id); opened ones are new.
            for problem in changes.updated + changes.resolved + changes.opened {
                try await session.execute(
                    """
                    INSERT INTO problems (\(unescaped: PostgresHealth.problemColumns)) VALUES (
                        \(problem.id), \(problem.key), \(problem.severity.rawValue), \(problem.summary),
                        \(JSONValue.object(problem.evidence).canonical), \(problem.fix?.rawValue), \(PostgresTime.millis(problem.firstSeen)),
                        \(PostgresTime.millis(problem.lastSeen)), \(Int64(problem.occurrences)), \(PostgresTime.millis(problem.resolvedAt)),
                        \(problem.resolution), \(PostgresTime.millis(problem.escalatedAt))
                    ) ON CONFLICT (id) DO UPDATE SET key = excluded.key, severity = excluded.severity, summary = excluded.summary,
                        evidence = excluded.evidence, fix = excluded.fix, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                        occurrences = excluded.occurrences, resolved_at = excluded.resolved_at, resolution = excluded.resolution,
                        escalated_at = excluded.escalated_at
                    """
                )
            }
            return changes
        }
    }

    public func problems(_ query: ProblemQuery) async throws -> [Problem] {
        var statement = PostgresStatement()
        var filter: [String] = []
        if let open = query.open { filter.append(open ? "resolved_at IS NULL" : "resolved_at IS NOT NULL") }
        if let since = query.since {
            filter.append("COALESCE(resolved_at, last_seen) >= \(statement.bind(PostgresTime.millis(since)))")
        }
        let limit = statement.bind(Int64(max(0, query.limit)))
        statement.sql = """
            SELECT \(PostgresHealth.problemColumns) FROM problems \(PostgresHealth.whereClause(filter))
            ORDER BY last_seen DESC, id DESC LIMIT \(limit)
            """
        return try await read { [statement] session in try await session.rows(statement.query).map(PostgresHealth.problem) }
    }

    public func markEscalated(_ problemID: String, at now: Date) async throws {
        try await write { session in
            try await session.execute("UPDATE problems SET escalated_at = \(PostgresTime.millis(now)) WHERE id = \(problemID)")
        }
    }

    public func insertEvent(_ event: ObservedEvent) async throws {
        try await write { session in
            try await session.execute(
                """
                INSERT INTO events (kind, name, at, value, data, run_id) VALUES (
                    \(event.kind.rawValue), \(event.name), \(PostgresTime.millis(event.at)), \(event.value), \(event.data?.canonical), \(event.runID)
                )
                """
            )
        }
    }

    public func events(_ query: EventQuery) async throws -> [ObservedEvent] {
        var statement = PostgresStatement()
        var filter = PostgresHealth.timeFilter(since: query.since, until: query.until, &statement)
        if !query.kinds.isEmpty {
            filter.append("kind = ANY(\(statement.bind(query.kinds.map(\.rawValue).sorted())))")
        }
        if let name = query.name {
            filter.append("name = \(statement.bind(name))")
        }
        let limit = statement.bind(Int64(max(0, query.limit)))
        statement.sql = """
            SELECT seq, kind, name, at, value, data, run_id FROM events \(PostgresHealth.whereClause(filter))
            ORDER BY at DESC, seq DESC LIMIT \(limit)
            """
        return try await read { [statement] session in
            try await session.rows(statement.query).reversed().map(PostgresHealth.event)
        }
    }

    public func pruneEvents(before cutoff: Date) async throws -> Int {
        try await write { session in
            try await session.count("DELETE FROM events WHERE at < \(PostgresTime.millis(cutoff)) RETURNING 1")
        }
    }
}

/// Rows of the health tables and back.
private enum PostgresHealth {
    static let problemColumns = """
        id, key, severity, summary, evidence, fix, first_seen, last_seen, occurrences, resolved_at, resolution, escalated_at
        """

    /// Conditions on `at` from `since` (included) to `until` (excluded), their values bound to `statement`.
    static func timeFilter(since: Date?, until: Date?, _ statement: inout PostgresStatement) -> [String] {
        var filter: [String] = []
        if let since { filter.append("at >= \(statement.bind(PostgresTime.millis(since)))") }
        if let until { filter.append("at < \(statement.bind(PostgresTime.millis(until)))") }
        return filter
    }

    static func whereClause(_ filter: [String]) -> String {
        filter.isEmpty ? "" : "WHERE " + filter.joined(separator: " AND ")
    }

    static func sample(_ row: PostgresRow) throws -> MetricSample {
        let row = PostgresStoredRow(row, table: "samples", key: ["seq"])
        return MetricSample(metric: try row.text("metric"), value: try row.real("value"), at: try row.date("at"))
    }

    static func problem(_ row: PostgresRow) throws -> Problem {
        let row = PostgresStoredRow(row, table: "problems", key: ["id"])
        return Problem(
            id: try row.text("id"), key: try row.text("key"), severity: try row.known("severity"), summary: try row.text("summary"),
            evidence: try row.jsonObject("evidence"), fix: try row.optionalKnown("fix"), firstSeen: try row.date("first_seen"),
            lastSeen: try row.date("last_seen"), occurrences: try row.int("occurrences"), resolvedAt: try row.optionalDate("resolved_at"),
            resolution: try row.optionalText("resolution"), escalatedAt: try row.optionalDate("escalated_at")
        )
    }

    static func event(_ row: PostgresRow) throws -> ObservedEvent {
        let row = PostgresStoredRow(row, table: "events", key: ["seq"])
        return ObservedEvent(
            kind: try row.known("kind"), name: try row.text("name"), at: try row.date("at"), value: try row.optionalReal("value"),
            data: try row.optionalJSON("data"), runID: try row.optionalText("run_id")
        )
    }
}
