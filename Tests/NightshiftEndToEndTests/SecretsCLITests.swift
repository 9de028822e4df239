import Foundation
import Testing

/// Secrets planted in every place Nightshift resolves one from the environment must appear nowhere
/// it writes or prints — not in a workspace file (the SQLite store and its WAL, the journal, reports,
/// logs), not in the CLI's JSON — while the children and the server did get them.
/// docs/RELIABILITY.md, "Secrets".
@Suite(.serialized, .timeLimit(.minutes(3)))
struct SecretsCLITests {
    /// A secret per place, each distinct and long enough to be redacted.
    static let planted: [String: String] = [
        "GITHUB_PAT": "ghp_E2eJobPat0123456789",  // a job's env list; echoed to stdout and stderr
        "DATABASE_URL": "postgres://app:Db-Pa55-e2e-77@db.internal/app",  // a failing job's error output
        "SPLIT_SECRET": "split-e2e-secret-4242",  // written in two halves with a sleep between
        "STEP_SECRET": "step-e2e-secret-3131",  // a cycle step's env: output, structured output, failure
        "HOOK_HEADER": "hdr-e2e-secret-6161",  // a webhook header the server echoes
        "NOTIFY_SECRET": "notify-e2e-secret-7171",  // a command notifier's env
        "PAYLOAD_ONLY": "payload-e2e-secret-9292",  // passed by a proposed payload's env, named nowhere in the file
    ]
    /// Not secret: listed in `public_env`, so shown as it is.
    static let publicValue = "public-e2e-level-1010"
    static let hookToken = "HookTok3n-e2e-5151"
    static let notifyToken = "NotifyTok3n-e2e-8181"

    static func config(outside: String) -> String {
        """
        [workspace]
        time_zone = "UTC"
        public_env = ["PUBLIC_LEVEL"]

        [notifiers.script]
        command = ["sh", "-c", 'printf %s "$NOTIFY_SECRET" > \(outside)/notifier; echo notifier has $NOTIFY_SECRET; echo notifier err $NOTIFY_SECRET >&2']
        env = ["NOTIFY_SECRET"]

        [notifiers.chat]
        webhook = "env:NOTIFY_URL"

        [jobs.echo]
        schedule = "0 0 1 1 *"
        command = ["sh", "-c", 'printf %s "$GITHUB_PAT" > \(outside)/echo; echo level $PUBLIC_LEVEL; echo out $GITHUB_PAT; echo err $GITHUB_PAT >&2']
        env = ["GITHUB_PAT", "PUBLIC_LEVEL"]

        [jobs.fails]
        schedule = "0 0 1 1 *"
        command = ["sh", "-c", 'printf %s "$DATABASE_URL" > \(outside)/fails; echo "cannot connect to $DATABASE_URL" >&2; exit 3']
        env = ["DATABASE_URL"]
        alert_after = 1

        [jobs.split]
        schedule = "0 0 1 1 *"
        command = ["sh", "-c", 'printf %s "$SPLIT_SECRET" > \(outside)/split; head=${SPLIT_SECRET%????????}; printf "split %s" "$head"; sleep 0.3; printf "%s done\\n" "${SPLIT_SECRET#"$head"}"']
        env = ["SPLIT_SECRET"]

        [jobs.hook]
        schedule = "0 0 1 1 *"
        webhook = { url = "env:HOOK_URL", headers = { X-Api = "env:HOOK_HEADER" } }

        [cycles.nightly]
        schedule = "0 0 1 1 *"

        [[cycles.nightly.steps]]
        name = "echo"
        run = { command = ["sh", "-c", 'printf %s "$STEP_SECRET" > \(outside)/step; echo step has $STEP_SECRET; echo "NIGHTSHIFT_OUTPUT {\\"seen\\": \\"$STEP_SECRET\\"}"'], env = ["STEP_SECRET"] }
        on_failure = "continue"

        [[cycles.nightly.steps]]
        name = "broken"
        run = { command = ["sh", "-c", 'echo "step failed with $STEP_SECRET" >&2; exit 5'], env = ["STEP_SECRET"] }
        on_failure = "continue"
        """
    }

