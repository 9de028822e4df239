import Foundation

/// The operator's usual week, from `[context.routine]`: which context holds when, in the workspace's
/// time zone.
///
/// ```toml
/// [context.routine]
/// sleeping = ["23:00-07:00"]
/// gym = ["Mon,Wed,Fri 06:00-07:30", "Tue 17:00-18:30"]
/// work = ["Mon-Fri 09:00-17:00"]
/// ```
///
/// Spans may overlap; then the one that started last holds (the gym at 06:00 ends the night that
/// started at 23:00), and of two that started together the shorter one.
public struct ContextRoutine: Sendable, Hashable {
    /// One span of the routine and the context it stands for.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// The context during the span.
        public var context: OperatorContext
        /// When it holds.
        public var span: RoutineSpan

        /// Creates an entry.
        public init(context: OperatorContext, span: RoutineSpan) {
            self.context = context
            self.span = span
        }

        /// `context "span"`, e.g. `gym "Mon,Wed,Fri 06:00-07:30"`.
        public var description: String { "\(context) \"\(span)\"" }
    }

    /// The entries, in the order they were declared.
    public var entries: [Entry]

    /// A routine of the given entries.
    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Parses spans per context, in order: `try ContextRoutine([.sleeping: ["23:00-07:00"]])`.
    public init(_ spans: KeyValuePairs<OperatorContext, [String]>) throws(RoutineError) {
        var entries: [Entry] = []
        for (context, texts) in spans {
            for text in texts { entries.append(Entry(context: context, span: try RoutineSpan(parsing: text))) }
        }
        self.init(entries: entries)
    }

    /// Whether the routine says nothing.
    public var isEmpty: Bool { entries.isEmpty }

    /// One concrete pass of an entry.
    struct Occurrence: Sendable, Hashable {
        var entry: Entry
        var index: Int
        var start: Date
        var end: Date
    }

    /// Every pass of every entry that overlaps `from..<to`, with the walls of `zone`.
    func occurrences(from: Date, to: Date, in zone: TimeZone) -> [Occurrence] {
        guard from < to else { return [] }
        let firstDay = WallTime.split(WallTime.wall(ScheduleSupport.unixSeconds(from), in: zone)).day - 1
        let lastDay = WallTime.split(WallTime.wall(ScheduleSupport.unixSeconds(to), in: zone)).day
        var result: [Occurrence] = []
        for day in firstDay...lastDay {
            let weekday = CivilTime.weekday(days: day)
            for (index, entry) in entries.enumerated() where entry.span.weekdays.contains(weekday) {
                let span = entry.span
                let startWall = day * 86_400 + Int64(span.startMinute) * 60
                let endWall = (span.crossesMidnight ? day + 1 : day) * 86_400 + Int64(span.endMinute) * 60
                let start = ScheduleSupport.date(unixSeconds: WallTime.instant(startWall, in: zone))
                let end = ScheduleSupport.date(unixSeconds: WallTime.instant(endWall, in: zone))
                if start < to, end > from, start < end {
                    result.append(Occurrence(entry: entry, index: index, start: start, end: end))
                }
            }
        }
        return result
    }

    /// Whether `a` wins over `b` when both cover the same instant.
    static func precedes(_ a: Occurrence, _ b: Occurrence) -> Bool {
        if a.start != b.start { return a.start > b.start }
        if a.end != b.end { return a.end < b.end }
        return a.index < b.index
    }
}
