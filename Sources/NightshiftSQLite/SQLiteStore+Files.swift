public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore: StoreFiles {
    public var filePaths: [String] { [path, path + "-wal", path + "-shm"] }

    /// `PRAGMA wal_checkpoint(TRUNCATE)`: unlike PASSIVE it waits (up to the busy timeout) for
    /// readers of older snapshots, so that afterwards the whole log is in the database file and
    /// the log is empty: a lost `-wal` then loses nothing, and a copy of the database file alone
    /// is complete.
    public func checkpoint() async throws -> Bool {
        do {
            return try await pool.writeWithoutTransaction { db in
                // One row: busy (1 when it could not finish), frames in the log, frames checkpointed.
                let busy = try Int.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") ?? 1
                return busy == 0
            }
        } catch {
            throw Self.translate(error, path: path, operation: "checkpoint", failure: .io)
        }
    }

    public func saveCopy(to target: String) async throws {
        do {
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [target])
            }
        } catch {
            throw Self.translate(error, path: path, operation: "saveCopy", failure: .io)
        }
    }
}
