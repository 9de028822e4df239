public import Foundation

/// How the drivers store dates: integer milliseconds since 1970-01-01 UTC (SQLite's INTEGER,
/// PostgreSQL's `bigint`), the same on both, so that a store copied between them compares equal.
///
/// Sub-millisecond parts are dropped (rounded down, so a stored cursor or deadline is never later
/// than the instant it records). Most decimal milliseconds have no exact binary `Date`, so a value
/// a hair below a whole millisecond counts as that millisecond; otherwise every round trip could
/// lose one more.
public enum StoredTime {
    /// Milliseconds between 1970 and 2001, the reference date `Date` counts from: exact in Int64.
    private static let referenceOffset: Int64 = 978_307_200_000
    /// How far below a whole millisecond a value may sit and still count as it: one microsecond.
    private static let slack = 0.001

    public static func millis(_ date: Date) -> Int64 {
        // From the reference date, the double `Date` itself holds, to lose no precision on the way.
        let sinceReference = (date.timeIntervalSinceReferenceDate * 1000 + slack).rounded(.down)
        return Int64(sinceReference) + referenceOffset
    }

    public static func millis(_ date: Date?) -> Int64? {
        date.map { millis($0) }
    }

    public static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSinceReferenceDate: Double(millis - referenceOffset) / 1000)
    }
}
