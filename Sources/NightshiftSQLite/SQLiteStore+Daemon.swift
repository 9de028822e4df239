public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore {
    public func daemonInstance() async throws -> DaemonInstance? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteRow.daemonColumns) FROM daemon").map(SQLiteRow.daemon)
        }
    }

    public func claimDaemon(_ instance: DaemonInstance, ifCurrentIs expectedID: String?) async throws -> Bool {
        try await write { db in
            if let expectedID {
                var arguments = SQLiteRow.daemonArguments(instance)
                arguments += [expectedID]
                try db.execute(
                    sql: """
                        UPDATE daemon SET instance_id = ?, pid = ?, host = ?, started_at = ?, heartbeat_at = ?, stopped_at = ?
                        WHERE instance_id = ?
                        """,
                    arguments: arguments
                )
            } else {
                // The single-row primary key makes this insert the compare-and-swap against "no record".
                try db.execute(
                    sql: """
                        INSERT INTO daemon (singleton, \(SQLiteRow.daemonColumns)) VALUES (1, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT DO NOTHING
                        """,
                    arguments: SQLiteRow.daemonArguments(instance)
                )
            }
            return db.changesCount == 1
        }
    }

    public func heartbeatDaemon(_ instanceID: String, at now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE daemon SET heartbeat_at = ? WHERE instance_id = ? AND stopped_at IS NULL",
                arguments: [SQLiteTime.millis(now), instanceID]
            )
            return db.changesCount == 1
        }
    }

    public func releaseDaemon(_ instanceID: String, at now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE daemon SET stopped_at = ? WHERE instance_id = ?",
                arguments: [SQLiteTime.millis(now), instanceID]
            )
        }
    }
}
