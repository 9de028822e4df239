import Foundation
import NightshiftCore
import Testing

/// A policy snippet, where its error must be reported, and how the message must start.
struct PolicyMistake: Sendable, CustomTestStringConvertible {
    var text: String
    /// `LINE:COL`.
    var position: String
    var prefix: String
    var testDescription: String { "\(position): \(prefix)" }

    init(_ text: String, _ position: String, _ prefix: String) {
        self.text = text
        self.position = position
        self.prefix = prefix
    }
}

/// Expects `diagnostics` to hold an error printed exactly as `FILE:LINE:COL: PREFIX…`.
func expectPolicyError(
    _ diagnostics: [ConfigDiagnostic], file: String, _ mistake: PolicyMistake, sourceLocation: SourceLocation = #_sourceLocation
) {
    let errors = diagnostics.filter { $0.severity == .error }
    let expected = "\(file):\(mistake.position): \(mistake.prefix)"
    #expect(
        errors.contains { $0.description.hasPrefix(expected) },
        "expected \(expected)…, got \(errors.map(\.description))", sourceLocation: sourceLocation
    )
}

@Suite("Policy reader: every mistake at its file, line and column")
struct PolicyReaderTests {
    static let rule = "[[policy.rules]]\nid = \"a\"\neffect = \"forbid\"\n"

