public import Foundation
public import NightshiftCore
import PostgresNIO

extension PostgresStore {
    public func daemonInstance() async throws -> DaemonInstance? {
        try await read { session in
            try await session.rows("SELECT \(unescaped: PostgresRows.daemonColumns) FROM daemon").first.map(PostgresRows.daemon)
        }
    }

    public func claimDaemon(_ instance: DaemonInstance, ifCurrentIs expectedID: String?) async throws -> Bool {
        let started = PostgresTime.millis(instance.startedAt), heartbeat = PostgresTime.millis(instance.heartbeatAt)
        let stopped = PostgresTime.millis(instance.stoppedAt), pid = Int64(instance.pid)
        return try await write { session in
            if let expectedID {
                // A concurrent claimant waits for this row's lock, then finds instance_id changed.
                return try await session.count(
                    """
                    UPDATE daemon SET instance_id = \(instance.id), pid = \(pid), host = \(instance.host), started_at = \(started),
                        heartbeat_at = \(heartbeat), stopped_at = \(stopped)
                    WHERE instance_id = \(expectedID) RETURNING 1
                    """
                ) == 1
            }
            // The single-row primary key makes this insert the compare-and-swap against "no record".
            return try await session.count(
                """
                INSERT INTO daemon (singleton, \(unescaped: PostgresRows.daemonColumns))
                VALUES (1, \(instance.id), \(pid), \(instance.host), \(started), \(heartbeat), \(stopped))
                ON CONFLICT DO NOTHING RETURNING 1
                """
            ) == 1
        }
    }

    public func heartbeatDaemon(_ instanceID: String, at now: Date) async throws -> Bool {
        try await write { session in
            try await session.count(
                """
                UPDATE daemon SET heartbeat_at = \(PostgresTime.millis(now))
                WHERE instance_id = \(instanceID) AND stopped_at IS NULL RETURNING 1
                """
            ) == 1
        }
    }

    public func releaseDaemon(_ instanceID: String, at now: Date) async throws {
        try await write { session in
            try await session.execute("UPDATE daemon SET stopped_at = \(PostgresTime.millis(now)) WHERE instance_id = \(instanceID)")
        }
    }
}
