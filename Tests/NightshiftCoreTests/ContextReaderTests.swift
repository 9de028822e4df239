import Foundation
import NightshiftCore
import Testing

@Suite("Configuration: the [context] table")
struct ContextReaderTests {
    static let valid = """
        [workspace]
        time_zone = "Europe/Berlin"

        [context]
        calendars = ["calendars/work.ics", "https://example.com/cal.ics", "webcal://example.com/team.ics"]

        [context.routine]
        sleeping = ["23:00-07:00"]
        gym = ["Mon,Wed,Fri 06:00-07:30", "Tue 17:00-18:30"]
        work = ["Mon-Fri 09:00-17:00"]

        [context.map]
        "Gym" = "gym"
        "Focus" = "work"

        [context.limits]
        sleeping = 3
        unknown = 0
        """

    @Test("calendars, routine, map and limits are read in order")
    func valid() throws {
        let (configuration, diagnostics) = ConfigLoader.parse(Self.valid, file: "nightshift.toml")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let context = try #require(configuration?.context)
        #expect(context.calendars == [
            .file("calendars/work.ics"),
            .url(URL(string: "https://example.com/cal.ics")!),
            .url(URL(string: "https://example.com/team.ics")!),
        ])
        #expect(context.calendars[0].path(inWorkspace: "/srv/ws") == "/srv/ws/calendars/work.ics")
        #expect(context.calendars[1].path(inWorkspace: "/srv/ws") == nil)
        #expect(context.routine.entries.map(\.context) == [.sleeping, .gym, .gym, .work])
        #expect(context.routine.entries.map(\.span.text) == ["23:00-07:00", "Mon,Wed,Fri 06:00-07:30", "Tue 17:00-18:30", "Mon-Fri 09:00-17:00"])
        #expect(context.map == [ContextMapping("Gym", .gym), ContextMapping("Focus", .work)])
        #expect(context.limits == [.sleeping: 3, .unknown: 0])
        #expect(context.profile(for: .unknown).maxConcurrentBuilds == 0)
        #expect(context.profile(for: .work).maxConcurrentBuilds == 2)
    }

    @Test("without [context] nothing is declared")
    func absent() throws {
        let (configuration, _) = ConfigLoader.parse("[workspace]\nname = \"x\"\n", file: "nightshift.toml")
        let context = try #require(configuration?.context)
        #expect(context == ContextSettings())
    }

    static let contexts = "contexts are sleeping, work, gym, available, unknown"

    /// Each mistake and its whole diagnostic, `FILE:LINE:COL: message`.
    static let mistakes: [(String, String)] = [
        ("[contxt]\n", #"nightshift.toml:1:2: unknown key "contxt" (did you mean "context"?)"#),
        ("[context]\ncalendar = [\"a.ics\"]\n", #"nightshift.toml:2:1: unknown key "context.calendar" (did you mean "calendars"?)"#),
        ("[context]\ncalendars = [\"cal.ics\", 3]\n", "nightshift.toml:2:25: context.calendars must contain only strings, found an integer"),
        ("[context]\ncalendars = \"cal.ics\"\n", "nightshift.toml:2:13: context.calendars must be an array of strings, found a string"),
        ("[context]\ncalendars = [\"ftp://example.com/cal.ics\"]\n",
         #"nightshift.toml:2:14: context.calendars[0] "ftp://example.com/cal.ics" is not a file path or an http(s) URL; write e.g. "calendars/work.ics" or "https://example.com/cal.ics""#),
        ("[context]\nroutine = 3\n", "nightshift.toml:2:11: context.routine must be a table, found an integer"),
        ("[context.routine]\ngim = [\"Mon 06:00-07:00\"]\n",
         #"nightshift.toml:2:1: unknown context "gim" in context.routine (did you mean "gym"?); "# + contexts),
        ("[context.routine]\nnap = [\"13:00-14:00\"]\n", #"nightshift.toml:2:1: unknown context "nap" in context.routine; "# + contexts),
        ("[context.routine]\ngym = [\"Mon,Wed,Fri 06:00-07:30\", \"Tue 17:00-1830\"]\n",
         #"nightshift.toml:2:35: context.routine.gym[1]: "Tue 17:00-1830": "17:00-1830" is not a time span; write HH:MM-HH:MM, e.g. 09:00-17:00"#),
        ("[context.routine]\nwork = [\"Mon-Fry 09:00-17:00\"]\n",
         #"nightshift.toml:2:9: context.routine.work[0]: "Mon-Fry 09:00-17:00": "Fry" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun, a list (Mon,Wed) or a range (Mon-Fri)"#),
        ("[context.routine]\nwork = \"Mon-Fri 09:00-17:00\"\n", "nightshift.toml:2:8: context.routine.work must be an array of strings, found a string"),
        ("[context.map]\n\"Gym\" = \"gymm\"\n",
         #"nightshift.toml:2:9: context.map.Gym must be a context name (sleeping, work, gym, available, unknown), found "gymm" (did you mean "gym"?)"#),
        ("[context.map]\n\"Focus\" = 1\n",
         "nightshift.toml:2:11: context.map.Focus must be a context name (sleeping, work, gym, available, unknown), found an integer"),
        ("[context.map]\n\"\" = \"work\"\n",
         #"nightshift.toml:2:1: context.map."" is an empty pattern, which would match every event; write part of a title, e.g. "Gym" = "gym""#),
        ("[context.limits]\nsleeping = -1\n",
         "nightshift.toml:2:12: context.limits.sleeping must be between 0 and 64 (0 stops builds in that context), found -1"),
        ("[context.limits]\nwork = \"2\"\n", "nightshift.toml:2:8: context.limits.work must be an integer, found a string"),
        ("[context.limits]\nsleping = 3\n", #"nightshift.toml:2:1: unknown context "sleping" in context.limits (did you mean "sleeping"?); "# + contexts),
    ]

    @Test("each mistake is reported at its line and column", arguments: mistakes)
    func mistake(_ text: String, _ expected: String) {
        let (configuration, diagnostics) = ConfigLoader.parse(text, file: "nightshift.toml")
        #expect(configuration == nil)
        #expect(diagnostics.map(\.description) == [expected])
    }
}
