import Foundation
import Logging
import NightshiftCore
import NightshiftTesting
import Synchronization
import Testing

/// A handler of its own action type for these tests: keeps every execution (with its idempotency
/// key) and, when asked to, holds each execution until it is released, as a long agent would.
final class RecordingHandler: ActionHandler {
    let types: [String]
    let idempotent: Bool
    private let log = Mutex<[(id: String, key: String?)]>([])
    private let gate = Mutex<Bool>(false)
    let holds: Bool
    /// Whether a held execution stops when its task is cancelled (Ctrl-C); otherwise it goes on
    /// until released, as a process that was SIGKILLed never records anything.
    let stopsWhenCancelled: Bool

    init(_ type: String, idempotent: Bool = false, holds: Bool = false, stopsWhenCancelled: Bool = false) {
        self.types = [type]
        self.idempotent = idempotent
        self.holds = holds
        self.stopsWhenCancelled = stopsWhenCancelled
    }

    func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        log.withLock { $0.append((action.id, context.runEnvironment["NIGHTSHIFT_IDEMPOTENCY_KEY"])) }
        while holds, !gate.withLock({ $0 }) {
            if stopsWhenCancelled, Task.isCancelled { return ActionResult(succeeded: false, error: "stopped", cancelled: true) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return ActionResult(succeeded: true, excerpt: "handled \(action.type)")
    }

    func release() { gate.withLock { $0 = true } }
    var executions: [(id: String, key: String?)] { log.withLock { $0 } }
}

@Suite("Action handlers: the gate executes every action through its type's handler; approving executes once")
struct ActionHandlerTests {
    let start = instant("2026-06-02T10:00:00Z")

    static let policy = Policy(catalog: ["send_report": .approval, "deploy": .autonomous, "note": .autonomous])

    func gate(_ store: MemoryStore, _ handler: RecordingHandler, executor: RecordingExecutor? = nil) throws -> PolicyGate {
        var configuration = PolicyGate.Configuration()
        configuration.runLogDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("handlers-\(UUID().uuidString)").path
        configuration.owner = ProcessIdentity(pid: 1, host: "test", instance: "handlers").description
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return PolicyGate(
            policy: Self.policy, store: store, executor: executor, handlers: try ActionHandlers([handler]), clock: TestClock(now: start),
            configuration: configuration, logger: logger
        )
    }

    func report(_ to: String = "ops@example.com") -> ProposedAction {
        ProposedAction(
            type: "send_report", attributes: ["recipient": .string(to)], payload: ["to": .string(to), "body": "weekly figures"],
            actor: Actor(.pack, "reports"), summary: "weekly report to \(to)"
        )
    }

    func statuses(_ store: MemoryStore, _ id: String) async throws -> ActionStatus? { try await store.action(id)?.status }

    @Test("the registry: built-in command and webhook handlers, a labelled command runs as a command, a type claimed twice is refused")
    func registry() throws {
        let handlers = try ActionHandlers([RecordingHandler("send_report")])
        #expect(handlers.handler(type: "run_command", payload: ["command": ["true"]]) is CommandHandler)
        #expect(handlers.handler(type: "call_webhook", payload: ["webhook": "https://example.com"]) is WebhookHandler)
        #expect(handlers.handler(type: "deploy", payload: ["shell": "./deploy.sh"]) is CommandHandler)
        #expect(handlers.handler(type: "SEND_REPORT", payload: [:]) is RecordingHandler, "types compare in the policy's spelling")
        #expect(handlers.handler(type: "send_email", payload: ["to": "x"]) == nil)
        #expect(throws: ActionHandlers.Conflict.self) { try ActionHandlers([RecordingHandler("send_report"), RecordingHandler("send_report")]) }
        #expect(throws: ActionHandlers.Conflict.self) { try ActionHandlers([RecordingHandler("run_command")]) }
    }

    @Test("an allowed action of a pack's type executes through its handler; a type nothing executes is recorded and said so")
    func allowedExecutesThroughHandler() async throws {
        let store = MemoryStore(), handler = RecordingHandler("deploy")
        let gate = try gate(store, handler)
        let outcome = try await gate.propose(ProposedAction(type: "deploy", payload: ["service": "api"], actor: Actor(.cli, "operator")))
        #expect(outcome.executed && outcome.result.succeeded)
        #expect(handler.executions.map(\.id) == [outcome.record.id])
        #expect(try await statuses(store, outcome.record.id) == .executed)
        let note = try await gate.propose(ProposedAction(type: "note", payload: ["text": "hello"], actor: Actor(.cli, "operator")))
        #expect(!note.executed && note.result.succeeded)
        #expect(note.result.excerpt.contains("nothing executes note"))
        #expect(try await statuses(store, note.record.id) == .allowed)
    }

