/// Parses durations such as `"30s"`, `"5m"`, `"2h"`, `"1d"`, `"1h30m"` or `"500ms"`.
///
/// A duration is one or more `<digits><unit>` parts with units `d`, `h`, `m`, `s` and `ms`, written
/// from the largest unit to the smallest, each at most once. Empty text, signs, fractions, spaces
/// inside, a missing unit or an unknown unit are errors with `field` `"duration"`, and so is a
/// duration longer than ``maximum`` (3650 days): every instant Nightshift computes from one (a
/// lease's expiry, a retry's time, a slot) then stays far inside what a date and the store hold.
///
/// ```swift
/// let timeout = try DurationParser.parse("1h30m")   // .seconds(5400)
/// ```
public enum DurationParser {
    private static let units: [(name: String, milliseconds: Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// The longest duration accepted: 3650 days, about ten years.
    public static let maximum = Duration.seconds(3650 * 86_400)

    /// Parses `text` into a whole number of milliseconds.
    public static func parse(_ text: String) throws(ScheduleError) -> Duration {
        let trimmed = ScheduleSupport.trim(text)
        func fail(_ detail: String) -> ScheduleError {
            ScheduleError(.invalidDuration, field: "duration", token: text, "\"\(text)\" \(detail)")
        }
        guard !trimmed.isEmpty else {
            throw fail("is empty; write a number and a unit, such as \"30s\", \"5m\" or \"1h30m\"")
        }
        let tooLarge = "is too large; a duration may be at most 3650d (about 10 years)"
        if trimmed.hasPrefix("-") {
            throw fail("is negative; a duration must be zero or more")
        }

        var total: Int64 = 0
        var rest = Substring(trimmed)
        var smallestUnitSoFar = Int.min  // index into `units`; units must strictly increase
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty else {
                throw fail("has \"\(rest)\" where a number was expected; use whole numbers such as \"90s\"")
            }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix(while: { $0.isLetter })
            rest = rest.dropFirst(unitText.count)
            guard !unitText.isEmpty else {
                let next = rest.first.map { "\"\($0)\"" } ?? "nothing"
                throw fail("has \(next) after \"\(digits)\" where a unit (d, h, m, s or ms) was expected")
            }
            guard let unitIndex = units.firstIndex(where: { $0.name == unitText }) else {
                throw fail("has unknown unit \"\(unitText)\"; use d, h, m, s or ms")
            }
            guard unitIndex > smallestUnitSoFar else {
                throw fail("repeats or reorders units; write the largest unit first, as in \"1h30m\"")
            }
            smallestUnitSoFar = unitIndex
            guard let count = Int64(digits) else { throw fail(tooLarge) }
            let (part, overflow1) = count.multipliedReportingOverflow(by: units[unitIndex].milliseconds)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            guard !overflow1, !overflow2 else { throw fail(tooLarge) }
            total = sum
        }
        guard Duration.milliseconds(total) <= maximum else { throw fail(tooLarge) }
        return .milliseconds(total)
    }

    /// Formats a whole number of seconds the way ``parse(_:)`` reads it, e.g. `5400` as `"1h30m"`
    /// and `0` as `"0s"`.
    public static func format(seconds: Int64) -> String {
        guard seconds != 0 else { return "0s" }
        var remaining = seconds.magnitude
        var text = seconds < 0 ? "-" : ""
        for (name, milliseconds) in units where milliseconds >= 1_000 {
            let unitSeconds = UInt64(milliseconds / 1_000)
            if remaining >= unitSeconds {
                text += "\(remaining / unitSeconds)\(name)"
                remaining %= unitSeconds
            }
        }
        return text
    }
}
