import Foundation
import NightshiftCore
import Testing

/// The package root, found from this file (Tests/NightshiftCoreTests/PolicyEngineTests.swift).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A policy written as a policy file; the test fails if it does not parse.
func parsedPolicy(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Policy {
    let (policy, diagnostics) = ConfigLoader.parsePolicy(text, file: "policy.toml")
    return try #require(policy, "\(diagnostics.map(\.description))", sourceLocation: sourceLocation)
}

/// `[FIELD, OP, VALUE]` as a condition.
func comparison(_ field: String, _ op: String, _ value: JSONValue) throws -> Condition {
    let op = try #require(ComparisonOperator(rawValue: op))
    return .compare(try Comparison(field: try PolicyField(parsing: field), op: op, value: value))
}

/// Tuesday 2026-06-02 10:00 UTC: working hours on a weekday, so no time rule of the sales policy fires.
let tuesdayMorning = instant("2026-06-02T10:00:00Z")

func utcContext(_ now: Date = tuesdayMorning, usage: [String: Usage] = [:]) -> PolicyContext {
    PolicyContext(now: now, timeZone: TimeZone(identifier: "UTC")!, budgetUsage: usage)
}

@Suite("Policy engine: tiers, stage gates, categories, rules, budgets, conditions, context, indexing")
struct PolicyEngineTests {
    let operatorActor = Actor(.cli, "operator")

    func decide(
        _ policy: Policy, _ type: String, _ attributes: [String: JSONValue] = [:], actor: Actor = Actor(.cli, "operator"),
        tenant: String? = nil, context: PolicyContext = utcContext()
    ) -> Decision {
        PolicyEngine(policy: policy).decide(ProposedAction(type: type, attributes: attributes, actor: actor, tenant: tenant), context: context)
    }

    // MARK: Tiers

    @Test("each tier gives its verdict: autonomous allows, approval parks, hard_stop forbids", arguments: [
        (Tier.autonomous, Verdict.allow), (.approval, .approve), (.hardStop, .forbid),
    ])
    func tiers(_ tier: Tier, _ verdict: Verdict) {
        let decision = decide(Policy(catalog: ["act": tier]), "act")
        #expect(decision.verdict == verdict)
        #expect(decision.tier == tier)
        #expect(decision.decidedBy == ["catalog.act"])
    }

    @Test("run_command and call_webhook are autonomous unless the catalog lists them")
    func builtinTypes() {
        #expect(decide(.default, "run_command").verdict == .allow)
        #expect(decide(.default, "call_webhook").verdict == .allow)
        #expect(decide(Policy(catalog: ["run_command": .hardStop]), "run_command").verdict == .forbid)
        #expect(decide(Policy(catalog: ["call_webhook": .approval]), "call_webhook").verdict == .approve)
    }

    // MARK: The sales example

    static let salesHardStops = [
        "commit_pricing", "modify_contract", "approve_discount", "strategic_decision", "initiate_executive_relationship",
        "legal_commitment", "market_positioning_change",
    ]
    static let salesAutonomous = [
        "send_follow_up_email", "send_routine_response", "send_chat_message", "schedule_meeting", "qualify_conversation",
        "progress_early_stage", "update_account_context", "create_briefing", "log_interaction",
        // The sales pack's nurture mail (issue 16).
        "send_email",
    ]
    static let salesApproval = [
        "send_proposal", "discuss_pricing", "negotiate_terms", "progress_past_evaluation", "contact_c_suite",
        "share_minutes_externally", "modify_account_plan", "escalate_to_management",
    ]
    static let salesStageGates = ["negotiation", "evaluation", "closed_won", "closed_lost"]

    /// examples/sales/policy.toml as shipped.
    static func salesPolicy() throws -> Policy {
        try ConfigLoader.loadPolicy(path: packageRoot.appendingPathComponent("examples/sales/policy.toml").path, file: "policy.toml")
    }

    /// Attributes a routine sales action has early in a deal, during working hours.
    static let routine: [String: JSONValue] = [
        "stage": "discovery", "to_stage": "discovery", "recipient": "ana@acme.example",
    ]

    @Test("the sales catalog has exactly its 10 autonomous, 8 approval and 7 hard-stop types, and its 4 stage gates")
    func salesCatalog() throws {
        let policy = try Self.salesPolicy()
        var expected: [String: Tier] = Policy.builtinCatalog
        for type in Self.salesAutonomous { expected[type] = .autonomous }
        for type in Self.salesApproval { expected[type] = .approval }
        for type in Self.salesHardStops { expected[type] = .hardStop }
        #expect(policy.catalog == expected)
        #expect(policy.stageGates == Set(Self.salesStageGates))
        #expect(policy.maxDenials == 3)
        #expect(policy.approvalExpiry == .seconds(72 * 3600))
    }

    @Test("every sales hard stop is forbidden, whoever proposes it and whatever its stage", arguments: salesHardStops)
    func salesHardStopIsForbidden(_ type: String) throws {
        let policy = try Self.salesPolicy()
        for actor in [Actor(.job, "nurture"), Actor(.cli, "operator")] {
            for stage in ["discovery", "negotiation"] {
                var attributes = Self.routine
                attributes["stage"] = .string(stage)
                let decision = decide(policy, type, attributes, actor: actor)
                #expect(decision.verdict == .forbid, "\(type) by \(actor) in \(stage)")
                #expect(decision.decidedBy == ["catalog.\(type)"])
                #expect(decision.tier == .hardStop)
            }
        }
    }

    @Test("every sales autonomous type is allowed in an early stage during working hours", arguments: salesAutonomous)
    func salesAutonomousIsAllowed(_ type: String) throws {
        let decision = decide(try Self.salesPolicy(), type, Self.routine)
        #expect(decision.verdict == .allow, "\(decision.decidedBy): \(decision.reason)")
        #expect(decision.decidedBy.first == "catalog.\(type)")
        #expect(decision.tier == .autonomous)
    }

    @Test("every sales approval type is parked, even early in a deal", arguments: salesApproval)
    func salesApprovalIsParked(_ type: String) throws {
        let decision = decide(try Self.salesPolicy(), type, Self.routine)
        #expect(decision.verdict == .approve)
        #expect(decision.decidedBy == ["catalog.\(type)"])
        #expect(decision.tier == .approval)
    }

    @Test("the sales allow rule names itself for scheduled bookkeeping but loosens nothing")
    func salesAllowRule() throws {
        let policy = try Self.salesPolicy()
        let byJob = decide(policy, "log_interaction", Self.routine, actor: Actor(.job, "crm-sync"))
        #expect(byJob.verdict == .allow)
        #expect(byJob.decidedBy == ["catalog.log_interaction", "internal-bookkeeping"])
        let byOperator = decide(policy, "log_interaction", Self.routine)
        #expect(byOperator.decidedBy == ["catalog.log_interaction"])
        // In a gated stage the allow rule still matches, and the action still waits.
        let gated = decide(policy, "log_interaction", ["stage": "negotiation"], actor: Actor(.job, "crm-sync"))
        #expect(gated.verdict == .approve)
        #expect(gated.decidedBy == ["stage_gates.negotiation"])
    }

    // MARK: Stage gates

    @Test("a gated stage parks an autonomous action; a hard stop there stays forbidden and an approval type stays parked by its tier", arguments: salesStageGates)
    func stageGate(_ stage: String) throws {
        let policy = try Self.salesPolicy()
        var attributes = Self.routine
        attributes["stage"] = .string(stage)
        for type in Self.salesAutonomous where type != "progress_early_stage" {
            let decision = decide(policy, type, attributes)
            #expect(decision.verdict == .approve, "\(type) in \(stage)")
            #expect(decision.decidedBy == ["stage_gates.\(stage)"], "\(type) in \(stage)")
        }
        let hardStop = decide(policy, "commit_pricing", attributes)
        #expect(hardStop.verdict == .forbid)
        #expect(hardStop.decidedBy == ["catalog.commit_pricing"])
        let approval = decide(policy, "send_proposal", attributes)
        #expect(approval.verdict == .approve)
        #expect(approval.decidedBy == ["catalog.send_proposal"], "the gate applies only to autonomous actions")
        // Not gated: the same action early in the deal runs.
        #expect(decide(policy, "send_follow_up_email", Self.routine).verdict == .allow)
    }

    @Test("a stage attribute that is not a string, or a stage not listed, gates nothing")
    func stageGateNeedsAListedString() {
        let policy = Policy(catalog: ["mail": .autonomous], stageGates: ["negotiation"])
        #expect(decide(policy, "mail", ["stage": "discovery"]).verdict == .allow)
        #expect(decide(policy, "mail", ["stage": .array(["negotiation"])]).verdict == .allow)
        #expect(decide(policy, "mail", ["stage": "negotiation"]).verdict == .approve)
    }

    // MARK: Fail-safes

    @Test("an unknown type is parked with fail_safe.unknown_type, never allowed, not even by a matching allow rule")
    func unknownType() throws {
        let policy = try parsedPolicy("""
            [catalog]
            known = "autonomous"

            [[rules]]
            id = "allow-mystery"
            effect = "allow"
            types = ["mystery"]
            reason = "an allow rule naming the unknown type"

            [[rules]]
            id = "allow-by-condition"
            effect = "allow"
            when = ["type", "==", "mystery"]
            reason = "an allow rule pinning the unknown type in its condition"

            [[rules]]
            id = "allow-everything"
            effect = "allow"
            reason = "an untyped allow rule"
            """)
        let decision = decide(policy, "mystery", ["stage": "discovery"])
        #expect(decision.verdict == .approve)
        #expect(decision.decidedBy == ["fail_safe.unknown_type"])
        #expect(decision.tier == nil)
        // A forbid rule still forbids an unknown type.
        var forbidding = policy
        forbidding.rules.append(PolicyRule(id: "no-mystery", effect: .forbid, types: ["mystery"], reason: "no"))
        #expect(decide(forbidding, "mystery").verdict == .forbid)
        #expect(decide(forbidding, "mystery").decidedBy == ["no-mystery"])
    }

    @Test("an unknown category is parked with fail_safe.unknown_category")
    func unknownCategory() {
        let policy = Policy(catalog: ["task": .autonomous], categories: ["Bug fixes": .autonomous])
        let decision = decide(policy, "task", ["category": "Moonshots"])
        #expect(decision.verdict == .approve)
        #expect(decision.decidedBy == ["fail_safe.unknown_category"])
        #expect(decision.tier == nil)
    }

    struct CategoryCase: Sendable, CustomTestStringConvertible {
        var type: String
        var category: String?
        var verdict: Verdict
        var tier: Tier?
        var testDescription: String { "\(type) in \(category ?? "no category") → \(verdict)" }
    }

    static let categoryCases: [CategoryCase] = [
        .init(type: "task", category: "Bug fixes", verdict: .allow, tier: .autonomous),
        .init(type: "task", category: "New features", verdict: .approve, tier: .approval),
        .init(type: "task", category: "Prod data", verdict: .forbid, tier: .hardStop),
        .init(type: "gated_task", category: "Bug fixes", verdict: .approve, tier: .approval),
        .init(type: "gated_task", category: "New features", verdict: .approve, tier: .approval),
        .init(type: "gated_task", category: "Prod data", verdict: .forbid, tier: .hardStop),
        .init(type: "banned", category: "Bug fixes", verdict: .forbid, tier: .hardStop),
        .init(type: "banned", category: "New features", verdict: .forbid, tier: .hardStop),
        .init(type: "task", category: "Unlisted", verdict: .approve, tier: nil),
        .init(type: "banned", category: "Unlisted", verdict: .forbid, tier: nil),
        .init(type: "task", category: nil, verdict: .allow, tier: .autonomous),
        .init(type: "gated_task", category: nil, verdict: .approve, tier: .approval),
    ]

    @Test("the stricter of the type's and the category's tier counts", arguments: categoryCases)
    func stricterTierCounts(_ check: CategoryCase) {
        let policy = Policy(
            catalog: ["task": .autonomous, "gated_task": .approval, "banned": .hardStop],
            categories: ["Bug fixes": .autonomous, "New features": .approval, "Prod data": .hardStop]
        )
        let decision = decide(policy, check.type, check.category.map { ["category": .string($0)] } ?? [:])
        #expect(decision.verdict == check.verdict)
        #expect(decision.tier == check.tier)
        if check.verdict == .allow, let category = check.category {
            #expect(decision.decidedBy == ["catalog.\(check.type)", "categories.\(category)"])
        }
    }

    @Test("without [categories] the category attribute is an ordinary attribute")
    func noCategories() throws {
        let policy = Policy(catalog: ["task": .autonomous])
        let decision = decide(policy, "task", ["category": "Anything at all"])
        #expect(decision.verdict == .allow)
        #expect(decision.decidedBy == ["catalog.task"])
        // Rules can still read it.
        var ruled = policy
        ruled.rules = [PolicyRule(id: "infra", effect: .approve, when: try comparison("category", "==", "Infrastructure"), reason: "r")]
        #expect(decide(ruled, "task", ["category": "Infrastructure"]).decidedBy == ["infra"])
    }

    @Test("a stage gate does not apply when the category makes the tier approval or unknown")
    func stageGateWithCategory() {
        let policy = Policy(
            catalog: ["task": .autonomous], categories: ["Bug fixes": .autonomous, "New features": .approval], stageGates: ["review"]
        )
        #expect(decide(policy, "task", ["category": "Bug fixes", "stage": "review"]).decidedBy == ["stage_gates.review"])
        #expect(decide(policy, "task", ["category": "New features", "stage": "review"]).decidedBy == ["categories.New features"])
        #expect(decide(policy, "task", ["category": "Other", "stage": "review"]).decidedBy == ["fail_safe.unknown_category"])
    }

    // MARK: Rules

    static let layered = """
        [catalog]
        deploy = "autonomous"
        review = "approval"

        [[rules]]
        id = "allow-deploys"
        effect = "allow"
        types = ["deploy", "review"]
        reason = "deploys are routine"

        [[rules]]
        id = "big-needs-approval"
        effect = "approve"
        when = ["size", ">", 10]
        reason = "big changes need a look"

        [[rules]]
        id = "no-prod"
        effect = "forbid"
        types = ["deploy"]
        when = ["env", "==", "prod"]
        reason = "never deploy to prod unattended"

        [[rules]]
        id = "frozen"
        effect = "forbid"
        when = ["freeze", "==", true]
        reason = "the code freeze is on"
        """

    @Test("forbid beats approve beats allow; an allow rule is named only when the action is allowed")
    func combination() throws {
        let policy = try parsedPolicy(Self.layered)
        let allowed = decide(policy, "deploy", ["size": 3])
        #expect(allowed.verdict == .allow)
        #expect(allowed.decidedBy == ["catalog.deploy", "allow-deploys"])

        let parked = decide(policy, "deploy", ["size": 30])
        #expect(parked.verdict == .approve)
        #expect(parked.decidedBy == ["big-needs-approval"])
        #expect(parked.reason == "big changes need a look")

        let forbidden = decide(policy, "deploy", ["size": 30, "env": "prod"])
        #expect(forbidden.verdict == .forbid)
        #expect(forbidden.decidedBy == ["no-prod"])
        #expect(forbidden.reason == "never deploy to prod unattended")
    }

    @Test("every matching forbid is named among the deciders, with the hard-stop tier")
    func multipleForbids() throws {
        var policy = try parsedPolicy(Self.layered)
        let decision = decide(policy, "deploy", ["env": "prod", "freeze": true, "size": 99])
        #expect(decision.verdict == .forbid)
        #expect(Set(decision.decidedBy) == ["no-prod", "frozen"])
        policy.catalog["deploy"] = .hardStop
        let withTier = decide(policy, "deploy", ["env": "prod", "freeze": true])
        #expect(Set(withTier.decidedBy) == ["no-prod", "frozen", "catalog.deploy"])
        #expect(withTier.decidedBy.count == 3)
    }

    @Test("matching rules are named in declared order, typed and untyped alike, and the first one gives the reason")
    func declaredOrder() throws {
        let policy = try parsedPolicy("""
            [catalog]
            deploy = "autonomous"

            [[rules]]
            id = "untyped-first"
            effect = "forbid"
            when = ["env", "==", "prod"]
            reason = "declared first"

            [[rules]]
            id = "typed-second"
            effect = "forbid"
            types = ["deploy"]
            reason = "declared second"

            [[rules]]
            id = "typed-by-condition-third"
            effect = "forbid"
            when = { all = [["type", "==", "deploy"], ["env", "==", "prod"]] }
            reason = "declared third"
            """)
        let decision = decide(policy, "deploy", ["env": "prod"])
        #expect(decision.decidedBy == ["untyped-first", "typed-second", "typed-by-condition-third"])
        #expect(decision.reason == "declared first")
    }

    @Test("an allow rule never overrides an approval tier, an approve rule, a stage gate or a budget")
    func allowNeverLoosens() throws {
        var policy = try parsedPolicy(Self.layered)
        let review = decide(policy, "review", [:])
        #expect(review.verdict == .approve)
        #expect(review.decidedBy == ["catalog.review"])
        policy.stageGates = ["late"]
        #expect(decide(policy, "deploy", ["stage": "late"]).decidedBy == ["stage_gates.late"])
        policy.budgets = [Budget(id: "deploys", types: ["deploy"], count: 2)]
        let overBudget = decide(policy, "deploy", [:], context: utcContext(usage: ["deploys": Usage(count: 2)]))
        #expect(overBudget.verdict == .approve)
        #expect(overBudget.decidedBy == ["budgets.deploys"])
    }

    @Test("approve decisions name every source that parked them")
    func multipleApprovals() throws {
        var policy = try parsedPolicy(Self.layered)
        policy.stageGates = ["late"]
        policy.budgets = [Budget(id: "all", count: 0)]
        let decision = decide(policy, "deploy", ["size": 50, "stage": "late"])
        #expect(decision.verdict == .approve)
        #expect(Set(decision.decidedBy) == ["big-needs-approval", "stage_gates.late", "budgets.all"])
    }

    // MARK: Budgets

    @Test("a count budget parks the action that would be one too many, naming budgets.ID")
    func countBudget() {
        let policy = Policy(catalog: ["mail": .autonomous, "other": .autonomous], budgets: [Budget(id: "mail-per-day", types: ["mail"], count: 50)])
        for used in [0, 49] {
            let below = decide(policy, "mail", context: utcContext(usage: ["mail-per-day": Usage(count: used)]))
            #expect(below.verdict == .allow, "\(used) used")
        }
        for used in [50, 51] {
            let atLimit = decide(policy, "mail", context: utcContext(usage: ["mail-per-day": Usage(count: used)]))
            #expect(atLimit.verdict == .approve, "\(used) used")
            #expect(atLimit.decidedBy == ["budgets.mail-per-day"])
            #expect(atLimit.reason.contains("50"))
        }
        // Another type is not limited by it.
        #expect(decide(policy, "other", context: utcContext(usage: ["mail-per-day": Usage(count: 50)])).verdict == .allow)
        // count = 0 allows nothing without the operator.
        #expect(decide(Policy(catalog: ["mail": .autonomous], budgets: [Budget(id: "none", count: 0)]), "mail").verdict == .approve)
    }

    @Test("a money budget is exceeded by the cost that would take the day past it; no cost never exceeds it")
    func moneyBudget() {
        let policy = Policy(catalog: ["buy": .autonomous], budgets: [Budget(id: "spend", money: 100)])
        let context = utcContext(usage: ["spend": Usage(money: 90)])
        #expect(decide(policy, "buy", ["cost": 10], context: context).verdict == .allow, "exactly the limit is within it")
        #expect(decide(policy, "buy", ["cost": 9.5], context: context).verdict == .allow)
        let over = decide(policy, "buy", ["cost": 10.01], context: context)
        #expect(over.verdict == .approve)
        #expect(over.decidedBy == ["budgets.spend"])
        #expect(decide(policy, "buy", ["cost": .integer(11)], context: context).verdict == .approve)
        let spent = utcContext(usage: ["spend": Usage(money: 250)])
        #expect(decide(policy, "buy", [:], context: spent).verdict == .allow, "an action without cost never exceeds a money budget")
        #expect(decide(policy, "buy", ["cost": 0], context: spent).verdict == .allow)
        #expect(decide(policy, "buy", ["cost": "cheap"], context: spent).verdict == .allow, "a cost that is not a number is no cost")
    }

    @Test("a run_time budget is exceeded once the day's execution time has reached it")
    func runTimeBudget() {
        let policy = Policy(catalog: ["build": .autonomous], budgets: [Budget(id: "cpu", runTime: .seconds(8 * 3600))])
        #expect(decide(policy, "build", context: utcContext(usage: ["cpu": Usage(runSeconds: 8 * 3600 - 1)])).verdict == .allow)
        let reached = decide(policy, "build", context: utcContext(usage: ["cpu": Usage(runSeconds: 8 * 3600)]))
        #expect(reached.verdict == .approve)
        #expect(reached.decidedBy == ["budgets.cpu"])
    }

    @Test("per day and per actor always apply; per job only to jobs and cycles; per tenant only with a tenant; types narrow all")
    func budgetApplicability() {
        let job = ProposedAction(type: "mail", actor: Actor(.job, "nurture"))
        let cycle = ProposedAction(type: "mail", actor: Actor(.cycle, "hourly"), tenant: "acme")
        let cli = ProposedAction(type: "mail", actor: Actor(.cli, "operator"))
        let other = ProposedAction(type: "call", actor: Actor(.job, "nurture"), tenant: "acme")
        let expectations: [(Budget.Scope, [Bool])] = [
            (.day, [true, true, true]), (.actor, [true, true, true]), (.job, [true, true, false]), (.tenant, [false, true, false]),
        ]
        for (scope, applies) in expectations {
            let budget = Budget(id: "b", per: scope, types: ["mail"], count: 1)
            #expect([job, cycle, cli].map(budget.applies(to:)) == applies, "per \(scope)")
            #expect([job, cycle, cli].map { ReferenceDecider.applies(budget, to: $0) } == applies, "per \(scope), as documented")
            #expect(!budget.applies(to: other), "per \(scope): a type outside `types`")
            #expect(Budget(id: "b", per: scope, count: 1).applies(to: other) == (scope != .tenant || other.tenant != nil))
        }
        // The engine only limits the actions a budget applies to.
        let policy = Policy(catalog: ["mail": .autonomous], budgets: [Budget(id: "t", per: .tenant, count: 0), Budget(id: "j", per: .job, count: 0)])
        #expect(PolicyEngine(policy: policy).decide(cli, context: utcContext()).verdict == .allow)
        #expect(Set(PolicyEngine(policy: policy).decide(cycle, context: utcContext()).decidedBy) == ["budgets.t", "budgets.j"])
        #expect(PolicyEngine(policy: policy).budgets(for: job).map(\.id) == ["j"])
    }

    @Test("each scope's counter is selected by the right filter")
    func budgetUsageQuery() {
        let since = tuesdayMorning
        let action = ProposedAction(type: "mail", actor: Actor(.job, "nurture"), tenant: "acme")
        let day = Budget(id: "b", per: .day, types: ["mail"]).usageQuery(for: action, since: since)
        #expect(day == UsageQuery(since: since, types: ["mail"]))
        #expect(Budget(id: "b", per: .actor).usageQuery(for: action, since: since) == UsageQuery(since: since, actor: action.actor))
        #expect(Budget(id: "b", per: .job).usageQuery(for: action, since: since) == UsageQuery(since: since, actor: action.actor))
        #expect(Budget(id: "b", per: .tenant).usageQuery(for: action, since: since) == UsageQuery(since: since, tenant: "acme"))
    }

    @Test("an exceeded budget never loosens a forbid")
    func budgetAndForbid() {
        let policy = Policy(catalog: ["wipe": .hardStop], budgets: [Budget(id: "all", count: 0)])
        let decision = decide(policy, "wipe")
        #expect(decision.verdict == .forbid)
        #expect(decision.decidedBy == ["catalog.wipe"])
    }

    // MARK: Conditions

    struct OperatorCase: Sendable, CustomTestStringConvertible {
        var field: String
        var op: String
        var value: JSONValue
        var holds: Bool
        var testDescription: String { "[\(field), \(op), \(value.canonical)] is \(holds)" }
        init(_ field: String, _ op: String, _ value: JSONValue, _ holds: Bool) {
            self.field = field
            self.op = op
            self.value = value
            self.holds = holds
        }
    }

    static let subject = ProposedAction(
        type: "send", attributes: [
            "count": 5, "ratio": 2.5, "stage": "negotiation", "topics": ["pricing", "legal"], "scores": [1, 2.0],
            "flag": true, "deal": ["value": 1200, "owner": "ana"], "email": "Ana@acme.example",
        ],
        payload: ["command": ["./bin/send.sh", "--now"], "cwd": "work"], actor: Actor(.job, "nurture"), tenant: "acme"
    )

    static let operatorCases: [OperatorCase] = [
        // == and != with numbers of either representation
        .init("count", "==", 5, true), .init("count", "==", 5.0, true), .init("ratio", "==", 2.5, true),
        .init("count", "==", 6, false), .init("count", "!=", 5.0, false), .init("count", "!=", 6, true),
        .init("count", "==", "5", false), .init("count", "!=", "5", true), .init("flag", "==", true, true), .init("flag", "==", 1, false),
        // order with numbers
        .init("ratio", ">", 2, true), .init("ratio", "<", 3, true), .init("ratio", "<", 2.5, false), .init("ratio", "<=", 2.5, true),
        .init("count", "<=", 5.0, true), .init("count", ">=", 5.5, false), .init("count", ">=", 5, true), .init("count", "<", 5, false),
        .init("count", ">", 4.99, true), .init("count", ">", 5, false),
        // order with strings; mixed kinds never order
        .init("stage", "==", "negotiation", true), .init("stage", "<", "o", true), .init("stage", ">=", "negotiation", true),
        .init("stage", ">", "negotiation", false), .init("stage", "<=", "a", false), .init("stage", "<", 5, false),
        .init("count", ">", "4", false), .init("flag", ">", false, false), .init("topics", ">", "a", false),
        // in / not_in
        .init("stage", "in", ["discovery", "negotiation"], true), .init("count", "in", [4, 5.0], true), .init("stage", "in", [], false),
        .init("stage", "not_in", ["discovery"], true), .init("stage", "not_in", ["negotiation"], false), .init("ratio", "not_in", [2.5], false),
        .init("stage", "not_in", [], true), .init("count", "in", ["5"], false),
        // contains: an array holding the value, or a substring
        .init("topics", "contains", "pricing", true), .init("topics", "contains", "pric", false), .init("stage", "contains", "gotia", true),
        .init("stage", "contains", "Nego", true), .init("email", "contains", "ana", false), .init("scores", "contains", 2, true), .init("scores", "contains", 1.0, true),
        .init("scores", "contains", 3, false), .init("count", "contains", 5, false), .init("stage", "contains", 5, false),
        // (on type, stage and category every operator ignores case, matches included: PolicyNameTests)
        // matches: unanchored, case-sensitive, only on strings
        .init("email", "matches", #"@acme\.example$"#, true), .init("email", "matches", "^ana", false), .init("email", "matches", "(?i)^ana", true),
        .init("email", "matches", "cme", true), .init("count", "matches", "5", false), .init("topics", "matches", "pricing", false),
        // paths inside objects and arrays, the payload, the action's own fields
        .init("attributes.deal.value", ">", 1000, true), .init("deal.owner", "==", "ana", true), .init("topics.0", "==", "pricing", true),
        .init("topics.2", "==", "pricing", false), .init("payload.command.0", "==", "./bin/send.sh", true), .init("payload.cwd", "==", "work", true),
        .init("payload.command", "contains", "--now", true), .init("type", "==", "send", true), .init("actor", "==", "job:nurture", true),
        .init("actor.kind", "in", ["job", "cycle"], true), .init("actor.name", "matches", "^nur", true), .init("tenant", "==", "acme", true),
        .init("tenant", "!=", "globex", true), .init("context.operator", "==", "unknown", true),
        // runs and runs_only: the command the action runs (PolicyCommandTests)
        .init("command", "runs", "./bin/send.sh:*", true), .init("command", "runs", "ls:*", false),
        .init("command", "runs_only", ["./bin/send.sh --now"], true), .init("command", "runs_only", ["./bin/send.sh"], false),
    ]

    @Test("each operator compares as documented", arguments: operatorCases)
    func operators(_ check: OperatorCase) throws {
        let condition = try comparison(check.field, check.op, check.value)
        #expect(condition.holds(for: Self.subject, in: utcContext()) == check.holds)
    }

    @Test("every operator is covered by the table")
    func operatorTableIsComplete() {
        #expect(Set(Self.operatorCases.map(\.op)) == Set(ComparisonOperator.allCases.map(\.rawValue)))
    }

    @Test("a comparison on a field the action does not have is false, whatever the operator", arguments: ComparisonOperator.allCases)
    func missingFields(_ op: ComparisonOperator) throws {
        let value: JSONValue = switch op {
        case .in, .notIn: ["x", 1]
        case .matches: ".*"
        default: "x"
        }
        let bare = ProposedAction(type: "send", attributes: ["deal": ["value": 1], "list": ["a"]], payload: [:], actor: Actor(.cli, "operator"))
        let fields = op == .runs || op == .runsOnly
            ? ["command"] // the only field they read: an action without a command runs nothing
            : ["absent", "attributes.absent", "tenant", "deal.owner", "deal.value.deeper", "list.3", "list.x", "payload.command", "payload.a.b"]
        for field in fields {
            let condition = Condition.compare(try Comparison(field: try PolicyField(parsing: field), op: op, value: value))
            #expect(!condition.holds(for: bare, in: utcContext()), "\(field) \(op.rawValue)")
            // `not` around it is the way to treat missing as a match.
            #expect(Condition.not(condition).holds(for: bare, in: utcContext()))
        }
    }

    @Test("all, any and not nest freely")
    func combinators() throws {
        let context = utcContext()
        let yes = try comparison("stage", "==", "negotiation")
        let no = try comparison("count", ">", 100)
        let missing = try comparison("absent", "!=", "x")
        let cases: [(Condition, Bool)] = [
            (.all([yes]), true), (.all([yes, no]), false), (.any([no, yes]), true), (.any([no, missing]), false),
            (.not(no), true), (.not(.not(yes)), true), (.not(missing), true),
            (.all([yes, .any([no, .not(missing)])]), true), (.any([.all([yes, no]), .not(.any([yes, no]))]), false),
            (.all([.not(.all([yes, no])), .any([.not(no), missing])]), true),
        ]
        for (index, (condition, expected)) in cases.enumerated() {
            #expect(condition.holds(for: Self.subject, in: context) == expected, "case \(index)")
        }
    }

    @Test("conditions parsed from TOML decide like the docs' examples")
    func documentedConditions() throws {
        let policy = try parsedPolicy("""
            [catalog]
            send_follow_up_email = "autonomous"
            delete_old_logs = "autonomous"
            task = "autonomous"

            [[rules]]
            id = "no-mail-at-night"
            effect = "forbid"
            types = ["send_follow_up_email"]
            when = { any = [["context.hour", "<", 7], ["context.hour", ">=", 21]] }
            reason = "no customer mail outside 07:00-21:00"

            [[rules]]
            id = "old-logs-only"
            effect = "approve"
            types = ["delete_old_logs"]
            when = { not = ["age_days", ">", 30] }
            reason = "parked unless the logs are older than 30 days"

            [[rules]]
            id = "infra"
            effect = "approve"
            types = ["task"]
            when = { all = [
                ["category", "==", "Infrastructure"],
                { any = [["hours", ">", 2], ["context.operator", "==", "unknown"]] },
            ] }
            reason = "infrastructure work needs the operator"
            """)
        let night = utcContext(instant("2026-06-02T22:15:00Z"))
        #expect(decide(policy, "send_follow_up_email", context: night).decidedBy == ["no-mail-at-night"])
        #expect(decide(policy, "send_follow_up_email", context: utcContext(instant("2026-06-02T06:59:00Z"))).verdict == .forbid)
        #expect(decide(policy, "send_follow_up_email", context: utcContext(instant("2026-06-02T07:00:00Z"))).verdict == .allow)
        #expect(decide(policy, "send_follow_up_email", context: utcContext(instant("2026-06-02T20:59:00Z"))).verdict == .allow)
        #expect(decide(policy, "delete_old_logs", ["age_days": 45]).verdict == .allow)
        #expect(decide(policy, "delete_old_logs", ["age_days": 12]).verdict == .approve)
        #expect(decide(policy, "delete_old_logs").verdict == .approve, "an action that says nothing is parked")
        #expect(decide(policy, "task", ["category": "Infrastructure", "hours": 1]).verdict == .approve, "the operator is unknown")
        var known = utcContext()
        known.override(.operator, with: "work")
        #expect(decide(policy, "task", ["category": "Infrastructure", "hours": 1], context: known).verdict == .allow)
        #expect(decide(policy, "task", ["category": "Infrastructure", "hours": 2.5], context: known).verdict == .approve)
    }

    // MARK: Context

    @Test("time, hour, minute, weekday and date are read in the workspace zone")
    func contextInZone() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        // 03:30 UTC on Tuesday is 23:30 on Monday in New York (EDT, UTC-4).
        let summer = PolicyContext(now: instant("2026-03-10T03:30:00Z"), timeZone: newYork)
        #expect(summer.value(.time) == "23:30")
        #expect(summer.value(.hour) == 23)
        #expect(summer.value(.minute) == 30)
        #expect(summer.value(.weekday) == "mon")
        #expect(summer.value(.date) == "2026-03-09")
        #expect(summer.dayStart == instant("2026-03-09T04:00:00Z"))
        // In winter New York is UTC-5.
        let winter = PolicyContext(now: instant("2026-01-15T12:05:00Z"), timeZone: newYork)
        #expect(winter.value(.time) == "07:05")
        #expect(winter.value(.weekday) == "thu")
        #expect(winter.value(.date) == "2026-01-15")
        #expect(winter.dayStart == instant("2026-01-15T05:00:00Z"))
        // Rules read these values as strings and numbers.
        let policy = Policy(catalog: ["mail": .autonomous], rules: [
            PolicyRule(id: "late", effect: .forbid, when: .all([
                try comparison("context.time", ">=", "22:30"), try comparison("context.weekday", "in", ["mon", "tue"]),
                try comparison("context.date", "<", "2026-04-01"), try comparison("context.hour", "==", 23.0),
            ]), reason: "late on a weekday in March"),
        ])
        #expect(decide(policy, "mail", context: summer).decidedBy == ["late"])
        #expect(decide(policy, "mail", context: utcContext(instant("2026-03-10T03:30:00Z"))).verdict == .allow, "03:30 in UTC is not late")
    }

    @Test("today starts at local midnight even on the days the clocks change")
    func dayStartAcrossDaylightSaving() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        // 2026-03-08: clocks go forward at 02:00 EST. Midnight was 00:00 EST = 05:00 UTC; at 10:00 EDT
        // (14:00 UTC) the day is 9 hours old, not 10.
        #expect(PolicyContext(now: instant("2026-03-08T14:00:00Z"), timeZone: newYork).dayStart == instant("2026-03-08T05:00:00Z"))
        // 2026-11-01: clocks go back at 02:00 EDT. Midnight was 00:00 EDT = 04:00 UTC; at 10:00 EST
        // (15:00 UTC) the day is 11 hours old.
        #expect(PolicyContext(now: instant("2026-11-01T15:00:00Z"), timeZone: newYork).dayStart == instant("2026-11-01T04:00:00Z"))
    }

    @Test("operator, counts and spending are context fields rules can test")
    func contextCounts() throws {
        var context = PolicyContext(
            now: tuesdayMorning, timeZone: TimeZone(identifier: "UTC")!, operatorContext: "sleeping", countToday: 7, countTodayActor: 3,
            countTodayTenant: 2, countTodayRecipient: 4, spentToday: 12.5
        )
        #expect(context.value(.operator) == "sleeping")
        #expect(context.value(.countToday) == 7)
        #expect(context.value(.countTodayActor) == 3)
        #expect(context.value(.countTodayTenant) == 2)
        #expect(context.value(.countTodayRecipient) == 4)
        #expect(context.value(.spentToday) == 12.5)
        let action = ProposedAction(type: "mail", actor: Actor(.job, "nurture"))
        let checks: [(String, String, JSONValue, Bool)] = [
            ("context.operator", "==", "sleeping", true), ("context.count_today", ">=", 7, true), ("context.count_today_actor", "<", 3, false),
            ("context.count_today_tenant", "==", 2.0, true), ("context.count_today_recipient", ">=", 3, true),
            ("context.spent_today", ">", 12, true), ("context.spent_today", "<=", 12.5, true),
        ]
        for (field, op, value, expected) in checks {
            #expect(try comparison(field, op, value).holds(for: action, in: context) == expected, "\(field) \(op) \(value.canonical)")
        }
        // A cases file pins them.
        context.override(.countTodayRecipient, with: 1)
        context.override(.hour, with: 5)
        context.override(.operator, with: "gym")
        #expect(context.countTodayRecipient == 1)
        #expect(context.value(.hour) == 5)
        #expect(context.value(.operator) == "gym")
        #expect(context.operatorContext == "gym")
    }

    // MARK: Indexing

    @Test("rules indexed by types or by a type condition match exactly as an unindexed evaluation would")
    func indexingMatchesBruteForce() {
        var fuzzer = PolicyFuzzer(seed: 0x5EED_1DE7)
        var compared = 0
        var verdicts: [Verdict: Int] = [:]
        for _ in 0..<400 {
            let policy = fuzzer.policy()
            let engine = PolicyEngine(policy: policy)
            let reference = ReferenceDecider(policy: policy)
            for index in 0..<12 {
                let action = fuzzer.action(marker: "m\(index)")
                let context = fuzzer.context(for: policy)
                let decision = engine.decide(action, context: context)
                let expected = reference.decide(action, context: context)
                compared += 1
                verdicts[decision.verdict, default: 0] += 1
                guard decision.verdict == expected.verdict, Set(decision.decidedBy) == expected.deciders,
                      decision.decidedBy.count == expected.deciders.count else {
                    Issue.record("""
                        engine: \(decision.verdict) by \(decision.decidedBy); reference: \(expected.verdict) by \(expected.deciders.sorted())
                        action: \(action)
                        rules: \(policy.rules.map { "\($0.id) types=\($0.types.sorted()) when=\($0.when.map { $0.explain(for: action, in: context) } ?? "-")" })
                        """)
                    return
                }
            }
        }
        // The sample exercises all three verdicts, not just the easy one.
        #expect(compared == 400 * 12)
        #expect(Verdict.allCases.allSatisfy { (verdicts[$0] ?? 0) > compared / 20 }, "\(verdicts)")
    }

    @Test("a rule pinned to a type by its condition is found only for that type, at the top or inside all")
    func typeConditionIndexing() throws {
        let rules = [
            PolicyRule(id: "eq", effect: .forbid, when: try comparison("type", "==", "a"), reason: "r"),
            PolicyRule(id: "in", effect: .forbid, when: try comparison("type", "in", ["b", "c"]), reason: "r"),
            PolicyRule(id: "all", effect: .forbid, when: .all([try comparison("flag", "==", true), try comparison("type", "==", "d")]), reason: "r"),
            PolicyRule(id: "not", effect: .forbid, when: .not(try comparison("type", "==", "a")), reason: "r"),
            PolicyRule(id: "any", effect: .forbid, when: .any([try comparison("type", "==", "a"), try comparison("type", "==", "e")]), reason: "r"),
            PolicyRule(id: "in-mixed", effect: .forbid, when: try comparison("type", "in", ["f", 1]), reason: "r"),
            PolicyRule(id: "typed-and-pinned", effect: .forbid, types: ["g"], when: try comparison("type", "==", "g"), reason: "r"),
        ]
        let policy = Policy(catalog: Dictionary(uniqueKeysWithValues: "abcdefgh".map { (String($0), Tier.autonomous) }), rules: rules)
        let expected: [String: Set<String>] = [
            "a": ["eq", "any"], "b": ["in", "not"], "c": ["in", "not"], "d": ["all", "not"], "e": ["not", "any"], "f": ["not", "in-mixed"],
            "g": ["not", "typed-and-pinned"], "h": ["not"],
        ]
        for (type, ids) in expected {
            let decision = decide(policy, type, ["flag": true])
            #expect(Set(decision.decidedBy) == ids, "type \(type)")
        }
    }

    @Test("the context values a decision reads are those its type's rules and the untyped rules name, nested ones included")
    func contextFieldsRead() throws {
        let rules = [
            PolicyRule(id: "typed", effect: .approve, types: ["a"], when: try comparison("context.count_today", ">=", 3), reason: "r"),
            PolicyRule(
                id: "pinned", effect: .forbid,
                when: .all([
                    try comparison("type", "==", "b"),
                    .not(.any([try comparison("context.count_today_recipient", ">", 1), try comparison("context.hour", "<", 6)])),
                ]),
                reason: "r"
            ),
            PolicyRule(id: "untyped", effect: .approve, when: try comparison("context.spent_today", ">", 10), reason: "r"),
            PolicyRule(id: "no-context", effect: .forbid, types: ["c"], when: try comparison("attributes.x", "==", 1), reason: "r"),
        ]
        let engine = PolicyEngine(policy: Policy(catalog: ["a": .autonomous, "b": .autonomous, "c": .autonomous], rules: rules))
        #expect(engine.contextFields(for: "a") == [.countToday, .spentToday])
        #expect(engine.contextFields(for: "b") == [.countTodayRecipient, .hour, .spentToday])
        #expect(engine.contextFields(for: "c") == [.spentToday])
        #expect(engine.contextFields(for: "unknown") == [.spentToday])
        #expect(PolicyEngine(policy: .default).contextFields(for: "run_command").isEmpty)
    }
}
