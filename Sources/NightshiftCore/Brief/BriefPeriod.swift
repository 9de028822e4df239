public import Foundation

/// The span a brief covers, `since` included and `until` excluded, and the zone it is read in.
public struct BriefPeriod: Sendable, Hashable, Codable {
    /// The first instant covered.
    public var since: Date
    /// The first instant no longer covered (usually the moment the brief is made).
    public var until: Date
    /// The zone every time in the brief is shown in (the workspace's).
    public var timeZone: TimeZone

    /// The period from `since` up to, not including, `until`.
    public init(since: Date, until: Date, timeZone: TimeZone) {
        self.since = since
        self.until = until
        self.timeZone = timeZone
    }

    /// Whether `date` falls in the period.
    public func contains(_ date: Date) -> Bool {
        date >= since && date < until
    }

    /// Whether `date` is known and falls in the period.
    public func contains(_ date: Date?) -> Bool {
        date.map(contains) ?? false
    }

    /// `2026-11-20 23:00` in the period's zone.
    public func dateTime(_ date: Date) -> String {
        "\(Journal.dayString(date, timeZone)) \(Journal.timeString(date, timeZone).prefix(5))"
    }

    /// How a sentence names an instant: `02:14` on the day the period ends, else `2026-11-20 23:40`.
    public func time(_ date: Date) -> String {
        Journal.dayString(date, timeZone) == Journal.dayString(until, timeZone)
            ? String(Journal.timeString(date, timeZone).prefix(5)) : dateTime(date)
    }

    /// How JSON names an instant: ISO 8601 with the zone's offset, e.g. `2026-11-21T02:14:00+01:00`.
    public func stamp(_ date: Date) -> String {
        ISO8601.format(date, in: timeZone)
    }

    /// ``stamp(_:)`` as a JSON string, or `null` for nil.
    func json(_ date: Date?) -> JSONValue {
        date.map { .string(stamp($0)) } ?? .null
    }
}

extension String {
    /// The text on one line (newlines and tabs become spaces, runs of spaces one), at most `limit`
    /// characters, ending with `…` when cut: errors and excerpts can be long or multi-line.
    func briefLine(limit: Int = 300) -> String {
        let words = split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return words.count > limit ? String(words.prefix(limit - 1)) + "…" : words
    }
}
