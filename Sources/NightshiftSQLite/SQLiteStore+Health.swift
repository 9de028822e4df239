public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore {
    public func insertSamples(_ samples: [MetricSample]) async throws {
        guard !samples.isEmpty else { return }
        try await write { db in
            let statement = try db.cachedStatement(sql: "INSERT INTO samples (metric, at, value) VALUES (?, ?, ?)")
            for sample in samples {
                try statement.execute(arguments: [sample.metric, SQLiteTime.millis(sample.at), sample.value])
            }
        }
    }

    public func samples(_ query: SampleQuery) async throws -> [MetricSample] {
        var (filter, arguments) = HealthRows.timeFilter(since: query.since, until: query.until)
        if !query.metrics.isEmpty {
            filter.append("metric IN (\(Array(repeating: "?", count: query.metrics.count).joined(separator: ", ")))")
            arguments += StatementArguments(query.metrics.sorted())
        }
        arguments += [max(0, query.limit)]
        let sql = "SELECT rowid, metric, at, value FROM samples \(HealthRows.whereClause(filter)) ORDER BY at DESC, rowid DESC LIMIT ?"
        return try await read { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).reversed().map(HealthRows.sample)
        }
    }

    public func pruneSamples(before cutoff: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM samples WHERE at < ?", arguments: [SQLiteTime.millis(cutoff)])
            return db.changesCount
        }
    }

    public func recordScan(_ findings: [ProblemFinding], resolution: String, at now: Date) async throws -> ProblemChanges {
        try await write { db in
            let open = try Row.fetchAll(db, sql: "SELECT * FROM problems WHERE resolved_at IS NULL").map(HealthRows.problem)
            let changes = ProblemChanges.scan(findings, open: open, resolution: resolution, at: now)
            // Refreshed and resolved problems replace their row (same id); opened ones are new.
            for problem in changes.updated + changes.resolved + changes.opened {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO problems (id, key, severity, summary, evidence, fix, first_seen, last_seen, occurrences,
                            resolved_at, resolution, escalated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: HealthRows.arguments(problem)
                )
            }
            return changes
        }
    }

    public func problems(_ query: ProblemQuery) async throws -> [Problem] {
        var filter: [String] = []
        var arguments = StatementArguments()
        if let open = query.open { filter.append(open ? "resolved_at IS NULL" : "resolved_at IS NOT NULL") }
        if let since = query.since {
            filter.append("COALESCE(resolved_at, last_seen) >= ?")
            arguments += [SQLiteTime.millis(since) as Int64]
        }
        arguments += [max(0, query.limit)]
        let sql = "SELECT * FROM problems \(HealthRows.whereClause(filter)) ORDER BY last_seen DESC, id DESC LIMIT ?"
        return try await read { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(HealthRows.problem)
        }
    }

    public func markEscalated(_ problemID: String, at now: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE problems SET escalated_at = ? WHERE id = ?", arguments: [SQLiteTime.millis(now), problemID])
        }
    }

    public func insertEvent(_ event: ObservedEvent) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO events (kind, name, at, value, data, run_id) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [event.kind.rawValue, event.name, SQLiteTime.millis(event.at), event.value, event.data?.canonical, event.runID]
            )
        }
    }

    public func events(_ query: EventQuery) async throws -> [ObservedEvent] {
        var (filter, arguments) = HealthRows.timeFilter(since: query.since, until: query.until)
        if !query.kinds.isEmpty {
            filter.append("kind IN (\(Array(repeating: "?", count: query.kinds.count).joined(separator: ", ")))")
            arguments += StatementArguments(query.kinds.map(\.rawValue).sorted())
        }
        if let name = query.name {
            filter.append("name = ?")
            arguments += [name]
        }
        arguments += [max(0, query.limit)]
        let sql = "SELECT * FROM events \(HealthRows.whereClause(filter)) ORDER BY at DESC, seq DESC LIMIT ?"
        return try await read { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).reversed().map(HealthRows.event)
        }
    }

    public func pruneEvents(before cutoff: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM events WHERE at < ?", arguments: [SQLiteTime.millis(cutoff)])
            return db.changesCount
        }
    }
}

/// Rows of the health tables and back.
private enum HealthRows {
    static func timeFilter(since: Date?, until: Date?) -> ([String], StatementArguments) {
        var filter: [String] = []
        var arguments = StatementArguments()
        if let since {
            filter.append("at >= ?")
            arguments += [SQLiteTime.millis(since) as Int64]
        }
        if let until {
            filter.append("at < ?")
            arguments += [SQLiteTime.millis(until) as Int64]
        }
        return (filter, arguments)
    }

    static func whereClause(_ filter: [String]) -> String {
        filter.isEmpty ? "" : "WHERE " + filter.joined(separator: " AND ")
    }

    static func arguments(_ problem: Problem) -> StatementArguments {
        [
            problem.id, problem.key, problem.severity.rawValue, problem.summary, JSONValue.object(problem.evidence).canonical,
            problem.fix?.rawValue, SQLiteTime.millis(problem.firstSeen), SQLiteTime.millis(problem.lastSeen), problem.occurrences,
            SQLiteTime.millis(problem.resolvedAt), problem.resolution, SQLiteTime.millis(problem.escalatedAt),
        ]
    }

    /// Samples have no key of their own: the rowid names them.
    static func sample(_ row: Row) throws -> MetricSample {
        let row = StoredRow(row, table: "samples", key: ["rowid"])
        return MetricSample(metric: try row.text("metric"), value: try row.real("value"), at: try row.date("at"))
    }

    static func problem(_ row: Row) throws -> Problem {
        let row = StoredRow(row, table: "problems", key: ["id"])
        return Problem(
            id: try row.text("id"), key: try row.text("key"), severity: try row.known("severity"), summary: try row.text("summary"),
            evidence: try row.jsonObject("evidence"), fix: try row.optionalKnown("fix"), firstSeen: try row.date("first_seen"),
            lastSeen: try row.date("last_seen"), occurrences: try row.int("occurrences"), resolvedAt: try row.optionalDate("resolved_at"),
            resolution: try row.optionalText("resolution"), escalatedAt: try row.optionalDate("escalated_at")
        )
    }

    static func event(_ row: Row) throws -> ObservedEvent {
        let row = StoredRow(row, table: "events", key: ["seq"])
        return ObservedEvent(
            kind: try row.known("kind"), name: try row.text("name"), at: try row.date("at"), value: try row.optionalReal("value"),
            data: try row.optionalJSON("data"), runID: try row.optionalText("run_id")
        )
    }
}
