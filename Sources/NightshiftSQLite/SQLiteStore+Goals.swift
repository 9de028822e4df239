public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore {
    public func insertGoal(_ goal: Goal) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO goals (\(GoalRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: GoalRows.arguments(goal)
            )
            return db.changesCount == 1
        }
    }

    public func goal(_ name: String) async throws -> Goal? {
        try await read { db in
            try GoalRows.fetch(db, name)
        }
    }

    public func goals(includeFinished: Bool) async throws -> [Goal] {
        let filter = includeFinished ? "" : "WHERE status = 'active'"
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(GoalRows.columns) FROM goals \(filter) ORDER BY name")
                .map(GoalRows.goal)
        }
    }

    public func updateGoal(_ name: String, value: Double?, note: String?, at now: Date) async throws -> Goal? {
        try await write { db in
            // Read and write share one BEGIN IMMEDIATE transaction: no other writer in between.
            guard let goal = try GoalRows.fetch(db, name) else { return nil }
            let updated = goal.updated(value: value, at: now)
            if updated != goal {
                try db.execute(
                    sql: "UPDATE goals SET current = ?, status = ?, updated_at = ?, completed_at = ? WHERE name = ?",
                    arguments: [
                        updated.current, updated.status.rawValue, SQLiteTime.millis(updated.updatedAt),
                        SQLiteTime.millis(updated.completedAt), name,
                    ]
                )
            }
            if let value {
                try db.execute(
                    sql: "INSERT INTO goal_progress (goal, value, at, note) VALUES (?, ?, ?, ?)",
                    arguments: [name, value, SQLiteTime.millis(now), note]
                )
            }
            return updated
        }
    }

    public func goalHistory(_ name: String, limit: Int) async throws -> [GoalProgress] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT seq, goal, value, at, note FROM goal_progress WHERE goal = ? ORDER BY at DESC, seq DESC LIMIT ?",
                arguments: [name, max(0, limit)]
            ).map { row in
                let row = StoredRow(row, table: "goal_progress", key: ["seq"])
                return GoalProgress(goal: try row.text("goal"), value: try row.real("value"), at: try row.date("at"), note: try row.optionalText("note"))
            }
        }
    }
}

/// Conversions between goals and rows of the `goals` table. Days are stored as `YYYY-MM-DD` text,
/// the zone as its IANA name.
private enum GoalRows {
    static let columns = """
        name, metric, kind, target, current, start_day, end_day, time_zone, status, created_at, updated_at, completed_at
        """

    /// The values of `goal` in the order of ``columns``.
    static func arguments(_ goal: Goal) -> StatementArguments {
        [
            goal.name, goal.metric, goal.kind.rawValue, goal.target, goal.current, goal.start.description,
            goal.end.description, goal.timeZone.identifier, goal.status.rawValue, SQLiteTime.millis(goal.createdAt),
            SQLiteTime.millis(goal.updatedAt), SQLiteTime.millis(goal.completedAt),
        ]
    }

    static func fetch(_ db: Database, _ name: String) throws -> Goal? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM goals WHERE name = ?", arguments: [name]).map(goal)
    }

    static func goal(_ row: Row) throws -> Goal {
        let row = StoredRow(row, table: "goals", key: ["name"])
        return Goal(
            name: try row.text("name"),
            metric: try row.text("metric"),
            kind: try row.known("kind"),
            target: try row.real("target"),
            current: try row.real("current"),
            start: try row.parsed("start_day") { CalendarDay($0) },
            end: try row.parsed("end_day") { CalendarDay($0) },
            timeZone: try row.parsed("time_zone", TimeZone.init(identifier:)),
            status: try row.known("status"),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"),
            completedAt: try row.optionalDate("completed_at")
        )
    }
}
