import Foundation

/// How dates are stored: `bigint` milliseconds since 1970-01-01 UTC, exactly as the SQLite driver
/// stores them (`SQLiteTime`).
///
/// Not `timestamptz`: its microseconds would keep what SQLite drops, so a store copied between the
/// drivers (`store migrate`) or a record hashed into the audit chain would not compare equal, and
/// every value would pass through calendar conversions on the way. Integers compare exactly, sort
/// the same on both drivers and read plainly in `psql`; the database's own clock, where it is used,
/// is read as `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`.
///
/// Sub-millisecond parts are dropped (rounded down, so a stored cursor or deadline is never later
/// than the instant it records); a value a hair below a whole millisecond counts as it.
enum PostgresTime {
    /// Milliseconds between 1970 and 2001, the reference date `Date` counts from: exact in Int64.
    private static let referenceOffset: Int64 = 978_307_200_000
    /// How far below a whole millisecond a value may sit and still count as it: one microsecond.
    private static let slack = 0.001

    static func millis(_ date: Date) -> Int64 {
        let sinceReference = (date.timeIntervalSinceReferenceDate * 1000 + slack).rounded(.down)
        return Int64(sinceReference) + referenceOffset
    }

    static func millis(_ date: Date?) -> Int64? {
        date.map { millis($0) }
    }

    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSinceReferenceDate: Double(millis - referenceOffset) / 1000)
    }
}
