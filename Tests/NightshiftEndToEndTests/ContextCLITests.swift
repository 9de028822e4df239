import Foundation
import Testing

/// A broken `[context]` table and where `context detect` must say the mistake is.
struct BadContextConfig: Sendable, CustomTestStringConvertible {
    var name: String
    /// Appended to a valid workspace table.
    var toml: String
    /// The text the error's column points at; its line and column are looked up in the file.
    var at: String
    var fragment: String

    var testDescription: String { name }

    static let all: [BadContextConfig] = [
        BadContextConfig(
            name: "limit that is not a number", toml: "[context.limits]\nsleeping = \"lots\"",
            at: "\"lots\"", fragment: "context.limits.sleeping must be an integer"
        ),
        BadContextConfig(
            name: "negative limit", toml: "[context.limits]\nwork = -1",
            at: "-1", fragment: "context.limits.work must be between 0 and 64"
        ),
        BadContextConfig(
            name: "unknown context in limits", toml: "[context.limits]\nbusy = 2",
            at: "busy", fragment: "unknown context \"busy\" in context.limits"
        ),
        BadContextConfig(
            name: "routine time out of range", toml: "[context.routine]\nwork = [\"Mon-Fri 25:00-26:00\"]",
            at: "\"Mon-Fri 25:00-26:00\"", fragment: "\"25:00\" is not a time from 00:00 to 23:59"
        ),
        BadContextConfig(
            name: "routine day that is not a day", toml: "[context.routine]\nwork = [\"Mon-Fry 09:00-17:00\"]",
            at: "\"Mon-Fry 09:00-17:00\"", fragment: "\"Fry\" is not a day"
        ),
        BadContextConfig(
            name: "map to an unknown context", toml: "[context.map]\n\"Focus\" = \"party\"",
            at: "\"party\"", fragment: "context.map.Focus must be a context name"
        ),
        BadContextConfig(
            name: "calendar with an unsupported scheme", toml: "[context]\ncalendars = [\"ftp://example.com/cal.ics\"]",
            at: "\"ftp://example.com/cal.ics\"", fragment: "is not a file path or an http(s) URL"
        ),
        BadContextConfig(
            name: "calendars as one string", toml: "[context]\ncalendars = \"cal.ics\"",
            at: "\"cal.ics\"", fragment: "context.calendars must be an array of strings"
        ),
    ]
}

/// A calendar file that `context detect` must refuse, naming the file and the line.
struct BadCalendar: Sendable, CustomTestStringConvertible {
    var name: String
    var lines: [String]
    var line: Int
    var fragment: String

    var testDescription: String { name }

    static let all: [BadCalendar] = [
        BadCalendar(
            name: "DTSTART without a value",
            lines: ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:1@test", "DTSTART:", "SUMMARY:Deep Focus", "END:VEVENT", "END:VCALENDAR"],
            line: 5, fragment: "DTSTART \"\" is not a date"
        ),
        BadCalendar(
            name: "VEVENT never ended",
            lines: ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:1@test", "DTSTART:20260101T090000Z", "SUMMARY:Deep Focus"],
            line: 3, fragment: "BEGIN:VEVENT has no END:VEVENT"
        ),
        BadCalendar(
            name: "VCALENDAR closed inside a VEVENT",
            lines: ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:1@test", "DTSTART:20260101T090000Z", "SUMMARY:Deep Focus", "END:VCALENDAR"],
            line: 7, fragment: "END:VCALENDAR does not close BEGIN:VEVENT of line 3"
        ),
        BadCalendar(
            name: "bad DTSTART after a folded line counts physical lines",
            lines: ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:1@test", "SUMMARY:A very long", "  title folded", " over lines", "DTSTART:2026010", "END:VEVENT", "END:VCALENDAR"],
            line: 8, fragment: "DTSTART \"2026010\" is not a date"
        ),
        BadCalendar(
            name: "event without DTSTART",
            lines: ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:1@test", "SUMMARY:No start", "END:VEVENT", "END:VCALENDAR"],
            line: 3, fragment: "the event has no DTSTART"
        ),
    ]
}

