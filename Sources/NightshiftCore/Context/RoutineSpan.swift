/// A weekly span of local time in a routine, written `"Mon-Fri 09:00-17:00"`, `"Mon,Wed,Fri 06:00-07:30"`
/// or `"23:00-07:00"` (every day).
///
/// The days name the day the span starts on. An end earlier than the start crosses midnight:
/// `"Fri 23:00-02:00"` runs from Friday 23:00 to Saturday 02:00. The start is inclusive, the end
/// exclusive, and `24:00` is the end of the day. Day ranges may wrap the week: `"Fri-Mon"` is Friday,
/// Saturday, Sunday and Monday.
public struct RoutineSpan: Sendable, Hashable, CustomStringConvertible {
    /// The days the span starts on: 0 for Sunday through 6 for Saturday.
    public var weekdays: Set<Int>
    /// Minutes after local midnight at which the span starts, 0...1439.
    public var startMinute: Int
    /// Minutes after local midnight at which it ends, 0...1440; not after ``startMinute`` means the next day.
    public var endMinute: Int
    /// The span as written.
    public var text: String

    private static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    private static let fullDayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// Parses a span; the error names `text` and says what is wrong with it.
    public init(parsing text: String) throws(RoutineError) {
        func fail(_ detail: String) -> RoutineError { RoutineError(value: text, detail) }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let times = words.last else {
            throw fail("is empty; write a span such as \"23:00-07:00\" or \"Mon-Fri 09:00-17:00\"")
        }
        let ends = times.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, ends.allSatisfy({ $0.contains(":") }) else {
            throw fail("\"\(times)\" is not a time span; write HH:MM-HH:MM, e.g. 09:00-17:00")
        }
        guard let start = ActiveHours.minuteOfDay(ends[0]), start < 1440 else {
            throw fail("\"\(ends[0])\" is not a time from 00:00 to 23:59")
        }
        guard let end = ActiveHours.minuteOfDay(ends[1]) else {
            throw fail("\"\(ends[1])\" is not a time from 00:00 to 24:00")
        }
        guard start != end else {
            throw fail("is empty because it starts where it ends; use 00:00-24:00 for a whole day")
        }
        var weekdays: Set<Int> = []
        let days = words.dropLast().joined()
        if days.isEmpty {
            weekdays = Set(0...6)
        } else {
            for item in days.split(separator: ",", omittingEmptySubsequences: false) {
                let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
                var numbers: [Int] = []
                for bound in bounds {
                    guard let day = Self.weekday(bound) else {
                        throw fail("\"\(bound)\" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun, a list (Mon,Wed) or a range (Mon-Fri)")
                    }
                    numbers.append(day)
                }
                guard numbers.count <= 2 else { throw fail("\"\(item)\" is not a day range; write two days, e.g. Mon-Fri") }
                var day = numbers[0]
                weekdays.insert(day)
                while day != numbers[numbers.count - 1] {
                    day = (day + 1) % 7
                    weekdays.insert(day)
                }
            }
        }
        self.weekdays = weekdays
        startMinute = start
        endMinute = end
        self.text = text
    }

    /// Whether the span runs past midnight into the next day.
    public var crossesMidnight: Bool { endMinute <= startMinute }

    /// The span as written.
    public var description: String { text }

    private static func weekday(_ text: Substring) -> Int? {
        let lower = text.lowercased()
        return dayNames.firstIndex(of: lower) ?? fullDayNames.firstIndex(of: lower)
    }
}

/// A routine span or entry that cannot be read; the message names the value as written.
///
/// ```
/// "Mon-Fry 09:00-17:00": "Fry" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun, …
/// ```
public struct RoutineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The value as written.
    public var value: String
    /// What is wrong with it and what to write instead, without the value.
    public var detail: String

    /// Creates an error about `value`.
    public init(value: String, _ detail: String) {
        self.value = value
        self.detail = detail
    }

    /// `"VALUE": detail`.
    public var message: String { "\"\(value)\": \(detail)" }

    /// The same as ``message``.
    public var description: String { message }
}
