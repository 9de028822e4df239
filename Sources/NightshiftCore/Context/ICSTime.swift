import Foundation

/// A date or date-time value of a calendar file (`DTSTART`, `DTEND`, `EXDATE`, `UNTIL`), in the form
/// it was written, since that decides how a recurrence steps and how it maps to instants.
enum ICSTime: Sendable, Hashable {
    /// `20261123T080000Z`: Unix seconds.
    case utc(Int64)
    /// `TZID=Europe/Berlin:20261123T090000`: wall-clock seconds in that zone.
    case zoned(Int64, TimeZone)
    /// `20261123T090000`: wall-clock seconds in whatever zone the reader uses for floating times.
    case floating(Int64)
    /// `VALUE=DATE:20261123`: days since 1970-01-01, with no time and no zone.
    case date(Int64)

    var isDate: Bool {
        if case .date = self { true } else { false }
    }

    /// The zone whose wall clock the value is written in; nil for UTC.
    func zone(floating: TimeZone) -> TimeZone? {
        switch self {
        case .utc: nil
        case .zoned(_, let zone): zone
        case .floating, .date: floating
        }
    }

    /// Wall-clock seconds in ``zone(floating:)`` (Unix seconds for UTC; midnight for a date).
    var wall: Int64 {
        switch self {
        case .utc(let seconds), .zoned(let seconds, _), .floating(let seconds): seconds
        case .date(let days): days * 86_400
        }
    }

    /// The instant, in Unix seconds, reading floating times and dates in `floating`.
    func instant(floating: TimeZone) -> Int64 {
        guard let zone = zone(floating: floating) else { return wall }
        return WallTime.instant(wall, in: zone)
    }

    /// Reads one value of the property `property` (its name, for messages) with its `TZID` and
    /// `VALUE` parameters.
    static func parse(
        _ raw: String, property: String, parameters: [String: String] = [:], line: Int, file: String
    ) throws(ICSError) -> ICSTime {
        func fail(_ message: String, _ code: ICSError.Code = .invalidValue) -> ICSError {
            ICSError(code: code, file: file, line: line, message: message)
        }
        let bytes = Array(raw.utf8)
        let digits = { (range: Range<Int>) -> Int? in
            bytes[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } ? Int(String(decoding: bytes[range], as: UTF8.self)) : nil
        }
        let shapeMessage = "\(property) \"\(raw)\" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])"
        guard bytes.count >= 8, let year = digits(0..<4), let month = digits(4..<6), let day = digits(6..<8) else {
            throw fail(shapeMessage)
        }
        guard (1...12).contains(month), (1...CivilTime.daysInMonth(year: year, month: month)).contains(day) else {
            throw fail("\(property) \"\(raw)\" names a day that does not exist")
        }
        let days = CivilTime.days(year: year, month: month, day: day)
        let type = parameters["VALUE"]?.uppercased()
        if bytes.count == 8 {
            if type == "DATE-TIME" { throw fail("\(property) \"\(raw)\" is a date but VALUE=DATE-TIME; write YYYYMMDDTHHMMSS or drop VALUE=DATE-TIME") }
            return .date(days)
        }
        let isUTC = bytes.count == 16 && (bytes[15] == UInt8(ascii: "Z") || bytes[15] == UInt8(ascii: "z"))
        guard bytes.count == 15 || isUTC, bytes[8] == UInt8(ascii: "T") || bytes[8] == UInt8(ascii: "t"),
              let hour = digits(9..<11), let minute = digits(11..<13), let second = digits(13..<15)
        else { throw fail(shapeMessage) }
        guard hour < 24, minute < 60, second <= 60 else {
            throw fail("\(property) \"\(raw)\" has a time of day that does not exist; use 000000 to 235959")
        }
        if type == "DATE" { throw fail("\(property) \"\(raw)\" is a date-time but VALUE=DATE; write YYYYMMDD or drop VALUE=DATE") }
        // A leap second reads as the last second of its minute.
        let wall = days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        if isUTC { return .utc(wall) }
        guard let name = parameters["TZID"] else { return .floating(wall) }
        guard let zone = TimeZone(identifier: name) else {
            throw fail("\(property) TZID \"\(name)\" is not a time zone known here; use an IANA name such as Europe/Berlin or America/New_York", .unknownTimeZone)
        }
        return .zoned(wall, zone)
    }
}

/// A `DURATION` value (`PT1H30M`, `P1D`, `P2W`): nominal days, which follow the wall clock across
/// daylight-saving changes, and exact seconds.
struct ICSDuration: Sendable, Hashable {
    var days: Int64
    var seconds: Int64

    /// Reads `[+|-]P[nW][nD][T[nH][nM][nS]]`; a negative duration is refused, since events cannot end
    /// before they start.
    static func parse(_ raw: String, line: Int, file: String) throws(ICSError) -> ICSDuration {
        func fail(_ message: String) -> ICSError { ICSError(code: .invalidValue, file: file, line: line, message: message) }
        let shapeMessage = "DURATION \"\(raw)\" is not a duration such as PT1H30M, P1D or P1W"
        var text = Substring(raw.uppercased())
        if text.hasPrefix("-") { throw fail("DURATION \"\(raw)\" is negative; an event cannot end before it starts") }
        if text.hasPrefix("+") { text = text.dropFirst() }
        guard text.hasPrefix("P") else { throw fail(shapeMessage) }
        text = text.dropFirst()
        var result = ICSDuration(days: 0, seconds: 0)
        var inTime = false
        var number = ""
        var units: [Character] = []
        for character in text {
            if character.isASCII, character.isNumber {
                number.append(character)
                continue
            }
            if character == "T", !inTime, number.isEmpty {
                inTime = true
                continue
            }
            let allowed: [Character] = inTime ? ["H", "M", "S"] : ["W", "D"]
            guard number.count <= 9, let value = Int64(number), allowed.contains(character), !units.contains(character) else { throw fail(shapeMessage) }
            units.append(character)
            number = ""
            switch character {
            case "W": result.days += value * 7
            case "D": result.days += value
            case "H": result.seconds += value * 3600
            case "M": result.seconds += value * 60
            default: result.seconds += value
            }
        }
        guard number.isEmpty, !units.isEmpty, units.count == Set(units).count else { throw fail(shapeMessage) }
        return result
    }
}
