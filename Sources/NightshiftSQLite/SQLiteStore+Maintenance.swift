public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore: StoreMaintenance {
    public func storeStatistics() async throws -> StoreStatistics {
        let (pageSize, pages, free) = try await read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0, try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0,
                try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            )
        }
        return StoreStatistics(pageSize: pageSize, pages: pages, freePages: free, bytes: fileBytes())
    }

    public func optimizeStore(vacuum: Bool) async throws -> StoreStatistics {
        do {
            // Outside a transaction: VACUUM and a truncating checkpoint refuse to run inside one.
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA optimize")
                if vacuum { try db.execute(sql: "VACUUM") }
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch {
            throw Self.translate(error, path: path, operation: "optimizeStore", failure: .io)
        }
        return try await storeStatistics()
    }

    public func integrityProblems() async throws -> [String] {
        let lines = try await read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        return lines == ["ok"] ? [] : lines
    }

    /// The database file and its WAL and shared-memory files, in bytes.
    private func fileBytes() -> Double {
        ["", "-wal", "-shm"].reduce(0) { total, suffix in
            let size = (try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? NSNumber)?.doubleValue ?? 0
            return total + size
        }
    }
}
