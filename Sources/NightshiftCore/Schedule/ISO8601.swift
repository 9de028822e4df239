public import Foundation

/// Reads and writes ISO 8601 instants with an explicit offset, such as `2026-12-01T09:00:00-05:00`.
///
/// Used by `at` schedules and `--after`. Parsing needs an offset (`Z` or `±HH:MM`), because a local
/// time alone does not name an instant; formatting always writes whole seconds and a `±HH:MM`
/// offset, `+00:00` for UTC.
public enum ISO8601 {
    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z` or `±HH:MM` (also `±HHMM`);
    /// returns `nil` for anything else, including impossible dates such as February 30.
    public static func parse(_ s: String) -> Date? {
        var scanner = Scanner(Array(s.utf8))
        guard let year = scanner.digits(4), scanner.skip("-"),
            let month = scanner.digits(2), scanner.skip("-"),
            let day = scanner.digits(2), scanner.skip("T") || scanner.skip("t"),
            let hour = scanner.digits(2), scanner.skip(":"),
            let minute = scanner.digits(2)
        else { return nil }
        var second = 0
        var fraction = 0.0
        if scanner.skip(":") {
            guard let value = scanner.digits(2) else { return nil }
            second = value
            if scanner.skip(".") || scanner.skip(",") {
                var scale = 0.1
                var sawDigit = false
                while let digit = scanner.digits(1) {
                    fraction += Double(digit) * scale
                    scale /= 10
                    sawDigit = true
                }
                guard sawDigit else { return nil }
            }
        }
        guard (1...12).contains(month), (1...CivilTime.daysInMonth(year: year, month: month)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }

        let offset: Int
        if scanner.skip("Z") || scanner.skip("z") {
            offset = 0
        } else {
            let sign: Int
            if scanner.skip("+") { sign = 1 } else if scanner.skip("-") { sign = -1 } else { return nil }
            guard let hours = scanner.digits(2) else { return nil }
            let colon = scanner.skip(":")
            guard let minutes = scanner.digits(2) else { return nil }
            var seconds = 0
            if colon, scanner.skip(":") {
                guard let value = scanner.digits(2) else { return nil }
                seconds = value
            }
            guard hours <= 23, minutes <= 59, seconds <= 59 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60 + seconds)
        }
        guard scanner.isAtEnd else { return nil }

        let wall = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return Date(timeIntervalSince1970: TimeInterval(wall.wallSeconds - Int64(offset)) + fraction)
    }

    /// Parses like ``parse(_:)`` but throws a ``ScheduleError`` naming `field` (e.g. `"at"`).
    public static func instant(_ s: String, field: String = "at") throws(ScheduleError) -> Date {
        guard let date = parse(s) else {
            throw ScheduleError(
                .invalidInstant, field: field, token: s,
                "\"\(s)\" is not an ISO 8601 instant with an offset; write e.g. \"2026-12-01T09:00:00-05:00\" or \"2026-12-01T14:00:00Z\"")
        }
        return date
    }

    /// Formats `d` (rounded down to whole seconds) as local time in `tz` with its offset, e.g.
    /// `2026-03-08T03:00:00-04:00`, or `2026-03-08T07:00:00+00:00` in UTC.
    public static func format(_ d: Date, in tz: TimeZone) -> String {
        let instant = ScheduleSupport.unixSeconds(d)
        let offset = ScheduleSupport.offset(of: tz, at: instant)
        let t = CivilTime(wallSeconds: instant + offset)
        var text = pad(t.year, 4) + "-" + pad(t.month, 2) + "-" + pad(t.day, 2)
        text += "T" + pad(t.hour, 2) + ":" + pad(t.minute, 2) + ":" + pad(t.second, 2)
        let magnitude = Int(offset.magnitude)
        text += (offset < 0 ? "-" : "+") + pad(magnitude / 3600, 2) + ":" + pad(magnitude % 3600 / 60, 2)
        if magnitude % 60 != 0 {
            // Local mean time before 1900 can have odd seconds; keep the output exact.
            text += ":" + pad(magnitude % 60, 2)
        }
        return text
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padding = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + padding + digits
    }

    /// A cursor over ASCII bytes.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var isAtEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(character.value) else { return false }
            index += 1
            return true
        }

        /// Exactly `count` ASCII digits as a number, or `nil` (consuming nothing) if they are not there.
        mutating func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }
    }
}
