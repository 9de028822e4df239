import Foundation
import NightshiftCore
import Testing

@Suite("Configuration loading")
struct ConfigLoaderTests {
    static let valid = """
        [workspace]
        time_zone = "Europe/Berlin"
        max_concurrent = 2

        [notifiers.ops]
        webhook = "env:OPS_HOOK"
        headers = { Authorization = "env:OPS_TOKEN" }

        [jobs.backup]
        schedule = "0 2 * * *"
        command = ["./bin/backup.sh", "--full"]
        env = ["AWS_PROFILE"]
        timeout = "10m"
        retry = { attempts = 3, backoff = "30s", max_backoff = "15m" }
        success_if = { json = "status", equals = "ok" }
        overlap = "queue"
        missed = "all"
        grace = "6h"
        alert_after = 3
        alert_cooldown = "2h"

        [jobs.ping]
        every = "5m"
        time_zone = "America/New_York"
        active_hours = "22:00-06:00"
        jitter = "30s"
        webhook = { url = "https://example.invalid/hook", headers = { X-Api-Key = "env:PING_KEY" } }

        [jobs.once]
        at = "2026-12-01T09:00:00-05:00"
        command = "echo once"

        [jobs.boot]
        on_start = true
        command = ["true"]
        """

    @Test("a valid file gives every job with its policies")
    func valid() throws {
        let (configuration, diagnostics) = ConfigLoader.parse(Self.valid, file: "nightshift.toml")
        #expect(diagnostics.isEmpty)
        let config = try #require(configuration)
        #expect(config.settings.timeZone.identifier == "Europe/Berlin")
        #expect(config.settings.maxConcurrent == 2)
        #expect(config.jobs.map(\.name) == ["backup", "ping", "once", "boot"])
        let backup = try #require(config.job(named: "backup"))
        #expect(backup.timeZone.identifier == "Europe/Berlin")
        #expect(backup.retry == RetryPolicy(attempts: 3, backoff: .seconds(30), maxBackoff: .seconds(900)))
        #expect(backup.successIf == .jsonField(path: "status", equals: "ok"))
        #expect(backup.overlap == .queue && backup.missed == .all && backup.grace == .seconds(6 * 3600))
        #expect(backup.alertAfter == 3 && backup.alertCooldown == .seconds(7200) && backup.timeout == .seconds(600))
        #expect(backup.action == .command(CommandAction(program: .argv(["./bin/backup.sh", "--full"]), environment: ["AWS_PROFILE"])))
        let ping = try #require(config.job(named: "ping"))
        #expect(ping.timeZone.identifier == "America/New_York")
        #expect(ping.schedule == .every(seconds: 300))
        #expect(ping.jitter == .seconds(30))
        guard case .webhook(let hook) = ping.action else { Issue.record("ping is not a webhook"); return }
        #expect(hook.headers["X-Api-Key"] == .environment("PING_KEY"))
        #expect(config.job(named: "boot")?.schedule == .onStart)
        #expect(config.notifiers.map(\.name) == ["ops"])
    }

