public import Foundation
public import NightshiftCore
import PostgresNIO

extension PostgresStore {
    public func insertGoal(_ goal: Goal) async throws -> Bool {
        try await write { session in
            try await session.count(
                """
                INSERT INTO goals (\(unescaped: PostgresGoals.columns)) VALUES (
                    \(goal.name), \(goal.metric), \(goal.kind.rawValue), \(goal.target), \(goal.current), \(goal.start.description),
                    \(goal.end.description), \(goal.timeZone.identifier), \(goal.status.rawValue), \(PostgresTime.millis(goal.createdAt)),
                    \(PostgresTime.millis(goal.updatedAt)), \(PostgresTime.millis(goal.completedAt))
                ) ON CONFLICT DO NOTHING RETURNING 1
                """
            ) == 1
        }
    }

    public func goal(_ name: String) async throws -> Goal? {
        try await read { session in
            try await session.rows("SELECT \(unescaped: PostgresGoals.columns) FROM goals WHERE name = \(name)").first.map(PostgresGoals.goal)
        }
    }

    public func goals(includeFinished: Bool) async throws -> [Goal] {
        let filter = includeFinished ? "" : "WHERE status = 'active'"
        return try await read { session in
            try await session.rows("SELECT \(unescaped: PostgresGoals.columns) FROM goals \(unescaped: filter) ORDER BY name").map(PostgresGoals.goal)
        }
    }

    public func updateGoal(_ name: String, value: Double?, note: String?, at now: Date) async throws -> Goal? {
        try await write { session in
            // The goal's row is locked while its new state is worked out: concurrent values (from
            // any node) apply one after the other, and the goal completes once.
            let query: PostgresQuery = "SELECT \(unescaped: PostgresGoals.columns) FROM goals WHERE name = \(name) FOR UPDATE"
            guard let goal = try await session.rows(query).first.map(PostgresGoals.goal) else { return nil }
            let updated = goal.updated(value: value, at: now)
            if updated != goal {
                try await session.execute(
                    """
                    UPDATE goals SET current = \(updated.current), status = \(updated.status.rawValue),
                        updated_at = \(PostgresTime.millis(updated.updatedAt)), completed_at = \(PostgresTime.millis(updated.completedAt))
                    WHERE name = \(name)
                    """
                )
            }
            if let value {
                try await session.execute(
                    "INSERT INTO goal_progress (goal, value, at, note) VALUES (\(name), \(value), \(PostgresTime.millis(now)), \(note))"
                )
            }
            return updated
        }
    }

    public func goalHistory(_ name: String, limit: Int) async throws -> [GoalProgress] {
        try await read { session in
            try await session.rows(
                "SELECT seq, goal, value, at, note FROM goal_progress WHERE goal = \(name) ORDER BY at DESC, seq DESC LIMIT \(Int64(max(0, limit)))"
            ).map { row in
                let row = PostgresStoredRow(row, table: "goal_progress", key: ["seq"])
                return GoalProgress(goal: try row.text("goal"), value: try row.real("value"), at: try row.date("at"), note: try row.optionalText("note"))
            }
        }
    }
}

/// Rows of the `goals` table. Days are stored as `YYYY-MM-DD` text, the zone as its IANA name.
private enum PostgresGoals {
    static let columns = "name, metric, kind, target, current, start_day, end_day, time_zone, status, created_at, updated_at, completed_at"

    static func goal(_ row: PostgresRow) throws -> Goal {
        let row = PostgresStoredRow(row, table: "goals", key: ["name"])
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
