public import Foundation
public import NightshiftCore
import PostgresNIO

extension PostgresStore {
    // MARK: Jobs

    public func syncJobs(_ names: [String], at now: Date) async throws {
        // Loading a workspace whose jobs are registered already writes nothing.
        let declared = Set(names)
        let active = try await read { session in
            Set(try await session.rows("SELECT name FROM jobs WHERE NOT retired").map { try $0.decode(String.self) })
        }
        if active == declared { return }
        let cursor = PostgresTime.millis(now)
        try await write { session in
            // Retire everything, then revive (or create) what is declared: one transaction, so no
            // reader ever sees a declared job retired.
            try await session.execute("UPDATE jobs SET retired = true WHERE NOT retired")
            for name in names {
                try await session.execute(
                    """
                    INSERT INTO jobs (name, paused, cursor, retired) VALUES (\(name), false, \(cursor), false)
                    ON CONFLICT (name) DO UPDATE SET retired = false
                    """
                )
            }
        }
    }

    public func jobStates() async throws -> [JobState] {
        try await read { session in
            try await session.rows("SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs ORDER BY name").map(PostgresRows.job)
        }
    }

    public func jobState(_ name: String) async throws -> JobState? {
        try await read { session in
            try await session.rows("SELECT \(unescaped: PostgresRows.jobColumns) FROM jobs WHERE name = \(name)").first.map(PostgresRows.job)
        }
    }

    public func setPaused(_ name: String, _ paused: Bool) async throws -> Bool {
        try await write { session in
            try await session.count("UPDATE jobs SET paused = \(paused) WHERE name = \(name) RETURNING 1") == 1
        }
    }

    public func updateAlertState(_ name: String, _ alert: AlertState) async throws {
        try await write { session in
            try await session.execute(
                """
                UPDATE jobs SET consecutive_failures = \(alert.consecutiveFailures),
                    last_alert_at = \(PostgresTime.millis(alert.lastAlertAt)), alerting = \(alert.alerting)
                WHERE name = \(name)
                """
            )
        }
    }

    // MARK: Alerts

    public func recordAlert(_ alert: AlertRecord) async throws {
        let errors = String(decoding: try JSONEncoder().encode(alert.deliveryErrors), as: UTF8.self)
        try await write { session in
            try await session.execute(
                """
                INSERT INTO alerts (\(unescaped: PostgresRows.alertColumns))
                VALUES (\(alert.id), \(alert.job), \(alert.kind.rawValue), \(alert.runID), \(PostgresTime.millis(alert.sentAt)),
                    \(alert.message), \(errors))
                """
            )
        }
    }

    public func alerts(job: String?, limit: Int) async throws -> [AlertRecord] {
        try await read { session in
            let rows = if let job {
                try await session.rows(
                    "SELECT seq, \(unescaped: PostgresRows.alertColumns) FROM alerts WHERE job = \(job) ORDER BY seq DESC LIMIT \(limit)"
                )
            } else {
                try await session.rows("SELECT seq, \(unescaped: PostgresRows.alertColumns) FROM alerts ORDER BY seq DESC LIMIT \(limit)")
            }
            return try rows.map(PostgresRows.alert)
        }
    }
}
