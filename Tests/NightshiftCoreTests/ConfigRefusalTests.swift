import Foundation
import NightshiftCore
import Testing

/// `config check` refuses what will never work: a cron that never fires, a chat webhook URL
/// written out (its path is the secret), a calendar file that is missing or does not parse, a file
/// that is not UTF-8 (issue 11, item 17).
@Suite("Configuration that will never work")
struct ConfigRefusalTests {
    /// The first error of `toml`, as `LINE:COL: message`.
    static func firstError(_ toml: String, directory: String? = nil) -> String? {
        let (configuration, diagnostics) = ConfigLoader.parse(toml, file: "nightshift.toml", directory: directory, readCalendars: directory != nil)
        guard configuration == nil else { return nil }
        return diagnostics.first { $0.severity == .error }.map { "\($0.location): \($0.message)" }
    }

    // MARK: Crons that never fire

    @Test(arguments: [
        ("0 2 30 2 *", "February has no day 30"),
        ("0 0 31 4 *", "April has no day 31"),
        ("0 0 30,31 2 *", "February has no day 30 or 31"),
        ("0 0 31 2,4,6,9,11 *", "February, April, June, September and November have no day 31"),
        ("0 0 0 31 FEB ?", "February has no day 31"),
    ])
    func cronThatNeverFires(_ cron: String, _ reason: String) throws {
        let expression = try CronExpression(parsing: cron)
        #expect(expression.neverFiresReason == reason)
        let error = Self.firstError("[jobs.a]\nschedule = \"\(cron)\"\ncommand = [\"true\"]")
        #expect(error == "2:12: jobs.a.schedule: \"\(cron)\" never fires: \(reason)")
    }

    @Test func cycleScheduleThatNeverFires() {
        let toml = "[cycles.c]\nschedule = \"0 2 30 2 *\"\n[[cycles.c.steps]]\nname = \"s\"\nrun = { command = [\"true\"] }"
        #expect(Self.firstError(toml) == "2:12: cycles.c.schedule: \"0 2 30 2 *\" never fires: February has no day 30")
    }

    /// Rare is not never: a day-of-month that exists in a leap year only, or a date that must fall
    /// on one weekday (February 29 on a Sunday: 40 years apart across 2100).
    @Test(arguments: ["0 0 29 2 *", "0 0 29 2 */7", "0 0 31 1-12/2 *", "0 0 30 2 MON", "0 0 */31 2 1"])
    func rareCronsStillFire(_ cron: String) throws {
        let expression = try CronExpression(parsing: cron)
        #expect(expression.neverFiresReason == nil)
        for start in ["2026-01-01T00:00:00Z", "2072-03-01T00:00:00Z", "2096-03-01T00:00:00Z"] {
            let after = try #require(ISO8601.parse(start))
            #expect(expression.nextFire(after: after, in: .gmt) != nil, "\(cron) after \(start)")
        }
    }

    @Test func leapDayOnASundayAcross2100() throws {
        // 2072-02-29 is a Monday; February 29 next falls on a Sunday in 2088, then 2128.
        let cron = try CronExpression(parsing: "0 0 29 2 */7")
        let after = try #require(ISO8601.parse("2088-03-01T00:00:00Z"))
        let next = try #require(cron.nextFire(after: after, in: .gmt))
        #expect(ISO8601.format(next, in: .gmt).hasPrefix("2128-02-29T00:00:00"))
    }

    // MARK: Chat webhooks written out

    static let slack = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX"
    static let discord = "https://discord.com/api/webhooks/123456/secretTOKENvalue"

    @Test(arguments: [
        slack, discord, "https://discordapp.com/api/webhooks/1/secretTOKENvalue", "https://ptb.discord.com/api/webhooks/1/secretTOKENvalue",
        "https://HOOKS.SLACK.COM/services/T/B/secretTOKENvalue", "https://hooks.slack.com/workflows/T/A/1/secretTOKENvalue",
    ])
    func chatWebhookMustBeAnEnvironmentReference(_ url: String) throws {
        for toml in [
            "[notifiers.chat]\nwebhook = \"\(url)\"",
            "[jobs.a]\nevery = \"1m\"\nwebhook = \"\(url)\"",
            "[jobs.a]\nevery = \"1m\"\nwebhook = { url = \"\(url)\" }",
        ] {
            let error = try #require(Self.firstError(toml), "\(toml)")
            #expect(error.contains("env:NAME"), "\(error)")
            #expect(error.contains("the URL is the secret"), "\(error)")
            #expect(!error.contains("secretTOKENvalue") && !error.contains("XXXXsecretXXXX"), "never echo the secret: \(error)")
        }
    }

