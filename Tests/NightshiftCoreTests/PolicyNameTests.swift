import Foundation
import Logging
import NightshiftCore
import NightshiftTesting
import Testing

/// Issue 11, item 4: a stage, type or category spelled in another case must meet the same gate,
/// tier, rule and budget as its declared spelling.
@Suite("Policy names: types, categories and stages compare without regard to case")
struct PolicyNameTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ name: String) throws -> Policy {
        try ConfigLoader.loadPolicy(path: root.appendingPathComponent("examples/\(name)/policy.toml").path, file: "policy.toml")
    }

    /// Every spelling of `name` that changes the case of its letters: 2^letters of them.
    static func caseVariants(_ name: String) -> [String] {
        let characters = Array(name)
        let letters = characters.indices.filter { characters[$0].isLetter && characters[$0].isCased }
        return (0..<(1 << letters.count)).map { mask in
            var variant = characters
            for (bit, index) in letters.enumerated() {
                variant[index] = Character(mask & (1 << bit) != 0 ? variant[index].uppercased() : variant[index].lowercased())
            }
            return String(variant)
        }
    }

    /// Every case variant of a short name; of a long one (2^n too many) the all-upper, the
    /// capitalised and 300 random ones, from a fixed seed.
    static func spellings(_ name: String, generator: inout SeededGenerator) -> [String] {
        let letters = name.filter { $0.isLetter && $0.isCased }.count
        if letters <= 12 { return caseVariants(name) }
        let characters = Array(name)
        var out = [name.uppercased(), name.capitalized]
        for _ in 0..<300 {
            out.append(String(characters.map { Bool.random(using: &generator) ? Character($0.uppercased()) : $0 }))
        }
        return out
    }

    /// `text` in full-width forms (ＮＥＧＯ…), which Unicode compatibility maps back to ASCII.
    static func fullwidth(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { (0x21...0x7E).contains($0.value) ? Unicode.Scalar($0.value + 0xFEE0)! : $0 }))
    }

    func decide(_ engine: PolicyEngine, _ type: String, _ attributes: [String: JSONValue] = [:]) -> Decision {
        engine.decide(ProposedAction(type: type, attributes: attributes, actor: Actor(.cli, "operator")), context: utcContext())
    }

    @Test("every spelling of every gated stage of the sales example parks an autonomous action, decided by the gate as declared")
    func everySpellingOfEveryGatedStage() throws {
        let engine = PolicyEngine(policy: try Self.example("sales"))
        #expect(engine.policy.stageGates == ["negotiation", "evaluation", "closed_won", "closed_lost"])
        var tried = 0
        for stage in engine.policy.stageGates.sorted() {
            for spelling in Self.caseVariants(stage) + [" \(stage) ", "\(stage)\n", Self.fullwidth(stage)] {
                let attributes: [String: JSONValue] = ["stage": .string(spelling), "recipient": "ana@acme.example"]
                let decision = decide(engine, "send_follow_up_email", attributes)
                #expect(decision.verdict == .approve, "\(spelling)")
                #expect(decision.decidedBy == ["stage_gates.\(stage)"], "\(spelling)")
                tried += 1
            }
        }
        #expect(tried == 2048 + 1024 + 512 + 1024 + 4 * 3)
    }

    @Test("every spelling of each type in both examples' catalogs decides as the declared spelling")
    func everySpellingOfEveryType() throws {
        var generator = SeededGenerator(seed: 11_4)
        for example in ["sales", "builder"] {
            let engine = PolicyEngine(policy: try Self.example(example))
            let attributes: [String: JSONValue] = ["stage": "discovery", "category": "Bug fixes", "hours": 1, "age_days": 45]
            for type in engine.policy.catalog.keys.sorted() {
                let declared = decide(engine, type, attributes)
                for spelling in Self.spellings(type, generator: &generator) {
                    let decision = decide(engine, spelling, attributes)
                    #expect(decision.verdict == declared.verdict && decision.decidedBy == declared.decidedBy, "\(example): \(spelling)")
                }
            }
        }
    }

    @Test("every spelling of each builder category decides as the declared spelling")
    func everySpellingOfEveryCategory() throws {
        var generator = SeededGenerator(seed: 11_4_2)
        let engine = PolicyEngine(policy: try Self.example("builder"))
        for category in engine.policy.categories.keys.sorted() {
            let declared = decide(engine, "spawn_subagent", ["category": .string(category), "hours": 1])
            for spelling in Self.spellings(category, generator: &generator) {
                let decision = decide(engine, "spawn_subagent", ["category": .string(spelling), "hours": 1])
                #expect(decision.verdict == declared.verdict && decision.decidedBy == declared.decidedBy, "\(spelling)")
            }
        }
    }

    @Test("rule types, type conditions, stage and category conditions and budget types ignore case on both sides")
    func rulesAndBudgets() throws {
        let engine = PolicyEngine(policy: try parsedPolicy("""
            stage_gates = ["Review"]

            [catalog]
            Deploy = "autonomous"
            mail = "autonomous"

            [categories]
            "Bug fixes" = "autonomous"

            [[rules]]
            id = "by-types"
            effect = "approve"
            types = ["DEPLOY"]
            when = ["size", ">", 10]
            reason = "big deploys"

            [[rules]]
            id = "by-condition"
            effect = "forbid"
            when = { all = [["type", "in", ["dePloy"]], ["target", "==", "prod"]] }
            reason = "no deploys to prod"

            [[rules]]
            id = "by-stage"
            effect = "approve"
            when = { all = [["type", "!=", "DEPLOY"], ["stage", "matches", "^lost$"]] }
            reason = "lost deals are the operator's"

            [[rules]]
            id = "by-category"
            effect = "forbid"
            when = ["category", "==", "BUG FIXES"]
            reason = "a test rule on the category"

            [[budgets]]
            id = "deploys"
            types = ["deploy"]
            count = 1
            """))
        #expect(engine.policy.catalog["Deploy"] == .autonomous)
        #expect(engine.policy.rules[0].types == ["Deploy"] && engine.policy.budgets[0].types == ["Deploy"])
        #expect(decide(engine, "deploy", ["size": 20]).decidedBy == ["by-types"])
        #expect(decide(engine, "DEPLOY", ["target": "prod"]).decidedBy == ["by-condition"])
        #expect(decide(engine, "Mail", ["stage": "LOST"]).decidedBy == ["by-stage"])
        #expect(decide(engine, "mail", ["stage": "rEVIEW"]).decidedBy == ["stage_gates.Review"])
        #expect(decide(engine, "mail", ["category": "bug Fixes"]).decidedBy == ["by-category"])
        #expect(engine.budgets(for: ProposedAction(type: "dEPLOY", actor: Actor(.cli, "operator"))).map(\.id) == ["deploys"])
        let exhausted = engine.decide(
            ProposedAction(type: "DEPLOY", actor: Actor(.cli, "operator")), context: utcContext(usage: ["deploys": Usage(count: 1)]))
        #expect(exhausted.decidedBy == ["budgets.deploys"])
    }

    @Test("names are compared by case folding, compatibility forms and trimming")
    func key() {
        #expect(PolicyName.key("Negotiation") == "negotiation")
        #expect(PolicyName.key("  closed_WON\t") == "closed_won")
        #expect(PolicyName.key("ＮＥＧＯＴＩＡＴＩＯＮ") == "negotiation")
        #expect(PolicyName.key("STRASSE") == PolicyName.key("straße"))
        #expect(PolicyName.key("cloſed_won") == "closed_won")
        #expect(PolicyName.key("closed-won") != PolicyName.key("closed_won"))
    }

    @Test("a lower-case ASCII name is its own key, as the full folding makes it")
    func asciiKeys() {
        for name in ["run_command", "call_webhook", "spawn_subagent", "closed-won", "v1.2", "a", "x9_-.", "run_step"] {
            #expect(PolicyName.key(name) == name)
            #expect(PolicyName.key(name) == PolicyName.key(" \(name.uppercased())\n"))
        }
        for name in ["Run_command", "run command", " run_command", "ﬁle", "straße", "", "a:b"] {
            #expect(PolicyName.key(name) == PolicyName.key(name + " "), "\(name)")
        }
    }

    @Test("a name declared twice in different cases is an error at its line and column, and no policy is made")
    func duplicateSpellings() {
        let (policy, diagnostics) = ConfigLoader.parsePolicy("""
            stage_gates = ["negotiation", "Negotiation"]

            [catalog]
            deploy = "autonomous"
            Deploy = "hard_stop"

            [categories]
            "Bug fixes" = "autonomous"
            "bug fixes" = "approval"
            """, file: "policy.toml")
        #expect(policy == nil)
        #expect(diagnostics.map(\.description) == [
            #"policy.toml:1:31: stage_gates lists "Negotiation" twice (as "negotiation"): names compare without regard to case"#,
            #"policy.toml:5:1: catalog.Deploy is the action type "deploy" again: names compare without regard to case; keep one"#,
            #"policy.toml:9:1: categories.bug fixes is the category "Bug fixes" again: names compare without regard to case; keep one"#,
        ])
    }

    @Test("the gate records, counts and budgets an action in the policy's spelling, however it was proposed")
    func gateRecordsTheDeclaredSpelling() async throws {
        let policy = try parsedPolicy("""
            stage_gates = ["negotiation"]

            [catalog]
            send_follow_up_email = "autonomous"

            [[budgets]]
            id = "mail"
            types = ["send_follow_up_email"]
            count = 2
            """)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let store = MemoryStore()
        let gate = PolicyGate(
            policy: policy, store: store, executor: RecordingExecutor(), clock: TestClock(now: tuesdayMorning), logger: logger)
        var verdicts: [Verdict] = []
        for type in ["Send_Follow_Up_Email", "SEND_FOLLOW_UP_EMAIL", "send_follow_up_EMAIL"] {
            let action = ProposedAction(
                type: type, attributes: ["stage": "discovery"], payload: ["command": ["./mail.sh"]], actor: Actor(.cli, "operator"))
            let outcome = try await gate.propose(action, runID: "r_1", context: actionContext(runID: "r_1"))
            verdicts.append(outcome.decision.verdict)
            #expect(outcome.record.type == "send_follow_up_email")
        }
        #expect(verdicts == [.allow, .allow, .approve], "the third is over the budget of 2, whatever the spelling")
        let gated = try await gate.propose(
            ProposedAction(type: "send_follow_up_email", attributes: ["stage": "NEGOTIATION"], actor: Actor(.cli, "operator")))
        #expect(gated.decision.decidedBy.contains("stage_gates.negotiation"), "\(gated.decision.decidedBy)")
        #expect(gated.record.attributes["stage"] == "negotiation")
        let audit = try await store.auditRecords(AuditQuery(subject: gated.record.id))
        #expect(audit.first?.data["attributes"]?["stage"] == "negotiation")
        #expect(audit.first?.data["type"] == "send_follow_up_email")
    }
}
