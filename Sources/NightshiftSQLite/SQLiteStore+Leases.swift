public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore {
    public func acquireLease(_ key: String, owner: String, ttl: TimeInterval, at now: Date) async throws -> LeaseGrant {
        try await write { db in
            // The read and the upsert share one BEGIN IMMEDIATE transaction: no other writer in between.
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(SQLiteRow.leaseColumns), released FROM leases WHERE key = ?"), arguments: [key]
            )
            var token: Int64 = 1
            if let row {
                let current = try SQLiteRow.lease(row)
                let released = try StoredRow(row, table: "leases", key: ["key"]).bool("released")
                if !released, SQLiteTime.millis(current.expiresAt) > SQLiteTime.millis(now) {
                    return .held(current)
                }
                token = current.token + 1
            }
            let lease = Lease(
                key: key, owner: owner, token: token,
                acquiredAt: now, renewedAt: now, expiresAt: now.addingTimeInterval(ttl)
            )
            try db.cachedStatement(sql: """
                INSERT INTO leases (\(SQLiteRow.leaseColumns), released) VALUES (?, ?, ?, ?, ?, ?, 0)
                ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, token = excluded.token,
                    acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at,
                    expires_at = excluded.expires_at, released = 0
                """
            ).execute(arguments: [
                key, owner, token, SQLiteTime.millis(now), SQLiteTime.millis(now), SQLiteTime.millis(lease.expiresAt),
            ])
            return .granted(lease)
        }
    }

    public func takeOverLease(_ key: String, from token: Int64, owner: String, ttl: TimeInterval, at now: Date) async throws -> Lease? {
        try await write { db in
            try Row.fetchOne(
                db,
                sql: """
                    UPDATE leases SET owner = ?, token = token + 1, acquired_at = ?, renewed_at = ?, expires_at = ?
                    WHERE key = ? AND token = ? AND released = 0
                    RETURNING \(SQLiteRow.leaseColumns)
                    """,
                arguments: [owner, SQLiteTime.millis(now), SQLiteTime.millis(now), SQLiteTime.millis(now.addingTimeInterval(ttl)), key, token]
            ).map(SQLiteRow.lease)
        }
    }

    public func renewLease(_ key: String, token: Int64, ttl: TimeInterval, at now: Date) async throws -> Lease? {
        try await write { db in
            try Row.fetchOne(
                db,
                sql: """
                    UPDATE leases SET renewed_at = ?, expires_at = ?
                    WHERE key = ? AND token = ? AND released = 0 AND expires_at > ?
                    RETURNING \(SQLiteRow.leaseColumns)
                    """,
                arguments: [
                    SQLiteTime.millis(now), SQLiteTime.millis(now.addingTimeInterval(ttl)), key, token, SQLiteTime.millis(now),
                ]
            ).map(SQLiteRow.lease)
        }
    }

    public func releaseLease(_ key: String, token: Int64) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(sql: "UPDATE leases SET released = 1 WHERE key = ? AND token = ? AND released = 0")
                .execute(arguments: [key, token])
            return db.changesCount == 1
        }
    }

    public func lease(_ key: String) async throws -> Lease? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(SQLiteRow.leaseColumns) FROM leases WHERE key = ? AND released = 0", arguments: [key]
            ).map(SQLiteRow.lease)
        }
    }

    public func leases() async throws -> [Lease] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(SQLiteRow.leaseColumns) FROM leases WHERE released = 0 ORDER BY key"
            ).map(SQLiteRow.lease)
        }
    }

    /// Whether `fence` names the current, unreleased, unexpired grant of its key. Call it inside the
    /// write transaction that depends on it, so the lease cannot change between check and write.
    static func fenceHolds(_ fence: Fence, at now: Date, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM leases WHERE key = ? AND token = ? AND released = 0 AND expires_at > ?)"),
            arguments: [fence.key, fence.token, SQLiteTime.millis(now)]
        ) ?? false
    }
}