    @Test("approving executes the parked action once through its handler: approved → executing → executed; approving again is refused")
    func approveExecutesOnce() async throws {
        let store = MemoryStore(), handler = RecordingHandler("send_report")
        let gate = try gate(store, handler)
        let parked = try await gate.propose(report())
        #expect(parked.decision.verdict == .approve && handler.executions.isEmpty)
        #expect(parked.record.summary == "weekly report to ops@example.com")
        let approved = try await gate.approve(parked.record.id, by: "operator", note: nil)
        #expect(approved.executed && approved.result.succeeded)
        #expect(handler.executions.map(\.id) == [parked.record.id])
        #expect(handler.executions.first?.key == parked.record.id, "the idempotency key is the action's id")
        let record = try #require(try await store.action(parked.record.id))
        #expect(record.status == .executed && record.executionRunID != nil)
        let run = try #require(try await store.run(record.executionRunID!))
        #expect(run.trigger == .approval && run.state == .succeeded)
        let outcomes = try await store.auditRecords(AuditQuery(subject: parked.record.id)).compactMap { $0.data["outcome"]?.stringValue }
        #expect(outcomes == ["started", "succeeded"])
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(parked.record.id, by: "operator", note: nil) }
        #expect(handler.executions.count == 1)
        #expect(ActionTrail(records: try await store.auditRecords(AuditQuery(subject: parked.record.id))).status == .executed)
        // An identical proposal is parked again: an approval of an executed type is no grant.
        let again = try await gate.propose(report())
        #expect(again.decision.verdict == .approve && handler.executions.count == 1)
    }

    @Test("killed while executing: interrupted; a handler that is not idempotent waits for the operator, who approves it again")
    func interruptedWaitsForTheOperator() async throws {
        let store = MemoryStore(), handler = RecordingHandler("send_report", holds: true)
        let gate = try gate(store, handler)
        let parked = try await gate.propose(report())
        let approving = Task { try await gate.approve(parked.record.id, by: "operator", note: nil) }
        let record = try await waitFor(store, parked.record.id, .executing)
        // The process running it dies (it records nothing more): the next one reaps its run and
        // reports the interruption.
        let successor = try self.gate(store, RecordingHandler("send_report"))
        let rerun = try await successor.executionInterrupted(record.id, runID: record.executionRunID ?? "")
        #expect(rerun == nil, "not idempotent: nothing runs again by itself")
        #expect(try await statuses(store, record.id) == .interrupted)
        let again = try await successor.approve(record.id, by: "operator", note: "send it after all")
        #expect(again.executed && again.result.succeeded)
        #expect(try await statuses(store, record.id) == .executed)
        handler.release()
        _ = try? await approving.value
        #expect(try await statuses(store, record.id) == .executed, "the dead process's late result changes nothing")
        #expect(ActionTrail(records: try await store.auditRecords(AuditQuery(subject: record.id))).mismatch(with: try #require(try await store.action(record.id)), approvalExpiry: .seconds(86_400)) == nil)
    }

    @Test("killed while executing: an idempotent handler's action is executed again at once, with the same idempotency key")
    func interruptedIdempotentRunsAgain() async throws {
        let store = MemoryStore(), holding = RecordingHandler("send_report", idempotent: true, holds: true)
        let gate = try gate(store, holding)
        let parked = try await gate.propose(report())
        let approving = Task { try await gate.approve(parked.record.id, by: "operator", note: nil) }
        let record = try await waitFor(store, parked.record.id, .executing)
        let successorHandler = RecordingHandler("send_report", idempotent: true)
        let rerun = try await self.gate(store, successorHandler).executionInterrupted(record.id, runID: record.executionRunID ?? "")
        #expect(rerun?.executed == true && rerun?.result.succeeded == true)
        #expect(successorHandler.executions.map(\.key) == [record.id])
        #expect(holding.executions.map(\.key) == [record.id])
        #expect(try await statuses(store, record.id) == .executed)
        holding.release()
        _ = try? await approving.value
    }

    @Test("an approval stopped with Ctrl-C while it executes is recorded interrupted and is not run again by itself")
    func cancelledApprovalIsInterrupted() async throws {
        let store = MemoryStore(), handler = RecordingHandler("send_report", idempotent: true, holds: true, stopsWhenCancelled: true)
        let gate = try gate(store, handler)
        let parked = try await gate.propose(report())
        let approving = Task { try await gate.approve(parked.record.id, by: "operator", note: nil) }
        _ = try await waitFor(store, parked.record.id, .executing)
        approving.cancel()
        let outcome = try await approving.value
        #expect(outcome.result.cancelled)
        #expect(try await statuses(store, parked.record.id) == .interrupted)
        #expect(handler.executions.count == 1)
    }

    @Test("a parked action of a pack's type whose payload changed is refused and never executed")
    func changedPayloadNeverExecutes() async throws {
        let store = MemoryStore(), handler = RecordingHandler("send_report")
        let gate = try gate(store, handler)
        let parked = try await gate.propose(report())
        try await store.tamperWithAction(parked.record.id) { $0.payload = ["to": "attacker@example.com", "body": "weekly figures"] }
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(parked.record.id, by: "operator", note: nil) }
        #expect(handler.executions.isEmpty)
        #expect(try await statuses(store, parked.record.id) == .refused)
    }

    func waitFor(_ store: MemoryStore, _ id: String, _ status: ActionStatus) async throws -> ActionRecord {
        for _ in 0..<2000 {
            if let record = try await store.action(id), record.status == status { return record }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("\(id) never became \(status)")
        throw CancellationError()
    }
}
