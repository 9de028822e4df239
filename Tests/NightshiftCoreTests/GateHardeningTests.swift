import Foundation
import Logging
import NightshiftCore
import NightshiftTesting
import Testing

/// The gate cannot be talked round: an approval is decided again under the policy in force, and
/// daily counts hold under concurrent proposals.
@Suite("Policy gate hardening: approval under the current policy, budgets under concurrency")
struct GateHardeningTests {
    let start = instant("2026-06-02T10:00:00Z")

    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    func gate(_ policy: Policy, store: MemoryStore, clock: TestClock, executor: RecordingExecutor) -> PolicyGate {
        var configuration = PolicyGate.Configuration()
        configuration.runLogDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)").path
        return PolicyGate(policy: policy, store: store, executor: executor, clock: clock, configuration: configuration, logger: Self.logger)
    }

    func deploy() -> ProposedAction {
        ProposedAction(type: "deploy", payload: ["command": .array([.string("./deploy.sh")])], actor: Actor(.cli, "agent"))
    }

    @Test("an action parked under one policy and approved after the catalog made it a hard stop is refused with the rule, never executed")
    func approvalUnderTheCurrentPolicy() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let parked = try await gate(Policy(catalog: ["deploy": .approval]), store: store, clock: clock, executor: executor).propose(deploy())
        #expect(parked.decision.verdict == .approve)
        clock.advance(by: 60)
        let now = gate(Policy(catalog: ["deploy": .hardStop]), store: store, clock: clock, executor: executor)
        let error = await #expect(throws: PolicyGate.InboxError.self) { try await now.approve(parked.record.id, by: "cli:operator", note: nil) }
        #expect(error?.description.contains("the policy now forbids it (catalog.deploy)") == true, "\(String(describing: error))")
        #expect(executor.actions.isEmpty)
        let record = try #require(try await store.action(parked.record.id))
        #expect(record.status == .refused)
        let refusal = try #require(try await store.auditRecords(AuditQuery(kinds: [.refusal], subject: record.id)).first)
        #expect(refusal.data["decided_by"] == .array([.string("catalog.deploy")]))
        #expect(try await store.runs(RunQuery(limit: 10)).isEmpty)
    }

    @Test("a rule that forbids the action now refuses the approval too; one that still asks for approval lets the operator's answer run it")
    func approvalUnderCurrentRules() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let first = try await gate(Policy(catalog: ["deploy": .approval]), store: store, clock: clock, executor: executor).propose(deploy())
        let second = try await gate(Policy(catalog: ["deploy": .approval]), store: store, clock: clock, executor: executor)
            .propose(ProposedAction(type: "deploy", payload: ["command": .array([.string("./deploy.sh"), .string("--canary")])], actor: Actor(.cli, "agent")))
        let frozen = Policy(catalog: ["deploy": .approval], rules: [
            PolicyRule(id: "release-freeze", effect: .forbid, types: ["deploy"], reason: "release freeze until Monday"),
        ])
        await #expect(throws: PolicyGate.InboxError.self) {
            try await gate(frozen, store: store, clock: clock, executor: executor).approve(first.record.id, by: "cli:operator", note: nil)
        }
        #expect(try await store.action(first.record.id)?.status == .refused)
        let approved = try await gate(Policy(catalog: ["deploy": .approval]), store: store, clock: clock, executor: executor)
            .approve(second.record.id, by: "cli:operator", note: nil)
        #expect(approved.result.succeeded)
        #expect(executor.commands == [["./deploy.sh", "--canary"]])
    }

    @Test("20 concurrent proposals against a daily count of 3 execute exactly 3; the rest wait for approval")
    func budgetUnderConcurrency() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let policy = Policy(catalog: ["deploy": .autonomous], budgets: [Budget(id: "three-a-day", types: ["deploy"], count: 3)])
        // Several gates, as several processes would have, over one store.
        let gates = (0..<4).map { _ in gate(policy, store: store, clock: clock, executor: executor) }
        let verdicts = try await withThrowingTaskGroup(of: Verdict.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try await gates[index % gates.count].propose(self.deploy(), runID: nil, context: actionContext()).decision.verdict
                }
            }
            return try await group.reduce(into: [Verdict]()) { $0.append($1) }
        }
        #expect(verdicts.filter { $0 == .allow }.count == 3)
        #expect(verdicts.filter { $0 == .approve }.count == 17)
        #expect(executor.actions.count == 3)
        #expect(try await store.usage(UsageQuery(since: start.addingTimeInterval(-3600), types: ["deploy"])).count == 3)
    }
}
