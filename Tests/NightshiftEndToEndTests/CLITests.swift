import Foundation
import Testing

/// The commands an operator types, their output and their exit statuses
/// (0 ok, 1 the thing asked failed, 2 usage or configuration error).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct CLITests {
    /// Jobs that never fire on their own during a test: they are run with `jobs run`, no daemon.
    static let config = """
        [workspace]
        time_zone = "UTC"

        [jobs.ok]
        schedule = "0 0 1 1 *"
        command = ["sh", "-c", "echo all good"]

        [jobs.fails]
        schedule = "0 0 1 1 *"
        command = ["sh", "-c", "echo broken >&2; exit 3"]

        [jobs.checked]
        schedule = "0 0 1 1 *"
        command = ["sh", "-c", "echo '{\\"status\\":\\"degraded\\"}'"]
        success_if = { json = "status", equals = "ok" }

        [jobs.slow]
        schedule = "0 0 1 1 *"
        command = ["sleep", "20"]
        timeout = "1s"

        [jobs.flaky]
        schedule = "0 0 1 1 *"
        command = ["sh", "-c", "if [ \\"$NIGHTSHIFT_ATTEMPT\\" -ge 2 ]; then echo ok on attempt $NIGHTSHIFT_ATTEMPT; else echo fail on attempt $NIGHTSHIFT_ATTEMPT; exit 1; fi"]
        retry = { attempts = 3, backoff = "100ms" }

        [jobs.envdump]
        schedule = "0 0 1 1 *"
        command = ["env"]
        env = ["E2E_ALLOWED"]
        """

    @Test func helpAndUsageErrors() async throws {
        let help = try await CLI.run(["--help"])
        #expect(help.status == 0, "\(help)")
        #expect(help.stdout.contains("USAGE: nightshift"), "\(help)")
        #expect(help.stdout.contains("Exit status: 0 ok, 1 the thing asked failed, 2 usage or configuration error"), "\(help)")
        for command in [["serve"], ["jobs", "run"], ["runs", "list"], ["schedule", "next"], ["config", "check"]] {
            let sub = try await CLI.run(command + ["--help"])
            #expect(sub.status == 0, "\(command): \(sub)")
            #expect(sub.stdout.contains("USAGE: nightshift \(command.joined(separator: " "))"), "\(command): \(sub)")
        }
        let unknown = try await CLI.run(["frobnicate"])
        #expect(unknown.status == 2, "\(unknown)")
        let missing = try await CLI.run(["jobs", "run"])
        #expect(missing.status == 2, "a missing argument is a usage error: \(missing)")
    }

    @Test func scheduleNextPrintsISO8601WithOffset() async throws {
        // 2026-03-08 is the spring-forward day in New York: 02:00 does not exist and fires at 03:00 EDT.
        let text = try await CLI.run([
            "schedule", "next", "0 2 * * *", "--tz", "America/New_York", "--after", "2026-03-07T00:00:00-05:00", "--count", "3",
        ])
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout == "2026-03-07T02:00:00-05:00\n2026-03-08T03:00:00-04:00\n2026-03-09T02:00:00-04:00\n", "\(text)")

        let json = try await CLI.run([
            "schedule", "next", "*/15 9-17 * * MON-FRI", "--after", "2026-01-02T17:40:00Z", "--count", "3", "--json",
        ])
        #expect(json.status == 0, "\(json)")
        #expect(try CLI.decode([String].self, json.stdout) == [
            "2026-01-02T17:45:00+00:00", "2026-01-05T09:00:00+00:00", "2026-01-05T09:15:00+00:00",
        ])

        let interval = try await CLI.run(["schedule", "next", "every 90s", "--after", "2026-01-01T00:00:00Z", "--count", "2"])
        #expect(interval.stdout == "2026-01-01T00:01:30+00:00\n2026-01-01T00:03:00+00:00\n", "\(interval)")
    }

    @Test(arguments: [
        ("0 25 * * *", "hour", "25"),
        ("61 * * * *", "minute", "61"),
        ("0 0 32 * *", "day of month", "32"),
        ("0 0 * FOO *", "month", "FOO"),
        ("0 0 * * FRY", "day of week", "FRY"),
        ("*/0 * * * *", "minute", "*/0"),
    ])
    func scheduleNextNamesTheBadFieldAndToken(expression: String, field: String, token: String) async throws {
        let result = try await CLI.run(["schedule", "next", expression])
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains(field), "the message names the field \(field): \(result.stderr)")
        #expect(result.stderr.contains("\"\(token)\""), "the message names the token \(token): \(result.stderr)")
    }

    @Test func scheduleNextRejectsBadOptions() async throws {
        let zone = try await CLI.run(["schedule", "next", "0 2 * * *", "--tz", "Mars/Olympus"])
        #expect(zone.status == 2 && zone.stderr.contains("Mars/Olympus"), "\(zone)")
        let after = try await CLI.run(["schedule", "next", "0 2 * * *", "--after", "yesterday"])
        #expect(after.status == 2 && after.stderr.contains("yesterday"), "\(after)")
        let count = try await CLI.run(["schedule", "next", "0 2 * * *", "--count", "0"])
        #expect(count.status == 2, "\(count)")
    }

    @Test func jobsRunWithoutDaemonAppliesPoliciesAndExitCodes() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)

            let ok = try await CLI.run(workspace.args("jobs", "run", "ok"))
            #expect(ok.status == 0, "\(ok)")
            #expect(ok.stdout.contains("succeeded") && ok.stdout.contains("all good"), "\(ok)")

            let fails = try await CLI.run(workspace.args("jobs", "run", "fails"))
            #expect(fails.status == 1, "\(fails)")
            #expect(fails.stdout.contains("failed") && fails.stdout.contains("status 3"), "\(fails)")

            let checked = try await CLI.run(workspace.args("jobs", "run", "checked"))
            #expect(checked.status == 1, "exit 0 but success_if not met is a failure: \(checked)")
            #expect(checked.stdout.contains("success check failed"), "\(checked)")

            let started = Date()
            let slow = try await CLI.run(workspace.args("jobs", "run", "slow", "--json"))
            #expect(slow.status == 1, "\(slow)")
            #expect(Date().timeIntervalSince(started) < 15, "timeout = 1s stops a 20 s command")
            let timedOut = try CLI.decode(RunInfo.self, slow.stdout)
            #expect(timedOut.state == "failed", "\(timedOut)")
            #expect(timedOut.error.map { $0.contains("timing out") || $0.contains("timed out") || $0.contains("timeout") } == true, "\(timedOut)")

            let flaky = try await CLI.run(workspace.args("jobs", "run", "flaky"))
            #expect(flaky.status == 0, "the retry policy applies to manual runs: \(flaky)")
            #expect(flaky.stdout.contains("attempt 2"), "\(flaky)")
            let chain = try await workspace.runs(job: "flaky").sorted { $0.attempt < $1.attempt }
            #expect(chain.map(\.attempt) == [1, 2], "\(chain)")
            #expect(chain.map(\.state) == ["failed", "succeeded"], "\(chain)")
            #expect(chain.map(\.trigger) == ["manual", "retry"], "\(chain)")

            // Listing filters, and the journal line of every finished run.
            let failed = try await workspace.runs(states: ["failed"])
            #expect(Set(failed.map(\.job)) == ["fails", "checked", "slow", "flaky"], "\(failed)")
            let onlyFails = try await workspace.runs(job: "fails", states: ["failed"])
            #expect(onlyFails.count == 1 && onlyFails.first?.exitStatus == 3, "\(onlyFails)")
            #expect(try await workspace.runs(limit: 2).count == 2)
            let all = try await workspace.runs()
            #expect(all.count == 6, "\(all)")
            let journal = workspace.journal()
            for run in all {
                #expect(journal.contains("**\(run.job)** \(run.state)") && journal.contains("run \(run.id))"), "journal line of \(run)")
            }

            let text = try await CLI.run(workspace.args("runs", "list"))
            #expect(text.status == 0 && text.stdout.hasPrefix("ID "), "\(text)")
        }
    }

    @Test func childEnvironmentIsOnlyTheAllowList() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let result = try await CLI.run(
                workspace.args("jobs", "run", "envdump", "--json"),
                environment: ["E2E_ALLOWED": "passed-through", "E2E_HIDDEN": "must-not-leak", "E2E_SECRET_TOKEN": "also-must-not-leak"]
            )
            #expect(result.status == 0, "\(result)")
            let run = try CLI.decode(RunInfo.self, result.stdout)
            let logPath = try #require(run.logPath, "\(run)")
            let log = try String(contentsOfFile: logPath, encoding: .utf8)
            var variables: [String: String] = [:]
            for line in log.split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                variables[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            var expected: Set<String> = [
                "PATH", "E2E_ALLOWED", "NIGHTSHIFT_RUN_ID", "NIGHTSHIFT_JOB", "NIGHTSHIFT_SLOT", "NIGHTSHIFT_ATTEMPT",
                "NIGHTSHIFT_TRIGGER", "NIGHTSHIFT_IDEMPOTENCY_KEY", "NIGHTSHIFT_WORKSPACE",
            ]
            if ProcessInfo.processInfo.environment["HOME"] != nil { expected.insert("HOME") }
            #expect(Set(variables.keys) == expected, "the child sees only PATH, HOME, the allow-list and NIGHTSHIFT_*:\n\(log)")
            // Passed through, and a secret (public_env does not name it): its log shows it redacted.
            #expect(variables["E2E_ALLOWED"] == "[redacted]")
            #expect(variables["E2E_HIDDEN"] == nil && !log.contains("must-not-leak"))
            #expect(variables["NIGHTSHIFT_RUN_ID"] == run.id)
            #expect(variables["NIGHTSHIFT_JOB"] == "envdump")
            #expect(variables["NIGHTSHIFT_ATTEMPT"] == "1")
            #expect(variables["NIGHTSHIFT_TRIGGER"] == "manual")
            #expect(variables["NIGHTSHIFT_SLOT"] == run.slot)
            #expect(variables["NIGHTSHIFT_IDEMPOTENCY_KEY"]?.hasPrefix("envdump:") == true)
            #expect(variables["NIGHTSHIFT_WORKSPACE"] == workspace.root)
        }
    }

    @Test func runsShowAndUnknownNames() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let ran = try await CLI.json(RunInfo.self, workspace.args("jobs", "run", "ok"))

            let shown = try await workspace.run(ran.id)
            #expect(shown.id == ran.id && shown.job == "ok" && shown.state == "succeeded", "\(shown)")
            #expect(shown.trigger == "manual" && shown.attempt == 1 && shown.exitStatus == 0, "\(shown)")
            #expect(shown.startedAt != nil && shown.finishedAt != nil, "\(shown)")
            #expect(shown.excerpt == "all good", "\(shown)")
            let logPath = try #require(shown.logPath)
            #expect((try? String(contentsOfFile: logPath, encoding: .utf8))?.contains("all good") == true)

            let text = try await CLI.run(workspace.args("runs", "show", ran.id))
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout.contains("run        \(ran.id)") && text.stdout.contains("state      succeeded"), "\(text)")

            let unknownJob = try await CLI.run(workspace.args("jobs", "run", "nope"))
            #expect(unknownJob.status == 1 && unknownJob.stderr.contains("no job named \"nope\""), "\(unknownJob)")
            let unknownRun = try await CLI.run(workspace.args("runs", "show", "r_nope"))
            #expect(unknownRun.status == 1 && unknownRun.stderr.contains("r_nope"), "\(unknownRun)")
            let unknownFilter = try await CLI.run(workspace.args("runs", "list", "--job", "nope"))
            #expect(unknownFilter.status == 1, "\(unknownFilter)")
            let badState = try await CLI.run(workspace.args("runs", "list", "--state", "exploded"))
            #expect(badState.status == 2, "\(badState)")
            #expect(badState.stderr.contains("\"exploded\"") && badState.stderr.contains("succeeded"), "the message lists the states: \(badState)")
            let badLimit = try await CLI.run(workspace.args("runs", "list", "--limit", "0"))
            #expect(badLimit.status == 2, "\(badLimit)")
            let noWorkspace = try await CLI.run(["status", "-w", "\(workspace.base)/nowhere"])
            #expect(noWorkspace.status == 2 && noWorkspace.stderr.contains("nightshift init"), "\(noWorkspace)")
        }
    }

    @Test func initRefusesAnExistingWorkspaceWithoutForce() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let kept = try await CLI.json(RunInfo.self, workspace.args("jobs", "run", "ok"))

            let again = try await CLI.run(workspace.args("init"))
            #expect(again.status == 2, "\(again)")
            #expect(again.stderr.contains("already exists") && again.stderr.contains("--force"), "\(again)")
            #expect(try String(contentsOfFile: workspace.configPath, encoding: .utf8) == Self.config, "the file is untouched")

            let forced = try await CLI.run(workspace.args("init", "--force", "--example", "builder"))
            #expect(forced.status == 0, "\(forced)")
            let config = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            #expect(config.contains("[builder]"), "--force writes the example")
            #expect(try await workspace.run(kept.id).state == "succeeded", "--force keeps the store")

            let unknownExample = try await CLI.run(["init", "-w", "\(workspace.base)/other", "--example", "nope"])
            #expect(unknownExample.status == 2 && unknownExample.stderr.contains("builder"), "\(unknownExample)")
        }
    }
}
