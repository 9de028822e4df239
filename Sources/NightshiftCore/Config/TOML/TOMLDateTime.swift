import Foundation

/// Validates and converts TOML's four date and time forms (RFC 3339 profiles).
///
/// The token arrives as ASCII bytes already cut out of the source, with a space separator
/// between date and time already joined in.
enum TOMLDateTime {
    private struct Time {
        var hour: Int
        var minute: Int
        var second: Int
        var nanosecond: Int?
        var length: Int
    }

    /// Whether the token is exactly a full date, `YYYY-MM-DD`.
    static func isFullDate(_ token: [UInt8]) -> Bool {
        token.count == 10 && token[4] == UInt8(ascii: "-") && token[7] == UInt8(ascii: "-")
            && [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { isDigit(token[$0]) }
    }

    /// Whether the token starts like a date (`YYYY-`) or a time (`HH:`) rather than a number.
    static func looksLikeDateTime(_ token: [UInt8]) -> Bool {
        if token.count >= 5, token[4] == UInt8(ascii: "-"), token[0..<4].allSatisfy(isDigit) {
            return true
        }
        return token.count >= 3 && token[2] == UInt8(ascii: ":") && token[0..<2].allSatisfy(isDigit)
    }

    /// Parses an offset date-time, local date-time, local date or local time token.
    static func parse(_ token: [UInt8], at start: SourcePosition) throws(TOMLParseError) -> TOMLValue {
        let text = String(decoding: token, as: UTF8.self)
        func invalid(_ reason: String) -> TOMLParseError {
            TOMLParseError(.invalidDateTime, at: start, "invalid date-time '\(text)': \(reason)")
        }

        if token[2] == UInt8(ascii: ":") {
            let time = try parseTime(token, from: 0, invalid: invalid)
            guard time.length == token.count else {
                throw invalid("unexpected text after the time")
            }
            return .localTime(DateComponents(
                hour: time.hour, minute: time.minute, second: time.second, nanosecond: time.nanosecond
            ))
        }

        guard token.count >= 10, isFullDate(Array(token[0..<10])) else {
            throw invalid("a date must be written YYYY-MM-DD")
        }
        let year = number(token, 0, 4)
        let month = number(token, 5, 2)
        let day = number(token, 8, 2)
        guard (1...12).contains(month) else {
            throw invalid("month must be between 01 and 12")
        }
        guard (1...daysInMonth(month, year: year)).contains(day) else {
            throw invalid("day \(day) does not exist in month \(month) of \(year)")
        }
        if token.count == 10 {
            return .localDate(DateComponents(year: year, month: month, day: day))
        }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(token[10]) else {
            throw invalid("date and time must be separated by 'T' or a space")
        }
        let time = try parseTime(token, from: 11, invalid: invalid)
        let offsetStart = 11 + time.length
        if offsetStart == token.count {
            return .localDateTime(DateComponents(
                year: year, month: month, day: day,
                hour: time.hour, minute: time.minute, second: time.second, nanosecond: time.nanosecond
            ))
        }

        let offsetSeconds: Int
        let offset = token[offsetStart...]
        if offset.count == 1, offset.first == UInt8(ascii: "Z") || offset.first == UInt8(ascii: "z") {
            offsetSeconds = 0
        } else if offset.count == 6, offset.first == UInt8(ascii: "+") || offset.first == UInt8(ascii: "-"),
            offset[offsetStart + 3] == UInt8(ascii: ":"),
            [1, 2, 4, 5].allSatisfy({ isDigit(token[offsetStart + $0]) })
        {
            let hours = number(token, offsetStart + 1, 2)
            let minutes = number(token, offsetStart + 4, 2)
            guard hours <= 23, minutes <= 59 else {
                throw invalid("offset must be between -23:59 and +23:59")
            }
            offsetSeconds = (hours * 3600 + minutes * 60) * (offset.first == UInt8(ascii: "-") ? -1 : 1)
        } else {
            throw invalid("the offset must be 'Z' or +HH:MM / -HH:MM")
        }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + time.hour * 3600 + time.minute * 60 + time.second - offsetSeconds
        let interval = Double(seconds) + Double(time.nanosecond ?? 0) / 1_000_000_000
        return .offsetDateTime(Date(timeIntervalSince1970: interval))
    }

    /// Parses `HH:MM:SS` with optional fractional seconds at `index`.
    private static func parseTime(
        _ token: [UInt8],
        from index: Int,
        invalid: (String) -> TOMLParseError
    ) throws(TOMLParseError) -> Time {
        let digitPositions = [0, 1, 3, 4, 6, 7].map { index + $0 }
        guard token.count >= index + 8, token[index + 2] == UInt8(ascii: ":"), token[index + 5] == UInt8(ascii: ":"),
            digitPositions.allSatisfy({ isDigit(token[$0]) })
        else {
            throw invalid("a time must be written HH:MM:SS (seconds are required)")
        }
        var time = Time(
            hour: number(token, index, 2),
            minute: number(token, index + 3, 2),
            second: number(token, index + 6, 2),
            nanosecond: nil,
            length: 8
        )
        guard time.hour <= 23, time.minute <= 59, time.second <= 60 else {
            throw invalid("hour must be 00–23, minute 00–59 and second 00–60")
        }
        if index + 8 < token.count, token[index + 8] == UInt8(ascii: ".") {
            var end = index + 9
            while end < token.count, isDigit(token[end]) {
                end += 1
            }
            let digits = end - (index + 9)
            guard digits > 0 else {
                throw invalid("a decimal point in the seconds must be followed by digits")
            }
            // Precision beyond nanoseconds is truncated, as TOML allows.
            let kept = min(digits, 9)
            var nanosecond = number(token, index + 9, kept)
            for _ in kept..<9 {
                nanosecond *= 10
            }
            time.nanosecond = nanosecond
            time.length = end - index
        }
        return time
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The decimal number written in `count` digits at `index`; the caller has checked they are digits.
    private static func number(_ token: [UInt8], _ index: Int, _ count: Int) -> Int {
        token[index..<(index + count)].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    private static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date, without involving a calendar or time zone.
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