/// `nightshift context …` on a workspace with a real ICS file and a routine: which source wins,
/// what each context allows, the spans ahead, and the errors an operator can make.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ContextCLITests {
    struct Event {
        var title: String
        var start: Date
        var end: Date
    }

    /// Now, to the second: ICS times have no fractions, so an event's end prints as it was written.
    static func now() -> Date { Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }

    /// An ICS file (CRLF lines) with UTC times.
    static func calendar(_ events: [Event]) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Nightshift tests//EN"]
        for (index, event) in events.enumerated() {
            lines += [
                "BEGIN:VEVENT", "UID:event-\(index)@nightshift.test", "DTSTAMP:\(UTCClock.icsStamp(event.start))",
                "DTSTART:\(UTCClock.icsStamp(event.start))", "DTEND:\(UTCClock.icsStamp(event.end))", "SUMMARY:\(event.title)", "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A workspace reading `cal.ics`, with one routine line and "Focus" events meaning work.
    static func config(routine: String, extra: String = "") -> String {
        """
        [workspace]
        time_zone = "UTC"

        [context]
        calendars = ["cal.ics"]

        [context.routine]
        \(routine)

        [context.map]
        "Focus" = "work"
        \(extra)
        """
    }

    func detect(_ workspace: TestWorkspace) async throws -> ContextInfo {
        try await CLI.json(ContextInfo.self, workspace.args("context", "detect"))
    }

    @Test("a calendar event wins over the routine; an override wins over both until it is cleared")
    func calendarThenOverrideThenCalendar() async throws {
        try await withWorkspace { workspace in
            let now = Self.now()
            try await workspace.initialize(config: Self.config(routine: #"available = ["00:00-24:00"]"#))
            try workspace.write("cal.ics", Self.calendar([
                Event(title: "Deep Focus", start: now - 3600, end: now + 3600),
                Event(title: "Gym class", start: now + 3 * 3600, end: now + 4 * 3600),
            ]))

            let word = try await CLI.run(workspace.args("context", "detect"))
            #expect(word.status == 0 && word.stdout == "work\n", "\"Deep Focus\" maps to work through [context.map] \"Focus\": \(word)")
            let calendar = try await detect(workspace)
            #expect(calendar.context == "work" && calendar.source == #"calendar "Deep Focus""#, "\(calendar)")
            #expect(try calendar.until.map(parseISO8601) == now + 3600, "the context lasts until the event ends: \(calendar)")
            #expect(calendar.maxConcurrentBuilds == 2 && !calendar.lowRiskOnly, "\(calendar)")

            let set = try await CLI.run(workspace.args("context", "set", "sleeping", "--for", "2h"))
            #expect(set.status == 0, "\(set)")
            #expect(set.stdout.hasPrefix("context set to sleeping until "), "\(set)")
            let overridden = try await detect(workspace)
            #expect(overridden.context == "sleeping", "the override wins over the calendar: \(overridden)")
            #expect(overridden.source.hasPrefix("override"), "\(overridden)")
            let until = try parseISO8601(try #require(overridden.until, "an override --for 2h has an end"))
            #expect(until >= now + 2 * 3600 && until <= Date() + 2 * 3600 + 1, "2h from when it was set: \(overridden)")
            let summary = try await CLI.json(ContextInfo.self, workspace.args("context", "summary"))
            #expect(summary.context == "sleeping" && summary.maxConcurrentBuilds == 3 && summary.intensity == "maximum", "\(summary)")

            let cleared = try await CLI.run(workspace.args("context", "clear"))
            #expect(cleared.status == 0, "\(cleared)")
            #expect(cleared.stdout.contains("the context is work again"), "\(cleared)")
            let back = try await detect(workspace)
            #expect(back.context == "work" && back.source == #"calendar "Deep Focus""#, "\(back)")
        }
    }

    @Test("without a calendar event now, the routine decides; without calendar and routine, the context is unknown")
    func routineAppliesBetweenEvents() async throws {
        try await withWorkspace { workspace in
            let now = Self.now()
            try await workspace.initialize(config: Self.config(routine: #"sleeping = ["00:00-24:00"]"#))
            try workspace.write("cal.ics", Self.calendar([
                Event(title: "Deep Focus", start: now - 5 * 3600, end: now - 4 * 3600),
                Event(title: "Gym class", start: now + 3 * 3600, end: now + 4 * 3600),
            ]))
            let word = try await CLI.run(workspace.args("context", "detect"))
            #expect(word.status == 0 && word.stdout == "sleeping\n", "\(word)")
            let routine = try await detect(workspace)
            #expect(routine.context == "sleeping" && routine.source == #"routine "00:00-24:00""#, "\(routine)")

            try workspace.write(config: "[workspace]\ntime_zone = \"UTC\"\n")
            let unknown = try await detect(workspace)
            #expect(unknown.context == "unknown" && unknown.source == "default", "\(unknown)")
            #expect(unknown.lowRiskOnly && unknown.maxConcurrentBuilds == 1, "\(unknown)")
        }
    }

    @Test("upcoming --hours 12 gives ordered, contiguous spans from now to 12 hours ahead: event, routine, event, routine")
    func upcomingSpansAreOrderedAndDoNotOverlap() async throws {
        try await withWorkspace { workspace in
            let now = Self.now()
            try await workspace.initialize(config: Self.config(routine: #"available = ["00:00-24:00"]"#))
            try workspace.write("cal.ics", Self.calendar([
                Event(title: "Deep Focus", start: now - 3600, end: now + 3600),
                Event(title: "Gym class", start: now + 3 * 3600, end: now + 4 * 3600),
            ]))
            let asked = Date()
            let spans = try await CLI.json([ContextSpanInfo].self, workspace.args("context", "upcoming", "--hours", "12"))
            let done = Date()
            try #require(!spans.isEmpty)
            let starts = try spans.map { try parseISO8601($0.start) }
            let ends = try spans.map { try parseISO8601($0.end) }
            for index in spans.indices {
                #expect(starts[index] < ends[index], "span \(index) is not empty: \(spans)")
                if index > 0 { #expect(starts[index] == ends[index - 1], "span \(index) starts where the last ended: \(spans)") }
            }
            #expect(starts[0] >= asked - 1 && starts[0] <= done, "the first span starts now: \(spans)")
            #expect(ends[ends.count - 1] >= asked + 12 * 3600 - 1 && ends[ends.count - 1] <= done + 12 * 3600, "the last ends 12 h ahead: \(spans)")

            // Adjacent spans of the same context (one routine day and the next) read as one.
            var sequence: [(context: String, source: String)] = []
            for span in spans where sequence.last?.context != span.context { sequence.append((span.context, span.source)) }
            #expect(sequence.map(\.context) == ["work", "available", "gym", "available"], "\(spans)")
            #expect(sequence.map(\.source) == [#"calendar "Deep Focus""#, #"routine "00:00-24:00""#, #"calendar "Gym class""#, #"routine "00:00-24:00""#], "\(spans)")
            let focus = try #require(spans.first)
            #expect(try parseISO8601(focus.end) == now + 3600, "\(spans)")
            let gym = try #require(spans.first { $0.context == "gym" })
            #expect(try parseISO8601(gym.start) == now + 3 * 3600 && parseISO8601(gym.end) == now + 4 * 3600, "\(spans)")

            let text = try await CLI.run(workspace.args("context", "upcoming", "--hours", "12"))
            #expect(text.status == 0 && text.stdout.contains("FROM") && text.stdout.contains("Gym class"), "\(text)")
        }
    }

    @Test("summary --json says what each context allows; [context.limits] changes a limit; only unknown is low-risk only")
    func summaryShowsWhatEachContextAllows() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config(routine: #"available = ["00:00-24:00"]"#, extra: "\n[context.limits]\ngym = 2\n"))
            try workspace.write("cal.ics", Self.calendar([]))
            let expected: [(context: String, builds: Int, lowRiskOnly: Bool)] = [
                ("sleeping", 3, false), ("work", 2, false), ("gym", 2, false), ("available", 1, false), ("unknown", 1, true),
            ]
            for (context, builds, lowRiskOnly) in expected {
                let set = try await CLI.run(workspace.args("context", "set", context))
                #expect(set.status == 0 && set.stdout.contains("until nightshift context clear"), "\(set)")
                let summary = try await CLI.json(ContextInfo.self, workspace.args("context", "summary"))
                #expect(summary.context == context && summary.source.hasPrefix("override"), "\(summary)")
                #expect(summary.until == nil, "an override without --for has no end: \(summary)")
                #expect(summary.maxConcurrentBuilds == builds, "\(context): \(summary)")
                #expect(summary.lowRiskOnly == lowRiskOnly, "\(context): \(summary)")
            }
            let text = try await CLI.run(workspace.args("context", "summary"))
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout.contains("Context: unknown") && text.stdout.contains("Only low-risk categories run."), "\(text)")
        }
    }

    @Test("an unreadable calendar makes detect, summary and upcoming exit 2 naming the file and the line", arguments: BadCalendar.all)
    func badCalendarNamesFileAndLine(_ bad: BadCalendar) async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config(routine: #"available = ["00:00-24:00"]"#))
            try workspace.write("cal.ics", bad.lines.joined(separator: "\r\n") + "\r\n")
            for verb in ["detect", "summary", "upcoming"] {
                let result = try await CLI.run(workspace.args("context", verb))
                #expect(result.status == 2, "\(verb): \(result)")
                #expect(result.stdout.isEmpty, "\(verb): \(result)")
                #expect(result.stderr.contains("cal.ics:\(bad.line): "), "\(verb) names the file and line \(bad.line): \(result)")
                #expect(result.stderr.contains(bad.fragment), "\(verb): \(result)")
            }
        }
    }

    @Test("a bad calendar among good ones is named by its path as configured")
    func badCalendarInASubfolder() async throws {
        try await withWorkspace { workspace in
            let now = Self.now()
            try await workspace.initialize(config: Self.config(routine: #"available = ["00:00-24:00"]"#)
                .replacingOccurrences(of: #"calendars = ["cal.ics"]"#, with: #"calendars = ["cal.ics", "calendars/team.ics"]"#))
            try workspace.write("cal.ics", Self.calendar([Event(title: "Deep Focus", start: now - 60, end: now + 3600)]))
            try FileManager.default.createDirectory(atPath: "\(workspace.root)/calendars", withIntermediateDirectories: true)
            try workspace.write("calendars/team.ics", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:x\nEND:VEVENT\nEND:VCALENDAR\n")
            let result = try await CLI.run(workspace.args("context", "detect"))
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("calendars/team.ics:3: "), "\(result)")

            try FileManager.default.removeItem(atPath: "\(workspace.root)/calendars/team.ics")
            let missing = try await CLI.run(workspace.args("context", "detect"))
            #expect(missing.status == 2 && missing.stderr.contains("calendars/team.ics: cannot read the calendar file"), "\(missing)")
        }
    }

    @Test("context set refuses an unknown context and a bad duration with exit 2 and changes nothing")
    func badSetValuesExitTwo() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config(routine: #"available = ["00:00-24:00"]"#))
            try workspace.write("cal.ics", Self.calendar([]))
            let cases: [([String], String)] = [
                (["bogus"], "unknown context \"bogus\"; the contexts are sleeping, work, gym, available, unknown"),
                (["work", "--for", "2x"], "--for: "),
                (["work", "--for=-1h"], "--for: "),
                (["work", "--for", "soon"], "--for: "),
            ]
            for (extra, message) in cases {
                let result = try await CLI.run(workspace.args("context", "set") + extra)
                #expect(result.status == 2, "\(extra): \(result)")
                #expect(result.stderr.contains(message), "\(extra): \(result)")
                #expect(result.stdout.isEmpty, "\(extra): \(result)")
            }
            let hours = try await CLI.run(workspace.args("context", "upcoming", "--hours", "0"))
            #expect(hours.status == 2 && hours.stderr.contains("--hours must be between 1 and 336"), "\(hours)")
            let still = try await detect(workspace)
            #expect(still.context == "available" && still.source.hasPrefix("routine"), "no refused override was stored: \(still)")
        }
    }

    @Test("a bad [context] table makes context commands exit 2 with FILE:LINE:COL", arguments: BadContextConfig.all)
    func badContextConfigExitsTwo(_ bad: BadContextConfig) async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            let toml = "[workspace]\ntime_zone = \"UTC\"\n\n" + bad.toml + "\n"
            try workspace.write(config: toml)
            let lines = toml.split(separator: "\n", omittingEmptySubsequences: false)
            let index = try #require(lines.firstIndex { $0.contains(bad.at) }, "\(bad.at) is in the file")
            let column = lines[index].distance(from: lines[index].startIndex, to: try #require(lines[index].range(of: bad.at)).lowerBound) + 1
            let place = "\(workspace.configPath):\(index + 1):\(column): "
            for verb in ["detect", "summary"] {
                let result = try await CLI.run(workspace.args("context", verb))
                #expect(result.status == 2, "\(verb): \(result)")
                #expect(result.stdout.isEmpty, "\(verb): \(result)")
                #expect(result.stderr.contains(place), "\(verb) says \(place): \(result)")
                #expect(result.stderr.contains(bad.fragment), "\(verb): \(result)")
            }
        }
    }
}
