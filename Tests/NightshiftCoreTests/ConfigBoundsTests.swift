import Foundation
import NightshiftCore
import Testing

/// Every number the configuration takes from the operator is bounded before any arithmetic is
/// done with it: a value out of range is an error at its `FILE:LINE:COL` naming the bounds, never a
/// trap later in `serve` (issue 11, item 15).
@Suite("Configuration number bounds")
struct ConfigBoundsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var toml: String
        /// `LINE:COL` of the first error.
        var at: String
        var fragments: [String]
        var testDescription: String { toml.replacingOccurrences(of: "\n", with: " ⏎ ") }
    }

    static let job = "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"]\n"

    static let cases: [Case] = [
        Case(toml: "[workspace]\nmax_concurrent = 9223372036854775807", at: "2:18", fragments: ["workspace.max_concurrent", "between 1 and 1024"]),
        Case(toml: "[workspace]\nmax_concurrent = 0", at: "2:18", fragments: ["workspace.max_concurrent", "between 1 and 1024", "found 0"]),
        Case(toml: "[workspace]\nrun_log_limit = 9223372036854775807", at: "2:17", fragments: ["workspace.run_log_limit", "between 1024 and 1073741824"]),
        Case(toml: "[workspace]\nshutdown_grace = \"106751991167d\"", at: "2:18", fragments: ["workspace.shutdown_grace", "at most 3650d"]),
        Case(toml: "[workspace]\nlate_after = \"3651d\"", at: "2:14", fragments: ["workspace.late_after", "at most 3650d"]),
        Case(toml: job + "alert_after = 9223372036854775807", at: "4:15", fragments: ["jobs.a.alert_after", "between 1 and 10000"]),
        Case(toml: job + "retry = { attempts = 101 }", at: "4:22", fragments: ["jobs.a.retry.attempts", "between 1 and 100"]),
        Case(toml: job + "retry = { attempts = 3, max_backoff = \"9000000000000d\" }", at: "4:39", fragments: ["jobs.a.retry.max_backoff", "at most 3650d"]),
        Case(toml: job + "jitter = \"99999999999d\"", at: "4:10", fragments: ["jobs.a.jitter", "at most 3650d"]),
        Case(toml: "[jobs.a]\nevery = \"99999999999d\"\ncommand = [\"true\"]", at: "2:9", fragments: ["jobs.a.every", "at most 3650d"]),
        Case(toml: "[policy]\nmax_denials = 9223372036854775807", at: "2:15", fragments: ["policy.max_denials", "between 0 and 10000"]),
        Case(toml: "[policy]\napproval_expiry = \"99999999999d\"", at: "2:19", fragments: ["policy.approval_expiry", "at most 3650d"]),
        Case(toml: "[policy]\n[[policy.budgets]]\nid = \"b\"\ncount = 9223372036854775807", at: "4:9", fragments: ["policy.budgets[0].count", "between 0 and 1000000000"]),
        Case(toml: "[policy]\n[[policy.budgets]]\nid = \"b\"\nmoney = inf", at: "4:9", fragments: ["policy.budgets[0].money", "a number of 0 or more"]),
        Case(toml: "[policy]\n[[policy.budgets]]\nid = \"b\"\nmoney = 1e300", at: "4:9", fragments: ["policy.budgets[0].money", "at most 1000000000000"]),
        Case(toml: "[health]\nlog_rotate_size = \"infGB\"", at: "2:19", fragments: ["health.log_rotate_size"]),
        Case(toml: "[health]\nlog_rotate_size = \"0x10MB\"", at: "2:19", fragments: ["health.log_rotate_size"]),
        Case(toml: "[health]\nlogs_warning_size = 9223372036854775807", at: "2:21", fragments: ["health.logs_warning_size", "at most 1TB"]),
        Case(toml: "[health]\nsample_retention = \"4000d\"", at: "2:20", fragments: ["health.sample_retention", "at most 3650d"]),
        Case(toml: "[context.limits]\nsleeping = 9223372036854775807", at: "2:12", fragments: ["context.limits.sleeping", "between 0 and 64"]),
        Case(
            toml: "[cycles.c]\nschedule = \"0 2 * * *\"\nlease_ttl = \"9999999d\"\n[[cycles.c.steps]]\nname = \"s\"\nrun = { command = [\"true\"] }",
            at: "3:13", fragments: ["cycles.c.lease_ttl", "at most 3650d"]
        ),
    ]

    @Test(arguments: cases)
    func outOfRangeIsAnErrorAtItsPlace(_ item: Case) throws {
        let (configuration, diagnostics) = ConfigLoader.parse(item.toml, file: "nightshift.toml")
        #expect(configuration == nil, "\(diagnostics)")
        let first = try #require(diagnostics.first { $0.severity == .error })
        #expect("\(first.location)" == item.at, "\(first)")
        for fragment in item.fragments {
            #expect(first.message.contains(fragment), "\(first)")
        }
    }

    @Test func boundsThemselvesAreAccepted() {
        let toml = """
            [workspace]
            max_concurrent = 1024
            run_log_limit = 1073741824
            late_after = "3650d"

            [jobs.a]
            every = "3650d"
            command = ["true"]
            alert_after = 10000
            retry = { attempts = 100, backoff = "3650d", max_backoff = "3650d" }

            [policy]
            max_denials = 10000
            [[policy.budgets]]
            id = "b"
            count = 1000000000
            money = 1000000000000

            [health]
            log_rotate_size = "1.5GB"
            logs_warning_size = 1099511627776

            [context.limits]
            sleeping = 64
            """
        let (configuration, diagnostics) = ConfigLoader.parse(toml, file: "nightshift.toml")
        #expect(configuration != nil, "\(diagnostics)")
    }

    /// The retry delay of the largest backoff and attempt count the file allows is still a delay.
    @Test func largestRetryDelayIsFinite() {
        let policy = RetryPolicy(attempts: 100, backoff: .seconds(3650 * 86_400), maxBackoff: .seconds(3650 * 86_400))
        #expect(policy.delay(afterAttempt: 99, random: 1) <= .seconds(3650 * 86_400))
    }
}
