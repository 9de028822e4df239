import Foundation
import NightshiftCore
import Testing

/// Issue 11, item 5: the builder example's command rules against known bypasses, read as argv and
/// as shell lines by `runs` and `runs_only`; innocent commands stay allowed.
@Suite("Policy commands: runs and runs_only against known bypasses, innocent commands, syntax and explanations")
struct PolicyCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let builder: PolicyEngine = {
        let path = root.appendingPathComponent("examples/builder/policy.toml").path
        // A broken example fails every test below with this message.
        return PolicyEngine(policy: (try? ConfigLoader.loadPolicy(path: path, file: "policy.toml")) ?? Policy(catalog: [:], rules: []))
    }()

    /// A command in one of its three shapes.
    enum Shape: Sendable, CustomStringConvertible {
        /// `claude_bash` with the `command` attribute (the Claude Code hook).
        case line(String, cwd: String? = nil)
        /// `run_command` with `payload.shell` (a job's command line).
        case shell(String, cwd: String? = nil)
        /// `run_command` with `payload.command` (argv).
        case argv([String], cwd: String? = nil)

        var action: ProposedAction {
            switch self {
            case .line(let line, let cwd):
                var attributes: [String: JSONValue] = ["tool": "Bash", "command": .string(line)]
                if let cwd { attributes["cwd"] = .string(cwd) }
                return ProposedAction(type: "claude_bash", attributes: attributes, actor: Actor(.cli, "operator"))
            case .shell(let line, let cwd):
                var payload: [String: JSONValue] = ["shell": .string(line)]
                if let cwd { payload["cwd"] = .string(cwd) }
                return ProposedAction(type: "run_command", payload: .object(payload), actor: Actor(.job, "night"))
            case .argv(let argv, let cwd):
                var payload: [String: JSONValue] = ["command": .array(argv.map { .string($0) })]
                if let cwd { payload["cwd"] = .string(cwd) }
                return ProposedAction(type: "run_command", payload: .object(payload), actor: Actor(.job, "night"))
            }
        }

        var description: String {
            switch self {
            case .line(let line, let cwd): "claude_bash \(line)" + (cwd.map { " (in \($0))" } ?? "")
            case .shell(let line, let cwd): "run_command shell \(line)" + (cwd.map { " (in \($0))" } ?? "")
            case .argv(let argv, let cwd): "run_command argv \(argv)" + (cwd.map { " (in \($0))" } ?? "")
            }
        }
    }

    static func decide(_ shape: Shape) -> Decision {
        builder.decide(shape.action, context: utcContext(), explain: true)
    }

    static let rmRoot = "no-rm-rf-root", forcePush = "no-force-push-via-shell", push = "push-via-shell-needs-approval"
    static let outside = "commands-outside-the-allow-list"

    /// Known bypasses of string-matching rules, each with the verdict it must get and the rule
    /// that must give it. `forbid` where the command is certainly the forbidden one; `approve`
    /// (parked) where it cannot be told before it runs.
    static let bypasses: [(Shape, Verdict, String)] = [
        // The three of the issue.
        (.argv(["rm", "-r", "-f", "/"]), .forbid, rmRoot),
        (.argv(["rm", "-fr", "/"]), .forbid, rmRoot),
        (.shell("cd / && rm -rf ."), .forbid, rmRoot),
        // Spellings of the flags and of the path.
        (.line("rm -rf /*"), .forbid, rmRoot),
        (.line("rm --recursive --force /"), .forbid, rmRoot),
        (.line("rm --rec --for /"), .forbid, rmRoot),
        (.line("rm -r /"), .forbid, rmRoot),
        (.line("rm -Rf -- /"), .forbid, rmRoot),
        (.line("rm -f / -r"), .forbid, rmRoot),
        (.line("rm -rf //"), .forbid, rmRoot),
        (.line("rm -rf /tmp/../"), .forbid, rmRoot),
        (.line("rm -rf \"/\""), .forbid, rmRoot),
        (.line("rm -rf /u*/.."), .forbid, rmRoot),
        (.line("true && rm -rf ~"), .forbid, rmRoot),
        (.line("rm -rf \"$HOME\""), .forbid, rmRoot),
        (.line("rm -rf ${HOME}/"), .forbid, rmRoot),
        (.line("rm -rf ~/"), .forbid, rmRoot),
        (.line("rm -rf ~/.."), .forbid, rmRoot),
        // Spellings of the program.
        (.line("/bin/rm -rf /"), .forbid, rmRoot),
        (.line("r\\m -rf /"), .forbid, rmRoot),
        (.line("'rm' -rf /"), .forbid, rmRoot),
        (.line("\"r\"m -rf /"), .forbid, rmRoot),
        (.line("RM -rf /"), .forbid, rmRoot),
        // Wrappers.
        (.line("sudo rm -rf /"), .forbid, rmRoot),
        (.line("sudo -u root -- rm -rf /"), .forbid, rmRoot),
        (.line("env X=1 rm -rf /"), .forbid, rmRoot),
        (.line("env -S 'rm -rf /'"), .forbid, rmRoot),
        (.line("nice -n 5 nohup timeout 10 rm -rf /"), .forbid, rmRoot),
        (.line("command rm -rf /"), .forbid, rmRoot),
        (.line("exec rm -rf /"), .forbid, rmRoot),
        (.line("time stdbuf -oL rm -rf /"), .forbid, rmRoot),
        (.line("doas rm -rf /"), .forbid, rmRoot),
        (.line("su -c 'rm -rf /'"), .forbid, rmRoot),
        (.line("ls | xargs rm -rf /"), .forbid, rmRoot),
        (.line("find / -delete"), .forbid, rmRoot),
        (.line("find ~ -exec rm -rf {} +"), .approve, rmRoot),
        (.line("ls | xargs rm -rf"), .approve, rmRoot),
        // Shells inside the shell.
        (.line("bash -c \"rm -rf /\""), .forbid, rmRoot),
        (.line("sh -c 'cd / ; rm -rf .'"), .forbid, rmRoot),
        (.line("bash -lc 'bash -c \"rm -rf /\"'"), .forbid, rmRoot),
        (.line("eval 'rm -rf /'"), .forbid, rmRoot),
        (.argv(["sh", "-c", "rm -rf /"]), .forbid, rmRoot),
        // Lists, groups, subshells, substitutions.
        (.line("(cd / && rm -rf .)"), .forbid, rmRoot),
        (.line("{ cd /; rm -rf .; }"), .forbid, rmRoot),
        (.line("echo ok; rm -rf /"), .forbid, rmRoot),
        (.line("echo ok\nrm -rf /"), .forbid, rmRoot),
        (.line("echo $(rm -rf /)"), .forbid, rmRoot),
        (.line("false || rm -rf / > /dev/null 2>&1 &"), .forbid, rmRoot),
        // Folders.
        (.line("cd ..; cd ..; rm -rf .", cwd: "/a/b"), .forbid, rmRoot),
        (.shell("cd ..; cd ..; rm -rf .", cwd: "/a/b"), .forbid, rmRoot),
        (.line("cd && rm -rf ."), .forbid, rmRoot),
        (.line("cd ~ && rm -rf *"), .forbid, rmRoot),
        (.line("cd \"$HOME\" && rm -rf ./"), .forbid, rmRoot),
        (.line("pushd / && rm -rf ."), .forbid, rmRoot),
        (.line("builtin cd / && rm -rf ."), .forbid, rmRoot),
        (.line("rm -rf .", cwd: "/"), .forbid, rmRoot),
        (.argv(["rm", "-rf", "."], cwd: "/"), .forbid, rmRoot),
        // What no one can tell before it runs: parked.
        (.line("$(echo rm) -rf /"), .approve, rmRoot),
        (.line("`echo rm` -rf /"), .approve, rmRoot),
        (.line("{rm,-rf,/}"), .approve, rmRoot),
        (.line("$'\\x72m' -rf /"), .approve, rmRoot),
        (.line("X=rm; $X -rf /"), .approve, rmRoot),
        (.line("rm -rf $TARGET"), .approve, rmRoot),
        (.line("rm -rf /$(echo)"), .approve, rmRoot),
        (.line("rm -rf .", cwd: nil), .approve, rmRoot),
        (.line("cd \"$DIR\" && rm -rf ."), .approve, rmRoot),
        (.line("bash -c \"$SCRIPT\""), .approve, outside),
        (.line("rm -rf / '"), .approve, outside),
        (.line("for d in / ~; do rm -rf $d; done"), .approve, outside),
        (.line("echo 'rm -rf /' | sh"), .approve, outside),
        (.line("python3 -c 'import shutil; shutil.rmtree(\"/\")'"), .approve, outside),
        // Force pushes.
        (.line("git push -f"), .forbid, forcePush),
        (.line("git push --force-with-lease"), .forbid, forcePush),
        (.line("git push --force-with-lease=main:abc123 origin main"), .forbid, forcePush),
        (.line("git -C repo push --force origin main"), .forbid, forcePush),
        (.line("git -c push.default=current push -uf origin"), .forbid, forcePush),
        (.line("git push --forc origin main"), .forbid, forcePush),
        (.line("git push origin +main"), .forbid, forcePush),
        (.line("git push origin +HEAD:refs/heads/main"), .forbid, forcePush),
        (.line("git push --mirror"), .forbid, forcePush),
        (.line("cd repo && /usr/bin/git push -f"), .forbid, forcePush),
        (.argv(["git", "push", "--force", "origin", "main"]), .forbid, forcePush),
        (.line("git push origin $BRANCH"), .approve, push),
        (.line("git -C repo push origin main"), .approve, push),
    ]

    @Test("every known bypass is forbidden, or parked where it cannot be told, by the rule that guards against it", arguments: bypasses)
    func bypass(_ shape: Shape, _ verdict: Verdict, _ rule: String) {
        let decision = Self.decide(shape)
        #expect(decision.verdict == verdict, "\(shape): \(decision.verdict) by \(decision.decidedBy)\n\(decision.explanation.joined(separator: "\n"))")
        #expect(decision.decidedBy.contains(rule), "\(shape): decided by \(decision.decidedBy)")
    }

    /// Commands the allow-list must let through, in every shape they come in.
    static let innocent: [Shape] = [
        .line("npm test"), .shell("npm test"), .argv(["npm", "test"]),
        .line("git status && git diff"), .shell("git status && git diff"),
        .line("swift test --filter X"), .argv(["swift", "test", "--filter", "X"]),
        .line("rm -rf ./.build /tmp/x"), .argv(["rm", "-rf", "./.build", "/tmp/x"]),
        .line("rm -rf .build", cwd: "/home/op/project"), .line("mkdir -p /tmp/nightshift-test"),
        .line("git log --oneline -5 | head -3"), .line("git diff > /dev/null 2>&1"),
        .line("git add -A && git commit -m 'Forbid rm -rf / and git push -f in any spelling'"),
        .line("grep -rn 'git push --force' docs"), .line("echo \"done: $(git rev-parse HEAD)\""),
        .line("npm test -- --grep 'rm -rf /'"), .line("cd sub && ls -la && cd .. && pwd"),
        .line("bash -c 'swift build && swift test'"),
        .shell("./bin/nightly-step.sh tests"), .argv(["./bin/nightly-step.sh", "snapshot"]), .line("bin/agent.sh T-1 'the prompt'"),
        .line("git status # what changed?"), .line(""),
    ]

    @Test("innocent commands are allowed by the builder's allow-list, in every shape", arguments: innocent)
    func innocentIsAllowed(_ shape: Shape) {
        let decision = Self.decide(shape)
        #expect(decision.verdict == .allow, "\(shape): \(decision.verdict) by \(decision.decidedBy)\n\(decision.explanation.joined(separator: "\n"))")
    }

    @Test("a command is allowed only when every part is: one part outside the list parks the whole line", arguments: [
        "npm test && curl https://example.com", "git status; make install", "ls | tee out.txt", "cat $(which npm)",
        "sudo npm test", "npm test > report.txt", "NODE_OPTIONS=--require=/tmp/x.js npm test", "/tmp/npm test", "../bin/nightly-step.sh tests",
        "cd /tmp && ./bin/nightly-step.sh tests", "rm -rf ./build/../../x", "rm -rf /tmp", "git branch -D main",
    ])
    func everyPartMustBeAllowed(_ line: String) {
        let decision = Self.decide(.line(line))
        #expect(decision.verdict == .approve && decision.decidedBy == [Self.outside], "\(line): \(decision.verdict) by \(decision.decidedBy)")
    }

    @Test("the command attribute and the payload are judged together: saying npm test while running rm -rf / is forbidden")
    func shapesTogether() {
        let action = ProposedAction(
            type: "claude_bash", attributes: ["command": "npm test"], payload: ["command": ["rm", "-rf", "/"]], actor: Actor(.cli, "operator"))
        #expect(Self.builder.decide(action, context: utcContext()).decidedBy == [Self.rmRoot])
        let notCommand = ProposedAction(type: "claude_bash", attributes: ["command": 42], actor: Actor(.cli, "operator"))
        #expect(Self.builder.decide(notCommand, context: utcContext()).verdict == .approve)
        let nothing = ProposedAction(type: "run_command", payload: ["webhook": "https://example.com"], actor: Actor(.job, "x"))
        #expect(Self.builder.decide(nothing, context: utcContext()).decidedBy == [Self.outside], "no command at all is not on the list")
    }

    @Test("policy explain names the simple command and the pattern that decided")
    func explanation() {
        let forbidden = Self.decide(.line("echo ok && sudo /bin/rm -fr ~"))
        #expect(forbidden.explanation.contains {
            $0.contains("rule no-rm-rf-root (forbid) matched") && $0.contains("/bin/rm -fr ~ is {\"flags\":[\"-r|-R|--recursive\"]")
        }, "\(forbidden.explanation)")
        let parked = Self.decide(.line("npm test && curl https://example.com"))
        #expect(parked.explanation.contains { $0.contains("curl https://example.com is not allowed") }, "\(parked.explanation)")
        let unknown = Self.decide(.line("$(echo rm) -rf /"))
        #expect(unknown.explanation.contains { $0.contains("rule no-rm-rf-root (forbid) could not be decided") }, "\(unknown.explanation)")
        #expect(unknown.reason.hasPrefix("cannot tell whether rule no-rm-rf-root applies"), "\(unknown.reason)")
    }

    @Test("a malformed command pattern is an error at its file, line and column, and no policy is made", arguments: [
        (#"when = ["payload.shell", "runs", "rm:*"]"#, "4:9", "runs reads the command the action runs"),
        (#"when = ["command", "runs", []]"#, "4:28", "runs needs at least one command pattern"),
        (#"when = ["command", "runs", 5]"#, "4:28", "a command pattern is a string"),
        (#"when = ["command", "runs", "npm $(x):*"]"#, "4:28", "is not a command of plain words"),
        (#"when = ["command", "runs", "npm *"]"#, "4:28", "is not a command of plain words"),
        (#"when = ["command", "runs", "a && b"]"#, "4:28", "is not a command of plain words"),
        (#"when = ["command", "runs", ["ls", { program = "rm", flags = ["-r", "r"] }]]"#, "4:68", #""r" is not a flag"#),
        (#"when = ["command", "runs", { program = "rm", paths = ["tmp"] }]"#, "4:55", #""tmp" is relative"#),
        (#"when = ["command", "runs", { program = "rm", within = ["."] }]"#, "4:46", "unknown key \"within\" in a command pattern (within is for runs_only)"),
        (#"when = { not = ["command", "runs_only", [{ program = "rm", paths = ["/"] }]] }"#, "4:60", "unknown key \"paths\""),
        (#"when = ["command", "runs", { flags = ["-r"] }]"#, "4:28", "needs program"),
        (#"when = ["command", "runs", { program = [] }]"#, "4:30", "program must be a non-empty string"),
    ])
    func malformed(_ when: String, _ at: String, _ message: String) {
        let text = """
            [[rules]]
            id = "r"
            effect = "forbid"
            \(when)
            reason = "a test"
            """
        let (policy, diagnostics) = ConfigLoader.parsePolicy(text, file: "policy.toml")
        #expect(policy == nil)
        #expect(diagnostics.count == 1 && diagnostics[0].description.hasPrefix("policy.toml:\(at): rules[0].when"), "\(diagnostics)")
        #expect(diagnostics.first?.message.contains(message) == true, "\(diagnostics)")
    }

    @Test("a prefix without :* is exactly that command; with it, any further arguments")
    func prefixes() throws {
        let policy = try parsedPolicy("""
            [catalog]
            run = "autonomous"

            [[rules]]
            id = "list"
            effect = "approve"
            when = { not = ["command", "runs_only", ["git branch", "npm test:*", "'./my tool' run:*"]] }
            reason = "outside the list"
            """)
        let engine = PolicyEngine(policy: policy)
        func verdict(_ line: String, cwd: String? = nil) -> Verdict {
            var attributes: [String: JSONValue] = ["command": .string(line)]
            if let cwd { attributes["cwd"] = .string(cwd) }
            return engine.decide(ProposedAction(type: "run", attributes: attributes, actor: Actor(.cli, "o")), context: utcContext()).verdict
        }
        #expect(verdict("git branch") == .allow)
        #expect(verdict("git branch -D main") == .approve)
        #expect(verdict("npm test") == .allow && verdict("npm test -- x") == .allow && verdict("npm testing") == .approve)
        #expect(verdict("npm") == .approve)
        #expect(verdict("'./my tool' run --fast") == .allow && verdict("./my\\ tool run", cwd: "/p") == .allow)
        #expect(verdict("/p/my\\ tool run", cwd: "/p") == .allow && verdict("/q/my\\ tool run", cwd: "/p") == .approve)
        #expect(verdict("cd sub && '../my tool' run", cwd: "/p") == .allow)
    }

    @Test("the program nightshift is also the executable that decides, by its exact path, and only for the subcommands listed")
    func nightshiftItself() {
        var context = utcContext()
        context.executable = "/opt/nightshift/bin/nightshift"
        func verdict(_ argv: [String]) -> Verdict {
            Self.builder.decide(Shape.argv(argv).action, context: context).verdict
        }
        #expect(verdict(["/opt/nightshift/bin/nightshift", "overnight", "step", "scan", "--workspace", "/w"]) == .allow)
        #expect(verdict(["nightshift", "brief", "--deliver"]) == .allow)
        #expect(verdict(["/tmp/nightshift", "overnight", "step", "scan"]) == .approve)
        #expect(verdict(["/opt/nightshift/bin/nightshift", "approvals", "approve", "a_1"]) == .approve)
    }

    @Test("a rule that cannot tell parks the action; an allow rule that cannot tell names nothing")
    func unknownParks() throws {
        let policy = try parsedPolicy("""
            [catalog]
            run = "autonomous"

            [[rules]]
            id = "catch"
            effect = "forbid"
            when = ["command", "runs", { program = "rm", paths = ["/"] }]
            reason = "no"

            [[rules]]
            id = "explain"
            effect = "allow"
            when = ["command", "runs_only", "ls:*"]
            reason = "listing"
            """)
        let engine = PolicyEngine(policy: policy)
        func decide(_ line: String) -> Decision {
            engine.decide(ProposedAction(type: "run", attributes: ["command": .string(line)], actor: Actor(.cli, "o")), context: utcContext())
        }
        #expect(decide("rm -rf /").verdict == .forbid)
        #expect(decide("rm -rf \"$X\"").verdict == .approve && decide("rm -rf \"$X\"").decidedBy == ["catch"])
        #expect(decide("ls -la").decidedBy == ["catalog.run", "explain"])
        #expect(decide("$LS -la").verdict == .approve && decide("$LS -la").decidedBy == ["catch"], "a program no one knows may be rm")
        #expect(decide("rm -rf ./x").verdict == .allow)
        let action = ProposedAction(type: "run", attributes: ["command": "rm -rf \"$X\""], actor: Actor(.cli, "o"))
        let condition = try #require(policy.rules[0].when)
        #expect(condition.evaluate(for: action, in: utcContext()) == .unknown)
        #expect(Condition.not(condition).evaluate(for: action, in: utcContext()) == .unknown)
        #expect(!condition.holds(for: action, in: utcContext()))
    }

    @Test("deciding parses the command once, however many rules read it: 200 rules on a long line stay fast")
    func parsedOncePerDecision() throws {
        var text = "[catalog]\nrun = \"autonomous\"\n"
        for index in 0..<200 {
            text += "\n[[rules]]\nid = \"r\(index)\"\neffect = \"forbid\"\nwhen = [\"command\", \"runs\", { program = \"prog\(index)\", flags = [\"-x\"] }]\nreason = \"r\"\n"
        }
        let engine = PolicyEngine(policy: try parsedPolicy(text))
        let line = Array(repeating: "git status && npm test -- --grep 'a b' | head", count: 200).joined(separator: "; ")
        let action = ProposedAction(type: "run", attributes: ["command": .string(line)], actor: Actor(.cli, "o"))
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<5 { #expect(engine.decide(action, context: utcContext()).verdict == .allow) }
        }
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }
}