    /// Mistakes in `[policy]` of nightshift.toml.
    static let mistakes: [PolicyMistake] = [
        .init("[policy.catalog]\nsend_proposal = \"maybe\"\n", "2:17",
              #"policy.catalog.send_proposal must be one of "autonomous", "approval", "hard_stop", found "maybe""#),
        .init("[policy.categories]\n\"Bug fixes\" = \"auto\"\n", "2:15",
              #"policy.categories.Bug fixes must be one of "autonomous", "approval", "hard_stop", found "auto""#),
        .init("[policy]\nmax_denial = 3\n", "2:1", #"unknown key "policy.max_denial" (did you mean "max_denials"?)"#),
        .init("[policy]\nstage_gate = [\"negotiation\"]\n", "2:1", #"unknown key "policy.stage_gate" (did you mean "stage_gates"?)"#),
        .init(rule + "reson = \"x\"\n", "4:1", #"unknown key "policy.rules[0].reson" (did you mean "reason"?)"#),
        .init("[[policy.budgets]]\nid = \"b\"\ncuont = 3\n", "3:1", #"unknown key "policy.budgets[0].cuont" (did you mean "count"?)"#),
        .init(rule + "reason = \"x\"\n\n[[policy.rules]]\nid = \"a\"\neffect = \"approve\"\nreason = \"y\"\n", "7:6", #"rule id "a" is used twice"#),
        .init("[[policy.rules]]\nid = \"no spaces\"\neffect = \"forbid\"\nreason = \"x\"\n", "2:6",
              #"policy.rules[0].id "no spaces" may contain only letters, digits, -, _ and ."#),
        .init("[[policy.rules]]\neffect = \"forbid\"\nreason = \"x\"\n", "1:1", "policy.rules[0].id is missing: every rule needs an id"),
        .init("[[policy.rules]]\nid = \"a\"\nreason = \"x\"\n", "1:1", #"policy.rules[0].effect is missing: "forbid", "approve" or "allow""#),
        .init("[[policy.rules]]\nid = \"a\"\neffect = \"deny\"\nreason = \"x\"\n", "3:10",
              #"policy.rules[0].effect must be one of "forbid", "approve", "allow", found "deny""#),
        .init(rule, "1:1", "policy.rules[0].reason is missing: say in one line why the rule exists"),
        .init(rule + "types = \"send\"\nreason = \"x\"\n", "4:9", "policy.rules[0].types must be an array of strings, found a string"),
        .init(rule + "when = [\"hours\", \"=>\", 6]\nreason = \"x\"\n", "4:18",
              #"policy.rules[0].when: unknown operator "=>"; use one of == != < <= > >= in not_in contains matches"#),
        .init(rule + "when = { any = [[\"hours\", \">\", 2], [\"hours\", \"~\", 3]] }\nreason = \"x\"\n", "4:46",
              #"policy.rules[0].when.any[1]: unknown operator "~""#),
        .init(rule + "when = [\"actor.role\", \"==\", \"x\"]\nreason = \"x\"\n", "4:9",
              #"policy.rules[0].when: unknown field "actor.role" (actor, actor.kind or actor.name)"#),
        .init(rule + "when = [\"attributes\", \"==\", \"x\"]\nreason = \"x\"\n", "4:9",
              #"policy.rules[0].when: "attributes" needs a name: attributes.NAME"#),
        .init(rule + "when = [\"deal..value\", \"==\", 1]\nreason = \"x\"\n", "4:9", #"policy.rules[0].when: "deal..value" is not a field name"#),
        .init(rule + "when = [\"context.moon\", \"==\", 1]\nreason = \"x\"\n", "4:9",
              #"policy.rules[0].when: unknown field "context.moon"; the context has context.time, context.hour"#),
        .init(rule + "when = [\"stage\", \"in\", \"negotiation\"]\nreason = \"x\"\n", "4:24", "policy.rules[0].when: in needs an array value"),
        .init(rule + "when = [\"stage\", \"not_in\", 3]\nreason = \"x\"\n", "4:28", "policy.rules[0].when: not_in needs an array value"),
        .init(rule + "when = [\"recipient\", \"matches\", '(']\nreason = \"x\"\n", "4:33",
              #"policy.rules[0].when: "(" is not a valid regular expression"#),
        .init(rule + "when = [\"recipient\", \"matches\", 7]\nreason = \"x\"\n", "4:33", "policy.rules[0].when: matches needs a regular expression string"),
        .init(rule + "when = [\"stage\", \"==\"]\nreason = \"x\"\n", "4:8",
              #"policy.rules[0].when: a comparison is [FIELD, OP, VALUE], e.g. ["context.hour", "<", 7]"#),
        .init(rule + "when = [\"stage\", \"==\", \"a\", \"b\"]\nreason = \"x\"\n", "4:8", "policy.rules[0].when: a comparison is [FIELD, OP, VALUE]"),
        .init(rule + "when = [1, \"==\", \"a\"]\nreason = \"x\"\n", "4:8", "policy.rules[0].when: a comparison is [FIELD, OP, VALUE]"),
        .init(rule + "when = \"stage == negotiation\"\nreason = \"x\"\n", "4:8",
              "policy.rules[0].when must be a comparison [FIELD, OP, VALUE] or a table with one of all = [...], any = [...], not = ..."),
        .init(rule + "when = { every = [] }\nreason = \"x\"\n", "4:8", "policy.rules[0].when must be a comparison [FIELD, OP, VALUE] or a table"),
        .init(rule + "when = { all = [] }\nreason = \"x\"\n", "4:16", "policy.rules[0].when.all must be a non-empty array of conditions"),
        .init(rule + "when = { any = [\"stage\"] }\nreason = \"x\"\n", "4:17", "policy.rules[0].when.any[0] must be a comparison [FIELD, OP, VALUE] or a table"),
        .init(rule + "when = { not = [\"stage\", \"==\", 1979-05-27] }\nreason = \"x\"\n", "4:32",
              "policy.rules[0].when.not: the value must be a string, number, boolean or an array of them, found"),
        .init("[[policy.budgets]]\nid = \"b\"\nper = \"day\"\n", "1:1", #"budget "b" limits nothing: give count, money or run_time"#),
        .init("[[policy.budgets]]\nid = \"b\"\nper = \"week\"\ncount = 5\n", "3:7",
              #"policy.budgets[0].per must be one of "day", "actor", "job", "tenant", found "week""#),
        .init("[[policy.budgets]]\nid = \"b\"\ncount = -1\n", "3:9", "policy.budgets[0].count must be between 0 and 1000000000, found -1"),
        .init("[[policy.budgets]]\nid = \"b\"\nmoney = -5.0\n", "3:9", "policy.budgets[0].money must be a number of 0 or more"),
        .init("[[policy.budgets]]\nid = \"b\"\nrun_time = \"8 hours\"\n", "3:12",
              #"policy.budgets[0].run_time: duration: "8 hours" has " " after "8" where a unit (d, h, m, s or ms) was expected"#),
        .init("[[policy.budgets]]\nid = \"b\"\ncount = 1\n\n[[policy.budgets]]\nid = \"b\"\nmoney = 1\n", "6:6", #"budget id "b" is used twice"#),
        .init("[[policy.budgets]]\ncount = 1\n", "1:1", "policy.budgets[0].id is missing: every budget needs an id"),
        .init("[policy]\nmax_denials = -1\n", "2:15", "policy.max_denials must be between 0 and 10000, found -1"),
        .init("[policy]\nmax_denials = \"3\"\n", "2:15", "policy.max_denials must be an integer, found a string"),
        .init("[policy]\napproval_expiry = \"3 days\"\n", "2:19", #"policy.approval_expiry: duration: "3 days" has"#),
        .init("[policy]\nstage_gates = [\"negotiation\", 1]\n", "2:31", "policy.stage_gates must contain only strings, found an integer"),
        .init("[policy]\nrules = { id = \"a\" }\n", "2:9", "policy.rules must be an array of tables ([[policy.rules]])"),
        .init("policy = 42\n", "1:10", #"policy must be a table ([policy]) or the name of a policy file (policy = "policy.toml")"#),
        .init("policy = \"\"\n", "1:10", "policy must be a table ([policy]) or the name of a policy file"),
    ]

    @Test("each kind of policy mistake in nightshift.toml is reported at its line and column", arguments: mistakes)
    func mistake(_ mistake: PolicyMistake) {
        let (configuration, diagnostics) = ConfigLoader.parse(mistake.text, file: "nightshift.toml")
        #expect(configuration == nil)
        expectPolicyError(diagnostics, file: "nightshift.toml", mistake)
        // The shared helper of the configuration tests agrees.
        expectConfigError((mistake.text, mistake.position, mistake.prefix))
    }

    @Test("a zero approval_expiry is reported at its value")
    func zeroExpiry() {
        let (_, diagnostics) = ConfigLoader.parse("[policy]\nmax_denials = 3\napproval_expiry = \"0s\"\n", file: "nightshift.toml")
        expectPolicyError(diagnostics, file: "nightshift.toml", PolicyMistake("", "3:19", "policy.approval_expiry must be longer than 0"))
    }

    @Test("a budget with a bad per gets that one error, not also its other keys called unknown")
    func badPerIsOneError() {
        let (_, diagnostics) = ConfigLoader.parse(
            "[[policy.budgets]]\nid = \"b\"\nper = \"week\"\ntypes = [\"mail\"]\ncount = 5\n", file: "nightshift.toml"
        )
        #expect(diagnostics.map(\.description) == [
            #"nightshift.toml:3:7: policy.budgets[0].per must be one of "day", "actor", "job", "tenant", found "week""#,
        ])
    }

    @Test("every mistake of a policy is reported, not only the first, in file order")
    func allMistakes() {
        let text = """
            [policy]
            max_denials = -2

            [policy.catalog]
            a = "sometimes"

            [[policy.rules]]
            id = "r"
            effect = "forbid"
            when = ["x", "=~", 1]
            reason = "r"
            """
        let (_, diagnostics) = ConfigLoader.parse(text, file: "nightshift.toml")
        #expect(diagnostics.map { "\($0.location.line):\($0.location.column)" } == ["2:15", "5:5", "10:14"])
    }

    /// Mistakes in a policy file of its own, whose keys sit at the top level.
    static let fileMistakes: [PolicyMistake] = [
        .init("[catalogue]\nsend = \"autonomous\"\n", "1:2", #"unknown key "catalogue" (did you mean "catalog"?)"#),
        .init("max_denials = 3\n\n[catalog]\nsend = \"autonomus\"\n", "4:8", #"catalog.send must be one of "autonomous", "approval", "hard_stop", found "autonomus""#),
        .init("[[rules]]\nid = \"a\"\neffect = \"forbid\"\nwhen = { all = [[\"hours\", \">\", 2], { not = [\"context.day\", \"==\", \"mon\"] }] }\nreason = \"x\"\n",
              "4:45", #"rules[0].when.all[1].not: unknown field "context.day"; the context has"#),
        .init("[[budgets]]\nid = \"b\"\nper = \"hour\"\ncount = 1\n", "3:7", #"budgets[0].per must be one of "day", "actor", "job", "tenant", found "hour""#),
        .init("stage_gates = [\"a\"]\n[[rules]]\nid = \"a\"\neffect = \"forbid\"\nreason = \"x\"\n[[rules]]\nid = \"a\"\neffect = \"allow\"\nreason = \"y\"\n", "7:6",
              #"rule id "a" is used twice"#),
        .init("approval_expiry = 72\n", "1:19", "approval_expiry must be a string, found an integer"),
        .init("[catalog\n", "1:9", ""),
    ]

    @Test("mistakes in a policy file are reported with that file's name", arguments: fileMistakes)
    func fileMistake(_ mistake: PolicyMistake) {
        let (policy, diagnostics) = ConfigLoader.parsePolicy(mistake.text, file: "policy.toml")
        #expect(policy == nil)
        expectPolicyError(diagnostics, file: "policy.toml", mistake)
    }

    @Test("a policy file named in nightshift.toml is read from the workspace, and its errors name it")
    func separateFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("nightshift.toml").path
        try "policy = \"rules/policy.toml\"\n\n[workspace]\nname = \"sales\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let policyFile = folder.appendingPathComponent("rules/policy.toml").path

        try "max_denials = 2\nstage_gates = [\"negotiation\"]\n\n[catalog]\nsend = \"autonomous\"\n".write(toFile: policyFile, atomically: true, encoding: .utf8)
        let loaded = try ConfigLoader.load(path: config)
        #expect(loaded.policyFile == "rules/policy.toml")
        #expect(loaded.policy.maxDenials == 2)
        #expect(loaded.policy.catalog["send"] == .autonomous)
        #expect(loaded.policy.source == "rules/policy.toml")

        try "max_denials = 2\n\n[catalog]\nsend = \"autonomus\"\n".write(toFile: policyFile, atomically: true, encoding: .utf8)
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: config) }
        expectPolicyError(error.diagnostics, file: "rules/policy.toml",
                          PolicyMistake("", "4:8", #"catalog.send must be one of "autonomous", "approval", "hard_stop", found "autonomus""#))
        #expect(error.description.hasPrefix("rules/policy.toml:4:8: "))

        // Errors in both files: each is reported in its own file.
        try "policy = \"rules/policy.toml\"\n\n[workspace]\nnmae = \"sales\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let both = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: config) }
        let errors = both.diagnostics.filter { $0.severity == .error }.map(\.description)
        #expect(errors.contains { $0.hasPrefix(#"nightshift.toml:4:1: unknown key "workspace.nmae""#) }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("rules/policy.toml:4:8: ") }, "\(errors)")

        // A policy file that does not exist is named too.
        try "policy = \"rules/missing.toml\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let missing = try #require(throws: ConfigError.self) { try ConfigLoader.load(path: config) }
        #expect(missing.description.hasPrefix("rules/missing.toml:1:1: cannot read the file"), "\(missing)")
    }

    @Test("the documented [policy] example reads back as written")
    func documentedExample() throws {
        let text = """
            [policy]
            max_denials = 3
            approval_expiry = "36h"
            stage_gates = ["negotiation"]

            [policy.catalog]
            spawn_subagent = "autonomous"
            commit_pricing = "hard_stop"

            [policy.categories]
            "Bug fixes" = "autonomous"
            "Research/analysis" = "approval"

            [[policy.rules]]
            id = "long-tasks-need-review"
            effect = "approve"
            types = ["spawn_subagent"]
            when = ["hours", ">", 6]
            reason = "tasks estimated at more than 6 hours need the operator"

            [[policy.budgets]]
            id = "mail-per-day"
            per = "tenant"
            types = ["send_follow_up_email"]
            count = 50
            money = 12.5
            run_time = "90m"
            """
        let (configuration, diagnostics) = ConfigLoader.parse(text, file: "nightshift.toml")
        let policy = try #require(configuration?.policy, "\(diagnostics.map(\.description))")
        #expect(policy.maxDenials == 3 && policy.approvalExpiry == .seconds(36 * 3600))
        #expect(policy.stageGates == ["negotiation"])
        #expect(policy.catalog == Policy.builtinCatalog.merging(["spawn_subagent": .autonomous, "commit_pricing": .hardStop]) { _, new in new })
        #expect(policy.catalog["delete_log"] == .autonomous, "the health fixes are built in")
        #expect(policy.categories == ["Bug fixes": .autonomous, "Research/analysis": .approval])
        let rule = try #require(policy.rules.first)
        #expect(policy.rules.count == 1)
        #expect(rule.id == "long-tasks-need-review" && rule.effect == .approve && rule.types == ["spawn_subagent"])
        #expect(rule.reason == "tasks estimated at more than 6 hours need the operator")
        let action = ProposedAction(type: "spawn_subagent", attributes: ["hours": 6.5], actor: Actor(.cli, "operator"))
        #expect(rule.when?.holds(for: action, in: utcContext()) == true)
        #expect(policy.budgets == [Budget(id: "mail-per-day", per: .tenant, types: ["send_follow_up_email"], count: 50, money: 12.5, runTime: .seconds(5400))])
    }

    @Test("both shipped example policies and their cases files are valid, and every case passes")
    func shippedExamples() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for example in ["sales", "builder"] {
            let policy = try ConfigLoader.loadPolicy(path: root.appendingPathComponent("examples/\(example)/policy.toml").path, file: "policy.toml")
            let text = try String(contentsOfFile: root.appendingPathComponent("examples/\(example)/policy-cases.toml").path, encoding: .utf8)
            let (parsed, diagnostics) = ConfigLoader.parsePolicyCases(text, file: "policy-cases.toml")
            let cases = try #require(parsed, "\(diagnostics.map(\.description))")
            #expect(cases.count > 10)
            let engine = PolicyEngine(policy: policy)
            for check in cases {
                let (decision, failure) = check.check(engine, now: tuesdayMorning, timeZone: TimeZone(identifier: "UTC")!)
                #expect(failure == nil, "\(example): \(check.name): \(failure ?? "") [\(decision.decidedBy)]")
            }
        }
    }
}
