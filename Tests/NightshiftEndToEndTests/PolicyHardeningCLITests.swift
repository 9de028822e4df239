import Foundation
import Testing

/// Issue 11, items 4 and 5, through the built binary and the shipped examples: a stage spelled in
/// another case is gated, and the builder's command rules forbid (and never execute) the bypasses
/// that the old string matches let through.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PolicyHardeningCLITests {
    @Test("--stage Negotiation is gated like negotiation, and the record keeps the policy's spelling")
    func stageSpelledInAnotherCase() async throws {
        try await withWorkspace { workspace in
            #expect(try await CLI.run(["init", "--example", "sales", "-w", workspace.root]).status == 0)
            for stage in ["Negotiation", "NEGOTIATION", "closed_WON", " evaluation"] {
                let explained = try await CLI.json(
                    DecisionInfo.self, workspace.args("policy", "explain", "log_interaction", "--stage", stage))
                #expect(explained.verdict == "approve", "\(stage): \(explained)")
                #expect(explained.decidedBy.contains { $0.hasPrefix("stage_gates.") }, "\(stage): \(explained)")
            }
            // log_interaction: autonomous, and no rule of the example reads the clock for it.
            let proposed = try await workspace.propose("Log_Interaction", ["--stage", "Negotiation"])
            #expect(proposed.status == 3, "\(proposed.result)")
            #expect(proposed.info.decidedBy.contains("stage_gates.negotiation"), "\(proposed.result)")
            #expect(proposed.info.action.type == "log_interaction", "\(proposed.info.action)")
            #expect(proposed.info.action.attributes["stage"] == .string("negotiation"), "\(proposed.info.action)")
            #expect(!proposed.info.executed)
        }
    }

    @Test("the builder example forbids rm -r -f / as argv and cd / && rm -rf . as a shell line, and executes neither")
    func builderCommandsAreReadAsCommands() async throws {
        try await withWorkspace { workspace in
            #expect(try await CLI.run(["init", "--example", "builder", "-w", workspace.root]).status == 0)
            // Each would delete a marker file if it ran; none may.
            try workspace.write("marker", "still here")
            let forbidden = [
                #"{"command": ["rm", "-r", "-f", "/"]}"#, #"{"command": ["rm", "-fr", "/"]}"#, #"{"shell": "cd / && rm -rf ."}"#,
                #"{"shell": "echo ok; sh -c 'rm -rf / marker'"}"#, #"{"command": ["git", "-C", ".", "push", "--force"]}"#,
            ]
            for payload in forbidden {
                let result = try await workspace.propose("run_command", ["--payload", payload])
                #expect(result.status == 4 && result.info.verdict == "forbid", "\(payload): \(result.result)")
                #expect(!result.info.executed, "\(payload)")
            }
            let parked = try await workspace.propose("run_command", ["--payload", #"{"shell": "$(echo rm) -rf marker /"}"#])
            #expect(parked.status == 3 && Set(parked.info.decidedBy).isSuperset(of: ["no-rm-rf-root", "commands-outside-the-allow-list"]), "\(parked.result)")
            #expect(parked.info.reason.hasPrefix("cannot tell whether rule no-rm-rf-root applies"), "\(parked.result)")
            #expect(workspace.exists("marker"))

            let allowed = try await workspace.propose("run_command", ["--payload", #"{"shell": "true && echo ok > /dev/null"}"#])
            #expect(allowed.status == 0 && allowed.info.executed, "an allowed command still runs: \(allowed.result)")

            let hook = try await workspace.propose("claude_bash", ["--attr", "command=cd .. && cd .. && rm -rf .", "--attr", "cwd=/a/b"])
            #expect(hook.status == 4 && hook.info.decidedBy == ["no-rm-rf-root"], "\(hook.result)")
            let explained = try await CLI.json(DecisionInfo.self, workspace.args("policy", "explain", "claude_bash", "--attr", "command=sudo rm -fr ~"))
            #expect(explained.explanation.contains { $0.contains("rule no-rm-rf-root (forbid) matched") && $0.contains("rm -fr ~ is ") }, "\(explained)")
        }
    }

    @Test("a malformed command pattern stops policy check with FILE:LINE:COL and exit 2")
    func malformedPattern() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                policy = "policy.toml"

                [workspace]
                time_zone = "UTC"
                """)
            try workspace.write("policy.toml", """
                [catalog]
                run_command = "autonomous"

                [[rules]]
                id = "guard"
                effect = "forbid"
                when = ["command", "runs", { program = "rm", flags = ["recursive"] }]
                reason = "a typo in a flag"
                """)
            let check = try await CLI.run(workspace.args("policy", "check"))
            #expect(check.status == 2, "\(check)")
            #expect(check.stderr.contains(#"policy.toml:7:55: rules[0].when: "recursive" is not a flag"#), "\(check)")
        }
    }
}
