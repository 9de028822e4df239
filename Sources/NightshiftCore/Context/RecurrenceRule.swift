/// The part of an `RRULE` that Nightshift expands: daily and weekly rules with `INTERVAL`, `BYDAY`,
/// `WKST`, and an end by `UNTIL` or `COUNT`.
///
/// Anything else that would change which days a rule yields (`FREQ=MONTHLY`, `BYMONTH`, `BYSETPOS`)
/// is refused rather than skipped, since expanding only part of a rule would invent or drop events.
struct RecurrenceRule: Sendable, Hashable {
    enum Frequency: String, Sendable, Hashable {
        case daily = "DAILY", weekly = "WEEKLY"
    }

    var frequency: Frequency
    /// Every how many days or weeks; at least 1.
    var interval = 1
    /// Weekdays from `BYDAY`, 0 for Sunday through 6 for Saturday; empty when not given.
    var weekdays: Set<Int> = []
    /// The first day of a week for `WEEKLY` with `INTERVAL` above 1; Monday unless `WKST` says otherwise.
    var weekStart = 1
    /// The last start the rule may yield (inclusive).
    var until: ICSTime?
    /// How many starts the rule yields, counting `DTSTART`.
    var count: Int?

    static let weekdayNames = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
    private static let supportedParts = "FREQ, INTERVAL, BYDAY, WKST, UNTIL and COUNT"
    private static let unsupportedParts: Set<String> = ["BYSECOND", "BYMINUTE", "BYHOUR", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS"]
    private static let unsupportedFrequencies: Set<String> = ["SECONDLY", "MINUTELY", "HOURLY", "MONTHLY", "YEARLY"]

    /// Reads the value of an `RRULE` content line, e.g. `FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261231`.
    static func parse(_ value: String, line: Int, file: String) throws(ICSError) -> RecurrenceRule {
        func fail(_ message: String, _ code: ICSError.Code = .invalidRule) -> ICSError {
            ICSError(code: code, file: file, line: line, message: message)
        }
        var parts: [String: String] = [:]
        var order: [String] = []
        for part in value.split(separator: ";", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
                throw fail("RRULE part \"\(part)\" is not NAME=VALUE; write e.g. FREQ=WEEKLY;BYDAY=MO,WE")
            }
            let name = pieces[0].uppercased()
            guard parts[name] == nil else { throw fail("RRULE names \(name) twice; keep one") }
            parts[name] = String(pieces[1])
            order.append(name)
        }
        for name in order where !name.hasPrefix("X-") && !["FREQ", "INTERVAL", "BYDAY", "WKST", "UNTIL", "COUNT"].contains(name) {
            if unsupportedParts.contains(name) {
                throw fail("RRULE part \(name) is not supported; Nightshift expands \(supportedParts)", .unsupportedRule)
            }
            throw fail("RRULE part \(name) is not an RFC 5545 rule part; use \(supportedParts)")
        }
        guard let frequencyName = parts["FREQ"]?.uppercased() else {
            throw fail("RRULE has no FREQ; start it with FREQ=DAILY or FREQ=WEEKLY")
        }
        guard let frequency = Frequency(rawValue: frequencyName) else {
            if unsupportedFrequencies.contains(frequencyName) {
                throw fail("RRULE FREQ=\(frequencyName) is not supported; Nightshift expands FREQ=DAILY and FREQ=WEEKLY only", .unsupportedRule)
            }
            throw fail("RRULE FREQ=\(frequencyName) is not a frequency; use FREQ=DAILY or FREQ=WEEKLY")
        }
        var rule = RecurrenceRule(frequency: frequency)
        func positive(_ name: String) throws(ICSError) -> Int? {
            guard let text = parts[name] else { return nil }
            guard text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text), number >= 1 else {
                throw fail("RRULE \(name)=\(text) must be a whole number of 1 or more")
            }
            return number
        }
        rule.interval = try positive("INTERVAL") ?? 1
        rule.count = try positive("COUNT")
        if let days = parts["BYDAY"] {
            for day in days.split(separator: ",", omittingEmptySubsequences: false) {
                rule.weekdays.insert(try weekday(String(day), part: "BYDAY", fail: fail))
            }
        }
        if let day = parts["WKST"] { rule.weekStart = try weekday(day, part: "WKST", fail: fail) }
        if let until = parts["UNTIL"] {
            guard rule.count == nil else { throw fail("RRULE has both COUNT and UNTIL; keep one of them") }
            rule.until = try ICSTime.parse(until, property: "RRULE UNTIL", line: line, file: file)
        }
        return rule
    }

    private static func weekday(_ text: String, part: String, fail: (String, ICSError.Code) -> ICSError) throws(ICSError) -> Int {
        let upper = text.uppercased()
        if let index = weekdayNames.firstIndex(of: upper) { return index }
        if upper.count > 2, weekdayNames.contains(String(upper.suffix(2))), Int(upper.dropLast(2)) != nil {
            throw fail("RRULE \(part) \"\(text)\" has an ordinal, which only monthly and yearly rules use; they are not supported", .unsupportedRule)
        }
        throw fail("RRULE \(part) \"\(text)\" is not a weekday; use MO, TU, WE, TH, FR, SA or SU", .invalidRule)
    }
}
