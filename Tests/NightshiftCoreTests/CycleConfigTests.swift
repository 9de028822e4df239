import Foundation
import NightshiftCore
import Testing

@Suite("Cycle configuration")
struct CycleConfigTests {
    static let valid = """
        [cycles.nightly]
        schedule = "0 2 * * *"
        budget = "1h"
        deadline = "07:00"
        lease_ttl = "20s"
        missed = "once"

        [[cycles.nightly.steps]]
        name = "backup"
        run = { command = ["./bin/backup.sh"] }
        budget = "30s"
        condensed = true
        on_failure = "stop"

        [[cycles.nightly.steps]]
        name = "notify"
        run = { webhook = "https://example.invalid/hook" }
        hard_timeout = "2m"
        on_failure = "retry"
        retry = { attempts = 4, backoff = "10s" }

        [cycles.hourly]
        every = "1h"
        tenants = ["acme", "globex"]
        shape = "plan-act-react-reflect"
        [[cycles.hourly.steps]]
        name = "plan"
        run = { command = "./plan.sh" }
        [[cycles.hourly.steps]]
        name = "act"
        [[cycles.hourly.steps]]
        name = "react"
        run = { command = "./react.sh" }
        [[cycles.hourly.steps]]
        name = "reflect"
        run = { command = "./reflect.sh" }
        """

    @Test("a cycle declares its steps and is also a job with the same schedule")
    func valid() throws {
        let (configuration, diagnostics) = ConfigLoader.parse(Self.valid, file: "nightshift.toml")
        let config = try #require(configuration, "\(diagnostics.map(\.description))")
        #expect(config.cycles.map(\.name) == ["nightly", "hourly"])
        #expect(config.jobs.map(\.name) == ["nightly", "hourly"])
        let nightly = try #require(config.cycle(named: "nightly"))
        #expect(nightly.job.action == .cycle("nightly"))
        #expect(nightly.job.schedule.description == "cron 0 2 * * *")
        #expect(nightly.job.grace == .seconds(24 * 3600))
        #expect(nightly.budget == .seconds(3600))
        #expect(nightly.deadline == TimeOfDay(hour: 7, minute: 0))
        #expect(nightly.leaseTTL == .seconds(20))
        #expect(nightly.steps.map(\.name) == ["backup", "notify"])
        #expect(nightly.steps[0].condensed && nightly.steps[0].budget == .seconds(30))
        #expect(nightly.steps[1].onFailure == .retry(RetryPolicy(attempts: 4, backoff: .seconds(10), maxBackoff: .seconds(300))))
        #expect(nightly.steps[1].hardTimeout == .seconds(120))
        #expect(nightly.leaseKey(tenant: "") == "cycle:nightly")
        let hourly = try #require(config.cycle(named: "hourly"))
        #expect(hourly.tenants == ["acme", "globex"])
        #expect(hourly.leaseKey(tenant: "acme") == "cycle:hourly@acme")
        #expect(hourly.shape == .planActReactReflect)
        #expect(hourly.steps[1].action == nil && hourly.steps[1].onFailure == .continue)
    }

    static let mistakes: [(String, String, String)] = [
        ("[cycles.c]\nschedule = \"@daily\"\n", "1:9", "has no steps"),
        ("[cycles.c]\nschedule = \"@daily\"\ndeadline = \"7am\"\n[[cycles.c.steps]]\nname = \"a\"\nrun = { command = \"true\" }\n", "3:12", "\"HH:MM\""),
        ("[cycles.c]\nschedule = \"@daily\"\n[[cycles.c.steps]]\nname = \"a\"\n", "3:1", "needs run"),
        ("[cycles.c]\nschedule = \"@daily\"\n[[cycles.c.steps]]\nname = \"a\"\nrun = { command = \"true\" }\non_failure = \"ignore\"\n", "6:14", "\"stop\", \"continue\", \"retry\""),
        ("[cycles.c]\nschedule = \"@daily\"\n[[cycles.c.steps]]\nname = \"a\"\nrun = { command = \"true\" }\nretry = { attempts = 2 }\n", "6:9", "only with on_failure = \"retry\""),
        ("[cycles.c]\nschedule = \"@daily\"\n[[cycles.c.steps]]\nname = \"a\"\nrun = { command = \"true\" }\n[[cycles.c.steps]]\nname = \"a\"\nrun = { command = \"true\" }\n", "6:1", "used twice"),
        ("[cycles.c]\nschedule = \"@daily\"\nshape = \"plan-act-react-reflect\"\n[[cycles.c.steps]]\nname = \"plan\"\nrun = { command = \"true\" }\n", "4:1", "needs exactly the steps plan, act, react, reflect"),
        ("[cycles.c]\nschedule = \"@daily\"\ntimeout = \"1h\"\n[[cycles.c.steps]]\nname = \"a\"\nrun = { command = \"true\" }\n", "3:1", "applies to jobs only"),
        ("[cycles.c]\nschedule = \"@daily\"\ntenants = [\"a\", \"a\"]\n[[cycles.c.steps]]\nname = \"a\"\nrun = { command = \"true\" }\n", "3:11", "listed twice"),
        ("[cycles.c]\nschedule = \"@daily\"\n[[cycles.c.steps]]\nname = \"a\"\nrun = { command = \"true\" }\nbugdet = \"1m\"\n", "6:1", "did you mean \"budget\""),
        ("[jobs.c]\nschedule = \"@daily\"\ncommand = \"true\"\n[cycles.c]\nschedule = \"@daily\"\n[[cycles.c.steps]]\nname = \"a\"\nrun = { command = \"true\" }\n", "4:9", "has the name of a job"),
        ("[cycles.c]\nschedule = \"@daily\"\n[[cycles.c.steps]]\nname = \"a\"\nrun = { command = \"true\", webhook = \"https://h.invalid\" }\n", "5:7", "exactly one of"),
    ]

    @Test("each kind of cycle mistake is reported at its line and column", arguments: mistakes.indices)
    func mistake(_ index: Int) {
        expectConfigError(Self.mistakes[index])
    }

    @Test("the deadline is the first HH:MM at or after the slot, in the cycle's zone")
    func deadline() throws {
        var cycle = try #require(ConfigLoader.parse(Self.valid, file: "x").0?.cycle(named: "nightly"))
        cycle.job.timeZone = try TimeZones.named("Europe/Berlin")
        // 02:00 Berlin (UTC+1 in November) → 07:00 Berlin the same morning.
        #expect(cycle.deadline(after: instant("2026-11-21T01:00:00Z")) == instant("2026-11-21T06:00:00Z"))
        #expect(cycle.deadline(after: instant("2026-11-21T06:00:00Z")) == instant("2026-11-21T06:00:00Z"))
        #expect(cycle.deadline(after: instant("2026-11-21T07:00:00Z")) == instant("2026-11-22T06:00:00Z"))
        #expect(TimeOfDay(parsing: "24:00") == nil && TimeOfDay(parsing: "7:00") == nil && TimeOfDay(parsing: "23:59") != nil)
    }
}