    @Test("secrets planted in ten places appear in no workspace file and no JSON output; the children and the server got them")
    func plantedSecretsAppearNowhere() async throws {
        try await withWorkspace { workspace in
            let server = try RequestRecorder(logPath: "\(workspace.base)/requests.jsonl")
            defer { server.stop() }
            let outside = "\(workspace.base)/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try await workspace.initialize(config: Self.config(outside: outside))
            var environment = Self.planted
            environment["HOOK_URL"] = "http://127.0.0.1:\(server.port)/echo/\(Self.hookToken)"
            environment["NOTIFY_URL"] = "http://127.0.0.1:\(server.port)/echo/\(Self.notifyToken)"
            environment["PUBLIC_LEVEL"] = Self.publicValue

            let check = try await CLI.run(workspace.args("config", "check"), environment: environment)
            #expect(check.status == 0 && !check.stderr.contains("warning"), "\(check)")
            var printed: [CLIResult] = [check]
            for job in ["echo", "fails", "split", "hook"] {
                let run = try await CLI.run(workspace.args("jobs", "run", job), environment: environment)
                #expect(run.status == (job == "fails" ? 1 : 0), "\(job): \(run)")
                printed.append(run)
            }
            let cycle = try await CLI.run(workspace.args("cycles", "run", "nightly", "--json"), environment: environment)
            #expect(cycle.status == 1, "the broken step fails the run: \(cycle)")
            printed.append(cycle)
            let script = #"printf %s \"$PAYLOAD_ONLY\" > \#(outside)/payload; echo payload has $PAYLOAD_ONLY"#
            let payload = #"{"command": ["sh", "-c", "\#(script)"], "env": ["PAYLOAD_ONLY"]}"#
            let proposed = try await CLI.run(
                workspace.args("propose", "run_command", "--payload", payload, "--attr", "note=rotating \(Self.planted["GITHUB_PAT"]!)", "--json"),
                environment: environment
            )
            #expect(proposed.status == 0, "\(proposed)")
            printed.append(proposed)

            // The children and the server got every value.
            for (file, name) in [
                ("echo", "GITHUB_PAT"), ("fails", "DATABASE_URL"), ("split", "SPLIT_SECRET"), ("step", "STEP_SECRET"),
                ("notifier", "NOTIFY_SECRET"), ("payload", "PAYLOAD_ONLY"),
            ] {
                #expect(try String(contentsOfFile: "\(outside)/\(file)", encoding: .utf8) == Self.planted[name], "\(file) got \(name)")
            }
            let requests = try server.requests()
            #expect(requests.contains { $0.path == "/echo/\(Self.hookToken)" && $0.headers["X-Api"] == Self.planted["HOOK_HEADER"] }, "\(requests)")
            #expect(requests.contains { $0.path == "/echo/\(Self.notifyToken)" }, "the failure alert reached the webhook notifier: \(requests)")

            // What Nightshift shows of them: redacted, while the public value and the rest stay readable.
            let runs = try await workspace.runs()
            let echo = try #require(runs.first { $0.job == "echo" })
            #expect(echo.excerpt?.contains("level \(Self.publicValue)") == true, "\(echo.excerpt ?? "")")
            #expect(echo.excerpt?.contains("out [redacted]") == true, "\(echo.excerpt ?? "")")
            #expect(runs.first { $0.job == "split" }?.excerpt == "split [redacted] done", "\(runs)")
            #expect(runs.first { $0.job == "hook" }?.excerpt?.contains("received at [redacted] with X-Api [redacted]") == true, "\(runs)")
            #expect(workspace.read("logs/runs/\(echo.id).log")?.contains("err [redacted]") == true)

            for id in runs.map(\.id) {
                printed.append(try await CLI.run(workspace.args("runs", "show", id, "--log", "--json")))
            }
            let cycleID = try CLI.decode(CycleRunInfo.self, cycle.stdout).id
            for arguments in [
                ["runs", "list", "--json"], ["jobs", "list", "--json"], ["status", "--json"], ["cycles", "show", cycleID, "--json"],
                ["cycles", "history", "nightly", "--json"], ["cycles", "list", "--json"], ["approvals", "list", "--all", "--json"],
                ["audit", "list", "--json"], ["brief", "--format", "json"], ["brief"], ["audit", "verify"],
            ] {
                let result = try await CLI.run(arguments + ["-w", workspace.root], environment: environment)
                #expect(result.status == 0, "\(arguments): \(result)")
                printed.append(result)
            }

            let secrets = Array(Self.planted.values) + [Self.hookToken, Self.notifyToken, "Db-Pa55-e2e-77"]
            for result in printed {
                for secret in secrets {
                    #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(secret) printed: \(result)")
                }
            }
            let leaks = Self.files(containing: secrets, under: workspace.root)
            #expect(leaks.isEmpty, "secrets found in workspace files: \(leaks)")
        }
    }

    @Test("a sub-agent gets only the variables [builder] env lists, not a job's; what it prints of them is redacted")
    func subagentGetsOnlyListedVariables() async throws {
        try await withWorkspace { workspace in
            let outside = "\(workspace.base)/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try await workspace.initializeBuilder(agent: "env > \(outside)/agent-env; echo agent has $AGENT_KEY", builder: #"env = ["AGENT_KEY"]"#)
            try workspace.write(config: (workspace.read("nightshift.toml") ?? "") + """

                [jobs.deploy]
                schedule = "0 0 1 1 *"
                command = ["./deploy.sh"]
                env = ["GITHUB_PAT"]
                """)
            let agentKey = "agent-e2e-key-4545"
            let environment = ["AGENT_KEY": agentKey, "GITHUB_PAT": Self.planted["GITHUB_PAT"]!, "E2E_UNREAD_VALUE": "unread-e2e-value-5656"]
            _ = try await workspace.addTask("Fix the login")
            let work = try await CLI.run(workspace.args("queue", "work", "--json"), environment: environment)
            #expect(work.status == 0, "\(work)")

            let seen = try String(contentsOfFile: "\(outside)/agent-env", encoding: .utf8)
            #expect(seen.contains("AGENT_KEY=\(agentKey)\n"), "\(seen)")
            for absent in ["GITHUB_PAT", Self.planted["GITHUB_PAT"]!, "E2E_UNREAD_VALUE"] {
                #expect(!seen.contains(absent), "the agent saw \(absent): \(seen)")
            }
            #expect(workspace.read("logs/subagents/task_1.log")?.contains("agent has [redacted]") == true)
            #expect(!work.stdout.contains(agentKey) && !work.stderr.contains(agentKey), "\(work)")
            let leaks = Self.files(containing: [agentKey], under: workspace.root)
            #expect(leaks.isEmpty, "\(leaks)")
        }
    }

    /// Files under `root` whose bytes contain one of `secrets`, with the secret.
    static func files(containing secrets: [String], under root: String) -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            guard let data = FileManager.default.contents(atPath: "\(root)/\(relative)") else { continue }
            for secret in secrets where data.range(of: Data(secret.utf8)) != nil {
                found.append("\(relative): \(secret)")
            }
        }
        return found
    }
}