    @Test func otherWebhooksAndReferencesStayFine() {
        for toml in [
            "[notifiers.chat]\nwebhook = \"env:SLACK_WEBHOOK_URL\"",
            "[notifiers.chat]\nwebhook = \"https://example.com/hooks/slack\"",
            "[notifiers.chat]\nwebhook = \"https://slack.com/api/chat.postMessage\"\nheaders = { Authorization = \"env:SLACK_TOKEN\" }",
        ] {
            #expect(Self.firstError(toml) == nil, "\(toml)")
        }
    }

    // MARK: Files that are not UTF-8

    @Test func configWithInvalidUTF8NamesLineAndColumn() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var bytes = Array("[jobs.a]\nevery = \"1m\"\ndescription = \"caf".utf8)
        bytes += [0xE9]  // Latin-1 "é"
        bytes += Array("\"\ncommand = [\"true\"]\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/nightshift.toml"))
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: "\(folder)/nightshift.toml") }
        #expect(error.description == "nightshift.toml:3:19: invalid UTF-8 (byte 0xE9); save the file as UTF-8")
    }

    @Test func policyFileWithInvalidUTF8NamesLineAndColumn() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("policy = \"policy.toml\"\n".utf8).write(to: URL(fileURLWithPath: "\(folder)/nightshift.toml"))
        try Data(Array("[catalog]\n".utf8) + [0x61, 0xFF, 0x62] + Array(" = \"autonomous\"\n".utf8)).write(to: URL(fileURLWithPath: "\(folder)/policy.toml"))
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: "\(folder)/nightshift.toml") }
        #expect(error.description == "policy.toml:2:2: invalid UTF-8 (byte 0xFF); save the file as UTF-8")
    }

    // MARK: Calendars

    @Test func missingCalendarFileIsAnError() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let error = Self.firstError("[context]\ncalendars = [\"calendars/work.ics\"]", directory: folder)
        #expect(error == "2:14: context.calendars[0]: calendars/work.ics: cannot read the calendar file: it does not exist")
    }

    @Test func calendarThatDoesNotParseNamesItsLine() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: "\(folder)/calendars", withIntermediateDirectories: true)
        let ics = icsText(vevent("UID:1", "SUMMARY:Gym", "DTSTART:2026113T0900", "DTEND:20261123T100000Z"))
        try Data(ics.utf8).write(to: URL(fileURLWithPath: "\(folder)/calendars/work.ics"))
        let error = try #require(Self.firstError("[context]\ncalendars = [\"calendars/work.ics\"]", directory: folder))
        #expect(error.hasPrefix("2:14: context.calendars[0]: calendars/work.ics:7: DTSTART"), "\(error)")
    }

    @Test func calendarThatIsNotUTF8NamesItsLine() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ics = icsText(vevent("UID:1", "SUMMARY:Caf\u{FFFD}", "DTSTART:20261123T090000Z", "DTEND:20261123T100000Z"))
        try Data(Array(ics.utf8).map { $0 == 0xEF ? 0xE9 : $0 }.filter { $0 != 0xBF && $0 != 0xBD }).write(to: URL(fileURLWithPath: "\(folder)/work.ics"))
        let error = Self.firstError("[context]\ncalendars = [\"work.ics\"]", directory: folder)
        #expect(error == "2:14: context.calendars[0]: work.ics:6: invalid UTF-8 (byte 0xE9); save the file as UTF-8")
    }

    @Test func validCalendarAndURLsPass() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(icsText(vevent("UID:1", "SUMMARY:Gym", "DTSTART:20261123T090000Z", "DTEND:20261123T100000Z")).utf8)
            .write(to: URL(fileURLWithPath: "\(folder)/work.ics"))
        #expect(Self.firstError("[context]\ncalendars = [\"work.ics\", \"https://example.com/cal.ics\"]", directory: folder) == nil)
        // Loading a workspace does not read them: a calendar is data that changes while the daemon
        // runs, and the daemon says when one cannot be read (status, doctor, its log).
        #expect(ConfigLoader.parse("[context]\ncalendars = [\"missing.ics\"]", file: "nightshift.toml", directory: folder).0 != nil)
    }

    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "nightshift-refusal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
