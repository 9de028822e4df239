public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore {
    // MARK: Jobs

    public func syncJobs(_ names: [String], at now: Date) async throws {
        // Loading a workspace whose jobs are registered already writes nothing, so that reading
        // commands (`status`, `runs list`) work on a full disk.
        let declared = Set(names)
        let active = try await read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM jobs WHERE retired = 0")) }
        if active == declared { return }
        try await write { db in
            // Retire everything, then revive (or create) what is declared: one transaction, so no
            // reader ever sees a declared job retired.
            try db.execute(sql: "UPDATE jobs SET retired = 1 WHERE retired = 0")
            for name in names {
                try db.execute(
                    sql: """
                        INSERT INTO jobs (name, paused, cursor, retired) VALUES (?, 0, ?, 0)
                        ON CONFLICT (name) DO UPDATE SET retired = 0
                        """,
                    arguments: [name, SQLiteTime.millis(now)]
                )
            }
        }
    }

    public func jobStates() async throws -> [JobState] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(SQLiteRow.jobColumns) FROM jobs ORDER BY name").map(SQLiteRow.job)
        }
    }

    public func jobState(_ name: String) async throws -> JobState? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteRow.jobColumns) FROM jobs WHERE name = ?", arguments: [name])
                .map(SQLiteRow.job)
        }
    }

    public func setPaused(_ name: String, _ paused: Bool) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE jobs SET paused = ? WHERE name = ?", arguments: [paused, name])
            return db.changesCount == 1
        }
    }

    public func updateAlertState(_ name: String, _ alert: AlertState) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE jobs SET consecutive_failures = ?, last_alert_at = ?, alerting = ? WHERE name = ?",
                arguments: [alert.consecutiveFailures, SQLiteTime.millis(alert.lastAlertAt), alert.alerting, name]
            )
        }
    }

    // MARK: Alerts

    public func recordAlert(_ alert: AlertRecord) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO alerts (\(SQLiteRow.alertColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: try SQLiteRow.alertArguments(alert)
            )
        }
    }

    public func alerts(job: String?, limit: Int) async throws -> [AlertRecord] {
        try await read { db in
            let select = "SELECT seq, \(SQLiteRow.alertColumns) FROM alerts"
            let rows = if let job {
                try Row.fetchAll(db, sql: "\(select) WHERE job = ? ORDER BY seq DESC LIMIT ?", arguments: [job, limit])
            } else {
                try Row.fetchAll(db, sql: "\(select) ORDER BY seq DESC LIMIT ?", arguments: [limit])
            }
            return try rows.map(SQLiteRow.alert)
        }
    }
}