    /// (file text, expected "LINE:COL", a fragment of the message)
    static let mistakes: [(String, String, String)] = [
        ("[jobs.a]\nschedule = \"0 2 * * *\"\ncommand = [\"x\"]\ncomand = 1\n", "4:1", "unknown key \"jobs.a.comand\" (did you mean \"command\"?)"),
        ("[workspace]\ntime_zone = \"Mars/Olympus\"\n", "2:13", "time zone"),
        ("[jobs.a]\nschedule = \"61 * * * *\"\ncommand = [\"x\"]\n", "2:12", "\"61\""),
        ("[jobs.a]\nschedule = \"0 2 * * FOO\"\ncommand = [\"x\"]\n", "2:12", "day of week"),
        ("[jobs.a]\nevery = \"5 minutes\"\ncommand = [\"x\"]\n", "2:9", "jobs.a.every"),
        ("[jobs.a]\nschedule = \"@daily\"\ncommand = [\"x\"]\ntimeout = \"forever\"\n", "4:11", "jobs.a.timeout"),
        ("[jobs.a]\nschedule = \"@daily\"\n", "1:7", "has no action"),
        ("[jobs.a]\ncommand = [\"x\"]\n", "1:7", "has no schedule"),
        ("[jobs.a]\nschedule = \"@daily\"\nevery = \"1h\"\ncommand = [\"x\"]\n", "1:7", "more than one schedule"),
        ("[jobs.a]\nschedule = \"@daily\"\ncommand = []\n", "3:11", "is empty"),
        ("[jobs.a]\nschedule = \"@daily\"\ncommand = 5\n", "3:11", "must be an array"),
        ("[jobs.a]\nschedule = \"@daily\"\ncommand = [\"x\"]\noverlap = \"sometimes\"\n", "4:11", "\"skip\", \"queue\", \"allow\""),
        ("[jobs.a]\nschedule = \"@daily\"\ncommand = [\"x\"]\nmissed = \"never\"\n", "4:10", "must be one of"),
        ("[jobs.a]\nschedule = \"@daily\"\ncommand = [\"x\"]\nretry = { attempts = 0 }\n", "4:22", "between 1 and 100"),
        ("[jobs.a]\nschedule = \"@daily\"\ncommand = [\"x\"]\nsuccess_if = { matches = \"(\" }\n", "4:26", "invalid regular expression"),
        ("[jobs.a]\nschedule = \"@daily\"\ncommand = [\"x\"]\nactive_hours = \"25:00-26:00\"\n", "4:16", "active_hours"),
        ("[jobs.a]\nschedule = \"@daily\"\nwebhook = { url = \"https://h.invalid\", headers = { Authorization = \"Bearer abc\" } }\n", "3:68", "looks like a secret"),
        ("[jobs.a]\nschedule = \"@daily\"\nwebhook = \"ftp://h.invalid\"\n", "3:11", "not an http or https URL"),
        ("[jobs.a]\nschedule = \"@daily\"\ncommand = [\"x\"]\nenv = [\"NOT A NAME\"]\n", "4:7", "not an environment variable name"),
        ("[jobs.a]\nschedule = \"@daily\"\ncommand = [\"x\"]\nmax_concurrent = 2\n", "4:1", "unknown key"),
        ("[jobs.a]\nschedule = \"0 2 * * *\"\ncommand = [\"x\"\n", "3:11", "]"),
        ("[workspace]\nmax_concurrent = \"four\"\n", "2:18", "must be an integer"),
        ("[jobs.\"bad name\"]\nschedule = \"@daily\"\ncommand = [\"x\"]\n", "1:7", "may contain only"),
        ("[jobz.a]\n", "1:2", "unknown key \"jobz\" (did you mean \"jobs\"?)"),
        ("[jobs.a]\nat = \"tomorrow\"\ncommand = [\"x\"]\n", "2:6", "at"),
    ]

    @Test("each kind of mistake is reported at its line and column", arguments: mistakes.indices)
    func mistake(_ index: Int) {
        expectConfigError(Self.mistakes[index])
    }

    @Test("every problem of a file is reported, in file order")
    func allProblems() {
        let text = "[workspace]\ntime_zone = \"Nowhere\"\n[jobs.a]\nschedule = \"* * *\"\ncommand = [\"x\"]\nfoo = 1\n"
        let (configuration, diagnostics) = ConfigLoader.parse(text, file: "nightshift.toml")
        #expect(configuration == nil)
        #expect(diagnostics.map { "\($0.location)" } == ["2:13", "4:12", "6:1"])
    }

    @Test("an unset env: variable is a warning, not an error")
    func unsetEnvironment() {
        let text = "[jobs.a]\nschedule = \"@daily\"\nwebhook = \"env:NOPE_URL\"\n"
        let (configuration, diagnostics) = ConfigLoader.parse(text, file: "nightshift.toml", environment: ["PATH": "/bin"])
        #expect(configuration != nil)
        #expect(diagnostics.map(\.description) == ["nightshift.toml:3:11: warning: environment variable NOPE_URL is not set here; the daemon must have it"])
    }
}

/// Expects `text` to be refused with an error at `position` (`LINE:COL`) whose message contains `fragment`.
func expectConfigError(_ mistake: (text: String, position: String, fragment: String), sourceLocation: SourceLocation = #_sourceLocation) {
    let (configuration, diagnostics) = ConfigLoader.parse(mistake.text, file: "nightshift.toml")
    #expect(configuration == nil, "\(mistake.text)", sourceLocation: sourceLocation)
    let errors = diagnostics.filter { $0.severity == .error }
    #expect(
        errors.contains { $0.description.hasPrefix("nightshift.toml:\(mistake.position): ") && $0.message.contains(mistake.fragment) },
        "expected nightshift.toml:\(mistake.position): …\(mistake.fragment)…, got \(errors.map(\.description))",
        sourceLocation: sourceLocation
    )
}
