import Foundation
import NightshiftBuilder
import NightshiftCore
import Testing

/// Reads `text` as nightshift.toml with the builder's section.
func readBuilder(_ text: String) -> (BuilderSettings?, [ConfigDiagnostic]) {
    let (configuration, diagnostics) = ConfigLoader.parse(text, file: "nightshift.toml", sections: [BuilderSettings.self])
    return (configuration?.section(BuilderSettings.self), diagnostics)
}

@Suite("The [builder] table")
struct BuilderSettingsTests {
    static let agent = "[builder]\nagent = [\"claude\", \"-p\", \"{prompt}\"]\n"

    @Test("only agent given: every other setting has its default")
    func defaults() throws {
        let (settings, diagnostics) = readBuilder(Self.agent)
        #expect(diagnostics.isEmpty)
        let builder = try #require(settings)
        #expect(builder.agent == ["claude", "-p", "{prompt}"])
        #expect(builder.prompt == BuilderSettings.defaultPrompt)
        #expect(builder.workingDirectory == nil)
        #expect(builder.environment == [])
        #expect(builder.maxConcurrent == 3)
        #expect(builder.timeoutFactor == 1.5)
        #expect(builder.timeout == nil)
        #expect(builder.resourceLimit == 80)
        #expect(builder.leaseTTL == .seconds(15))
        #expect(builder.maxAttempts == 3)
        #expect(builder.lowRiskCategories == ["Bug fixes", "Documentation", "Performance optimization"])
        #expect(builder.overnightSchedule == "0 23 * * *")
        #expect(builder.monitorUntil == TimeOfDay(hour: 6, minute: 30))
        #expect(builder.briefSchedule == "0 7 * * *")
        #expect(builder.windows == TimeWindow.defaults)
        #expect(builder == BuilderSettings(agent: ["claude", "-p", "{prompt}"]))
    }

    @Test("a workspace without [builder] has no builder section")
    func absent() {
        let (settings, diagnostics) = readBuilder("[workspace]\nname = \"home\"\n")
        #expect(settings == nil)
        #expect(diagnostics.isEmpty)
    }

