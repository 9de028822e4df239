/// One field of a cron expression, held as a bitset of the values it allows.
struct CronField: Sendable, Hashable {
    /// Bit `n` is set when value `n` matches.
    var bits: UInt64
    /// True when the field is only numbers or lists of numbers (no `*`, `?`, range or step);
    /// cronie uses this on the minute and hour fields to decide how a job meets daylight saving.
    var isFixed: Bool
    /// True when the text starts with `*` or `?`: Vixie cron's test for an unrestricted day field.
    var isWildcard: Bool

    func contains(_ value: Int) -> Bool {
        bits & (1 << UInt64(value)) != 0
    }

    /// The smallest allowed value that is at least `value`, if any.
    func next(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let masked = bits & (~0 << UInt64(max(value, 0)))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }

    /// The smallest allowed value; a parsed field always allows at least one.
    var first: Int { bits.trailingZeroBitCount }
}

/// How one of the six cron fields is written: its name, range and the names it accepts.
struct CronFieldKind: Sendable {
    var name: String
    var range: ClosedRange<Int>
    /// Names accepted in place of numbers, upper-cased, mapped to their value.
    var names: [String: Int] = [:]
    var allowsQuestionMark = false
    /// The day-of-week field accepts 7 for Sunday and stores it as 0.
    var sevenIsSunday = false
    /// The values `*` and an open-ended `start/step` run up to (6 for day of week, not 7).
    var wildcardMax: Int { sevenIsSunday ? 6 : range.upperBound }

    static let second = CronFieldKind(name: "second", range: 0...59)
    static let minute = CronFieldKind(name: "minute", range: 0...59)
    static let hour = CronFieldKind(name: "hour", range: 0...23)
    static let dayOfMonth = CronFieldKind(name: "day of month", range: 1...31, allowsQuestionMark: true)
    static let month = CronFieldKind(
        name: "month",
        range: 1...12,
        names: [
            "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
            "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
        ]
    )
    static let dayOfWeek = CronFieldKind(
        name: "day of week",
        range: 0...7,
        names: ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6],
        allowsQuestionMark: true,
        sevenIsSunday: true
    )

    /// What a valid value looks like, for error messages.
    var expectation: String {
        switch name {
        case "month": "a month number (1-12) or name (JAN-DEC)"
        case "day of week": "a weekday number (0-7, 0 and 7 are Sunday) or name (SUN-SAT)"
        default: "a number in \(range.lowerBound)-\(range.upperBound)"
        }
    }
}

extension CronField {
    /// Parses one field, e.g. `*/15`, `1-5`, `MON-FRI`, `1,15,30`, `10-40/10` or `5/15`.
    init(parsing text: Substring, as kind: CronFieldKind) throws(ScheduleError) {
        var bits: UInt64 = 0
        var isFixed = true
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else {
                throw ScheduleError(
                    .invalidToken, field: kind.name, token: String(text),
                    "\"\(text)\" has an empty list item; separate values with single commas")
            }
            let (itemBits, itemIsFixed) = try Self.parseItem(item, as: kind)
            bits |= itemBits
            isFixed = isFixed && itemIsFixed
        }
        if kind.sevenIsSunday, bits & (1 << 7) != 0 {
            bits = (bits & ~(1 << 7)) | 1
        }
        self.init(bits: bits, isFixed: isFixed, isWildcard: text.first == "*" || text.first == "?")
    }

    /// Parses one list item; returns its bits and whether it is a single plain number.
    private static func parseItem(
        _ item: Substring, as kind: CronFieldKind
    ) throws(ScheduleError) -> (UInt64, Bool) {
        let token = String(item)
        func fail(_ code: ScheduleError.Code, _ detail: String) -> ScheduleError {
            ScheduleError(code, field: kind.name, token: token, "\"\(token)\" \(detail)")
        }

        if item == "?" {
            guard kind.allowsQuestionMark else {
                throw fail(.invalidToken, "is not allowed here; \"?\" is only for day of month and day of week")
            }
            return (bitRange(kind.range.lowerBound, kind.wildcardMax, step: 1), false)
        }

        let parts = item.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw fail(.invalidToken, "has more than one \"/\"") }
        var step = 1
        if parts.count == 2 {
            guard let value = Int(parts[1]), parts[1].allSatisfy(\.isASCIIDigit) else {
                throw fail(.invalidStep, "has a step that is not a whole number")
            }
            guard value >= 1 else { throw fail(.invalidStep, "has a step of 0; a step must be at least 1") }
            step = value
        }

        let base = parts[0]
        var low: Int
        var high: Int
        if base == "*" {
            (low, high) = (kind.range.lowerBound, kind.wildcardMax)
        } else {
            let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else { throw fail(.invalidToken, "is not a value, a range or a step") }
            guard let start = value(bounds[0], as: kind, isRangeEnd: false) else {
                throw fail(.invalidToken, "is not \(kind.expectation)")
            }
            low = start
            if bounds.count == 2 {
                guard let end = value(bounds[1], as: kind, isRangeEnd: true) else {
                    throw fail(.invalidToken, "is not \(kind.expectation)")
                }
                high = end
            } else {
                high = parts.count == 2 ? max(kind.wildcardMax, start) : start
            }
        }
        guard kind.range.contains(low), kind.range.contains(high) else {
            throw fail(.outOfRange, "is out of range \(kind.range.lowerBound)-\(kind.range.upperBound)")
        }
        guard low <= high else {
            throw fail(.reversedRange, "is a reversed range; write the smaller value first")
        }
        let isPlainNumber = parts.count == 1 && base != "*" && !base.contains("-")
        return (bitRange(low, high, step: step), isPlainNumber)
    }

    /// A number or (for month and day of week) a name; `nil` if it is neither.
    private static func value(_ text: Substring, as kind: CronFieldKind, isRangeEnd: Bool) -> Int? {
        if !text.isEmpty, text.allSatisfy(\.isASCIIDigit) {
            // Anything too long for Int is certainly out of range; keep it out of range, not "not a number".
            return Int(text) ?? Int.max
        }
        guard let named = kind.names[text.uppercased()] else { return nil }
        // "FRI-SUN" reads naturally as Friday to Sunday, so SUN ends a range as 7.
        return kind.sevenIsSunday && isRangeEnd && named == 0 ? 7 : named
    }

    private static func bitRange(_ low: Int, _ high: Int, step: Int) -> UInt64 {
        var bits: UInt64 = 0
        var value = low
        while value <= high {
            bits |= 1 << UInt64(value)
            // A step may be any size the operator writes (`1-2/9223372036854775807`); past the
            // field's end there is nothing more to set.
            guard step <= high - value else { break }
            value += step
        }
        return bits
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
