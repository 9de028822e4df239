public import Foundation

/// Dates as mail headers write them (RFC 5322 §3.3): `Tue, 1 Jul 2003 10:52:37 +0200`.
///
/// ```swift
/// MailDate.parse("Fri, 4 May 2001 14:05:44 -0400 (EDT)")   // 2001-05-04 18:05:44 UTC
/// MailDate.format(date, secondsFromGMT: 7200)                 // "Tue, 1 Jul 2003 10:52:37 +0200"
/// ```
public enum MailDate {
    /// The instant `text` names, or nil when it names none.
    ///
    /// Read leniently, as RFC 5322's obsolete syntax and real mail need: the day of the week is
    /// optional and not checked, comments and extra white space are ignored, seconds are optional,
    /// two-digit years are 19xx from 50 and 20xx below, three-digit years count from 1900, the
    /// zone may be `+hhmm`, `+hh:mm`, `UT`, `GMT`, `UTC`, `Z`, a US zone (`EST`, `PDT`…) or a
    /// military letter (which RFC 5322 says to read as `-0000`), and a missing zone is read as
    /// UTC. The month may come before the day (`Jul 1 2003`, as `asctime` writes it).
    public static func parse(_ text: String) -> Date? {
        // A date is short: anything long is not one, and need not be looked at.
        guard text.utf8.count <= 1000 else { return nil }
        var tokens: [Substring] = []
        var depth = 0
        var current = ""
        func flush() {
            if !current.isEmpty { tokens.append(Substring(current)) }
            current = ""
        }
        for character in text {
            switch character {
            case "(":
                depth += 1
                flush()
            case ")":
                depth = max(0, depth - 1)
                flush()
            case _ where depth > 0:
                continue
            case " ", "\t", ",", "\r", "\n", "\r\n":
                flush()
            default:
                current.append(character)
            }
        }
        flush()
        guard tokens.count <= 16 else { return nil }

        var day: Int?
        var month: Int?
        var year: Int?
        var time: (hour: Int, minute: Int, second: Int)?
        var zone: Int?
        for token in tokens {
            let lower = token.lowercased()
            if token.contains(":"), time == nil, let parsed = parseTime(token) {
                time = parsed
            } else if let first = token.first, first == "+" || first == "-", token.count > 1, let offset = parseOffset(token) {
                zone = offset
            } else if let value = Int(token), token.allSatisfy(\.isASCII) {
                if day == nil, token.count <= 2, (1...31).contains(value) {
                    day = value
                } else if year == nil {
                    year = token.count <= 2 ? (value < 50 ? 2000 + value : 1900 + value) : (token.count == 3 ? 1900 + value : value)
                } else {
                    return nil
                }
            } else if month == nil, let number = months[String(lower.prefix(3))], lower.count >= 3 {
                month = number
            } else if let offset = zones[lower] {
                zone = offset
            } else if lower.count == 1, let letter = lower.first, letter.isLetter, letter != "j" {
                zone = 0
            } else if weekdays.contains(String(lower.prefix(3))) {
                continue
            } else {
                return nil
            }
        }
        guard let day, let month, let year, let time, (1...9999).contains(year), time.hour < 24, time.minute < 60, time.second <= 60,
            day <= daysIn(month: month, year: year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + time.hour * 3600 + time.minute * 60 + time.second - (zone ?? 0)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// `date` as RFC 5322 writes it, in the zone `secondsFromGMT` east of UTC (rounded to whole
    /// minutes, at most ±23:59): `Tue, 1 Jul 2003 10:52:37 +0200`. Dates outside the years
    /// 1–9999 are written as the nearest one inside.
    public static func format(_ date: Date, secondsFromGMT: Int = 0) -> String {
        let offset = max(-86_340, min(86_340, secondsFromGMT)) / 60 * 60
        let seconds = date.timeIntervalSince1970.isFinite ? date.timeIntervalSince1970.rounded(.down) : 0
        let local = Int(max(-62_135_596_800 + 86_400, min(253_402_300_799 - 86_400, seconds))) + offset
        let days = Int((Double(local) / 86_400).rounded(.down))
        let secondOfDay = local - days * 86_400
        let (year, month, day) = civilFromDays(days)
        let weekday = ((days % 7) + 7 + 4) % 7
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(weekdayNames[weekday]), \(day) \(monthNames[month - 1]) \(year) "
            + "\(twoDigits(secondOfDay / 3600)):\(twoDigits(secondOfDay / 60 % 60)):\(twoDigits(secondOfDay % 60)) "
            + "\(sign)\(twoDigits(minutes / 60))\(twoDigits(minutes % 60))"
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdays: Set<String> = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    private static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]
    /// RFC 5322 §4.3's zone names, in seconds east of UTC.
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
        "mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
    ]

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private static func parseTime(_ token: Substring) -> (hour: Int, minute: Int, second: Int)? {
        let fields = token.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3, fields.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isASCII) }),
            let hour = Int(fields[0]), let minute = Int(fields[1])
        else { return nil }
        let second = fields.count == 3 ? Int(fields[2]) : 0
        guard let second else { return nil }
        return (hour, minute, second)
    }

    /// `+hhmm`, `-hhmm` or `+hh:mm` in seconds east of UTC.
    private static func parseOffset(_ token: Substring) -> Int? {
        let digits = token.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else { return nil }
        let hours = value / 100
        let minutes = value % 100
        guard hours <= 23, minutes <= 59 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return token.first == "-" ? -seconds : seconds
    }

    private static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (eras of 400 years, March-based years).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of ``daysFromCivil(year:month:day:)``.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
