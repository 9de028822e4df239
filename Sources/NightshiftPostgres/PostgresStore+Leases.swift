public import Foundation
public import NightshiftCore
import PostgresNIO

extension PostgresStore {
    public func acquireLease(_ key: String, owner: String, ttl: TimeInterval, at now: Date) async throws -> LeaseGrant {
        let start = PostgresTime.millis(now), expiry = PostgresTime.millis(now.addingTimeInterval(ttl))
        return try await write { session in
            // One statement decides: a new key gets token 1; a released or expired grant is replaced
            // by the next token; an unexpired one is left alone. ON CONFLICT locks the key's row
            // either way, so the grant read next is the one that refused us, and two nodes racing
            // for a free key are served one after the other.
            let granted = try await session.rows(
                """
                INSERT INTO leases (\(unescaped: PostgresRows.leaseColumns), released)
                VALUES (\(key), \(owner), 1, \(start), \(start), \(expiry), false)
                ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, token = leases.token + 1,
                    acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at,
                    released = false
                WHERE leases.released OR leases.expires_at <= \(start)
                RETURNING \(unescaped: PostgresRows.leaseColumns)
                """
            )
            if let row = granted.first { return .granted(try PostgresRows.lease(row)) }
            guard let row = try await session.rows(
                "SELECT \(unescaped: PostgresRows.leaseColumns) FROM leases WHERE key = \(key)"
            ).first else {
                throw StoreError.corrupt("acquireLease: the lease \(key) was neither granted nor found", location: location)
            }
            return .held(try PostgresRows.lease(row))
        }
    }

    public func takeOverLease(_ key: String, from token: Int64, owner: String, ttl: TimeInterval, at now: Date) async throws -> Lease? {
        let start = PostgresTime.millis(now), expiry = PostgresTime.millis(now.addingTimeInterval(ttl))
        return try await write { session in
            try await session.rows(
                """
                UPDATE leases SET owner = \(owner), token = token + 1, acquired_at = \(start), renewed_at = \(start), expires_at = \(expiry)
                WHERE key = \(key) AND token = \(token) AND NOT released
                RETURNING \(unescaped: PostgresRows.leaseColumns)
                """
            ).first.map(PostgresRows.lease)
        }
    }

    public func renewLease(_ key: String, token: Int64, ttl: TimeInterval, at now: Date) async throws -> Lease? {
        let start = PostgresTime.millis(now), expiry = PostgresTime.millis(now.addingTimeInterval(ttl))
        return try await write { session in
            try await session.rows(
                """
                UPDATE leases SET renewed_at = \(start), expires_at = \(expiry)
                WHERE key = \(key) AND token = \(token) AND NOT released AND expires_at > \(start)
                RETURNING \(unescaped: PostgresRows.leaseColumns)
                """
            ).first.map(PostgresRows.lease)
        }
    }

    public func releaseLease(_ key: String, token: Int64) async throws -> Bool {
        try await write { session in
            try await session.count(
                "UPDATE leases SET released = true WHERE key = \(key) AND token = \(token) AND NOT released RETURNING 1"
            ) == 1
        }
    }

    public func lease(_ key: String) async throws -> Lease? {
        try await read { session in
            try await session.rows(
                "SELECT \(unescaped: PostgresRows.leaseColumns) FROM leases WHERE key = \(key) AND NOT released"
            ).first.map(PostgresRows.lease)
        }
    }

    public func leases() async throws -> [Lease] {
        try await read { session in
            try await session.rows(
                "SELECT \(unescaped: PostgresRows.leaseColumns) FROM leases WHERE NOT released ORDER BY key"
            ).map(PostgresRows.lease)
        }
    }

    /// Whether `fence` names the current, unreleased, unexpired grant of its key. Call it inside the
    /// write transaction that depends on it: it share-locks the lease row, so a takeover or a
    /// renewal by anyone else waits until that transaction ends, and the fence cannot move between
    /// the check and the write it guards.
    static func fenceHolds(_ fence: Fence, at now: Date, _ session: PostgresSession) async throws -> Bool {
        try await session.count("SELECT 1 WHERE \(fenceHolds: fence, at: PostgresTime.millis(now))") == 1
    }
}

extension PostgresQuery.StringInterpolation {
    /// `EXISTS (…)`, true when `fence` names the current, unreleased, unexpired grant of its key at
    /// `millis`: a fenced write's condition, in the write's own statement. It share-locks the lease
    /// row, so a takeover or a renewal by anyone else waits until the statement's transaction ends.
    mutating func appendInterpolation(fenceHolds fence: Fence, at millis: Int64) {
        appendLiteral("EXISTS (SELECT 1 FROM leases WHERE key = ")
        appendInterpolation(fence.key)
        appendLiteral(" AND token = ")
        appendInterpolation(fence.token)
        appendLiteral(" AND NOT released AND expires_at > ")
        appendInterpolation(millis)
        appendLiteral(" FOR SHARE)")
    }
}