    @Test("a full table is read as written, windows replaced in part or added")
    func fullTable() throws {
        let text = """
            [builder]
            agent = ["codex", "exec", "{prompt}"]
            prompt = "Do {title} ({task})"
            workdir = "repo"
            env = ["OPENAI_API_KEY"]
            max_concurrent = 2
            timeout_factor = 2
            timeout = "3h"
            resource_limit = 90.5
            lease_ttl = "2m"
            max_attempts = 5
            low_risk_categories = ["Documentation"]

            [builder.overnight]
            schedule = "30 22 * * *"
            brief = "15 6 * * 1-5"
            monitor_until = "05:45"

            [builder.windows.overnight]
            end = "06:00"

            [builder.windows.lunch]
            days = "Mon-Fri"
            start = "12:00"
            end = "13:30"
            min_hours = 0.5
            max_hours = 1.5
            """
        let (settings, diagnostics) = readBuilder(text)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let builder = try #require(settings)
        #expect(builder.agent == ["codex", "exec", "{prompt}"])
        #expect(builder.prompt == "Do {title} ({task})")
        #expect(builder.workingDirectory == "repo")
        #expect(builder.environment == ["OPENAI_API_KEY"])
        #expect(builder.maxConcurrent == 2)
        #expect(builder.timeoutFactor == 2)
        #expect(builder.timeout == .seconds(3 * 3600))
        #expect(builder.resourceLimit == 90.5)
        #expect(builder.leaseTTL == .seconds(120))
        #expect(builder.maxAttempts == 5)
        #expect(builder.lowRiskCategories == ["Documentation"])
        #expect(builder.overnightSchedule == "30 22 * * *")
        #expect(builder.briefSchedule == "15 6 * * 1-5")
        #expect(builder.monitorUntil == TimeOfDay(hour: 5, minute: 45))

        #expect(builder.windows.map(\.name) == ["quick_win", "overnight", "work_hours", "weekend", "lunch"])
        var overnight = TimeWindow.defaults[1]
        overnight.end = TimeOfDay(hour: 6, minute: 0)
        #expect(builder.windows[1] == overnight)
        #expect(builder.windows[4] == TimeWindow(
            name: "lunch", days: [2, 3, 4, 5, 6], start: .init(hour: 12, minute: 0), end: .init(hour: 13, minute: 30), minHours: 0.5, maxHours: 1.5
        ))
    }

    /// A `[builder]` snippet, where its error must be reported, and the whole message.
    struct Mistake: Sendable, CustomTestStringConvertible {
        var text: String
        var position: String
        var message: String
        var testDescription: String { "\(position): \(message)" }

        init(_ text: String, _ position: String, _ message: String) {
            self.text = text
            self.position = position
            self.message = message
        }
    }

    static let mistakes: [Mistake] = [
        Mistake("[builder]\nmax_concurrent = 2\n", "1:1",
                #"builder.agent is required: the sub-agent command, e.g. agent = ["claude", "-p", "{prompt}"]"#),
        Mistake("[builder]\nagent = []\n", "2:9", #"builder.agent must name a program, e.g. ["claude", "-p", "{prompt}"]"#),
        Mistake("[builder]\nagent = [\"\", \"-p\"]\n", "2:9", #"builder.agent must name a program, e.g. ["claude", "-p", "{prompt}"]"#),
        Mistake("[builder]\nagent = \"claude -p\"\n", "2:9", "builder.agent must be an array of strings, found a string"),
        Mistake("[builder]\nagent = [\"claude\", 1]\n", "2:20", "builder.agent must contain only strings, found an integer"),
        Mistake(agent + "max_concurrent = 0\n", "3:18", "builder.max_concurrent must be between 1 and 64, found 0"),
        Mistake(agent + "max_concurrent = 65\n", "3:18", "builder.max_concurrent must be between 1 and 64, found 65"),
        Mistake(agent + "resource_limit = 150\n", "3:18", "builder.resource_limit must be a percentage above 0 and at most 100, e.g. 80"),
        Mistake(agent + "resource_limit = 0\n", "3:18", "builder.resource_limit must be a percentage above 0 and at most 100, e.g. 80"),
        Mistake(agent + "timeout_factor = -1\n", "3:18", "builder.timeout_factor must be a number above 0 and at most 100"),
        Mistake(agent + "timeout_factor = \"2\"\n", "3:18", "builder.timeout_factor must be a number above 0 and at most 100"),
        Mistake(agent + "lease_ttl = \"1s\"\n", "3:13", "builder.lease_ttl must be at least 2s"),
        Mistake(agent + "max_attempts = 0\n", "3:16", "builder.max_attempts must be between 1 and 100, found 0"),
        Mistake(agent + "max_concurent = 2\n", "3:1", #"unknown key "builder.max_concurent" (did you mean "max_concurrent"?)"#),
        Mistake(agent + "agnet = []\n", "3:1", #"unknown key "builder.agnet" (did you mean "agent"?)"#),
        Mistake(agent + "\n[builder.windows.overnight]\nstart = \"25:00\"\n", "5:9", #"builder.windows.overnight.start must be HH:MM, found "25:00""#),
        Mistake(agent + "\n[builder.windows.overnight]\nend = \"7am\"\n", "5:7", #"builder.windows.overnight.end must be HH:MM, found "7am""#),
        Mistake(agent + "\n[builder.windows.overnight]\nmin_hours = 7\n", "4:1", "builder.windows.overnight: min_hours (7.0) is above max_hours (6.0)"),
        Mistake(agent + "\n[builder.windows.lunch]\nstart = \"12:00\"\nend = \"13:00\"\nmin_hours = 2\nmax_hours = 1\n", "4:1",
                "builder.windows.lunch: min_hours (2.0) is above max_hours (1.0)"),
        Mistake(agent + "\n[builder.windows.overnight]\nmax_hours = 0\n", "5:13", "builder.windows.overnight.max_hours must be a number of hours above 0"),
        Mistake(agent + "\n[builder.windows.lunch]\nstart = \"12:00\"\n", "4:1", #"builder.windows.lunch needs start = "HH:MM" and end = "HH:MM""#),
        Mistake(agent + "\n[builder.windows.weekend]\ndays = \"Funday\"\n", "5:8",
                #"builder.windows.weekend.days must be days like "Mon-Fri", "Sat,Sun" or "daily", found "Funday""#),
        Mistake(agent + "\n[builder.windows.weekend]\nhours = 3\n", "5:1", #"unknown key "builder.windows.weekend.hours""#),
        Mistake(agent + "\n[builder.overnight]\nschedule = \"every night\"\n", "5:12", #"builder.overnight.schedule is not a cron expression: "every night""#),
        Mistake(agent + "\n[builder.overnight]\nbrief = \"0 25 * * *\"\n", "5:9", #"builder.overnight.brief is not a cron expression: "0 25 * * *""#),
        Mistake(agent + "\n[builder.overnight]\nmonitor_until = \"6:30\"\n", "5:17", #"builder.overnight.monitor_until must be HH:MM, found "6:30""#),
        Mistake(agent + "\n[builder.overnight]\nscheduel = \"0 23 * * *\"\n", "5:1", #"unknown key "builder.overnight.scheduel" (did you mean "schedule"?)"#),
    ]

    @Test("each mistake is reported once, exactly, at its file, line and column", arguments: mistakes)
    func mistake(_ mistake: Mistake) {
        let (settings, diagnostics) = readBuilder(mistake.text)
        #expect(settings == nil)
        #expect(diagnostics.map(\.description) == ["nightshift.toml:\(mistake.position): \(mistake.message)"])
    }

    @Test("a bad duration names the key and what the parser expected")
    func badDuration() {
        let (settings, diagnostics) = readBuilder(Self.agent + "timeout = \"forever\"\n")
        #expect(settings == nil)
        #expect(diagnostics.map(\.description).first?.hasPrefix("nightshift.toml:3:11: builder.timeout: duration: ") == true, "\(diagnostics)")
    }

    @Test("every mistake of the table is reported, in file order")
    func allMistakes() {
        let text = """
            [builder]
            max_concurrent = 0
            resource_limit = 150

            [builder.windows.weekend]
            days = "Funday"
            """
        let (settings, diagnostics) = readBuilder(text)
        #expect(settings == nil)
        #expect(diagnostics.map { "\($0.location.line):\($0.location.column)" } == ["1:1", "2:18", "3:18", "6:8"])
    }
}
