import Foundation
import Logging
import NightshiftCore
import NightshiftTesting
import Synchronization
import Testing

/// A pack of these tests: a step that counts its runs and proposes an action of its own type.
struct DemoPack: Pack {
    let runs = DemoRuns()
    var name: String { "demo" }
    var catalog: [String: Tier] { ["demo_note": .autonomous] }

    func steps(_ context: PackContext) -> [any PackStep] { [DemoStep(runs: runs)] }
    func handlers(_ context: PackContext) -> [any ActionHandler] { [RecordingHandler("demo_note")] }
}

final class DemoRuns: Sendable {
    let keys = Mutex<[String]>([])
}

struct DemoStep: PackStep {
    let runs: DemoRuns
    var name: String { "demo.count" }
    var summary: String { "count, and note it through the gate" }

    func run(_ context: StepContext) async -> ActionResult {
        runs.keys.withLock { $0.append(context.action.runEnvironment["NIGHTSHIFT_IDEMPOTENCY_KEY"] ?? "") }
        let noted = await context.gate.result(
            of: ProposedAction(type: "demo_note", payload: ["text": "counted"], actor: Actor(.pack, "demo")), runID: context.action.runID,
            context: context.action
        )
        return StepText.result(["counted, note \(noted.succeeded ? "sent" : "not sent")"], ["count": .integer(Int64(runs.keys.withLock(\.count)))])
    }
}

@Suite("Pack steps: run = { step = \"PACK.STEP\" } runs in-process through the gate, checkpointed like any step")
struct PackStepTests {
    let start = instant("2026-06-01T02:00:00Z")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("packsteps-\(UUID().uuidString)").path

    @Test("a cycle's pack step is proposed as run_step, run by the StepHandler, its output kept and its own action executed by the pack's handler")
    func cycleRunsAPackStep() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), pack = DemoPack()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let context = PackContext(
            store: store, configuration: WorkspaceConfiguration(), root: folder, logsDirectory: "\(folder)/logs", reportsDirectory: "\(folder)/reports",
            clock: clock, logger: logger, host: "test"
        )
        let handlers = try ActionHandlers(pack.handlers(context) + [try StepHandler(steps: pack.steps(context))])
        let gate = PolicyGate(
            policy: Policy().adding(defaults: pack.catalog), store: store, executor: nil, handlers: handlers, clock: clock, logger: logger
        )
        let job = Job(name: "nightly", schedule: try Schedule.cron(parsing: "0 2 * * *"), action: .cycle("nightly"))
        let cycle = Cycle(name: "nightly", job: job, steps: [CycleStep(name: "count", action: .step("demo.count"))])
        var configuration = CycleEngine.Configuration()
        configuration.logDirectory = "\(folder)/logs/cycles"
        configuration.reportDirectory = "\(folder)/reports/cycles"
        let engine = CycleEngine(
            cycles: [cycle], store: store, executor: StepScript(), gate: gate, clock: clock, owner: .current(), configuration: configuration, logger: logger
        )
        let outcome = try await engine.start(cycle)
        #expect(outcome.run.state == .succeeded)
        let steps = try await store.steps(of: outcome.run.id)
        #expect(steps.map(\.state) == [.succeeded])
        #expect(steps.first?.output?.contains("\"count\":1") == true, "\(String(describing: steps.first?.output))")
        #expect(pack.runs.keys.withLock { $0.count } == 1)
        let actions = try await store.actions(ActionQuery(limit: 10))
        #expect(Set(actions.map(\.type)) == ["run_step", "demo_note"])
        #expect(actions.allSatisfy { $0.status == .executed }, "\(actions.map { "\($0.type) \($0.status)" })")
        #expect(actions.first { $0.type == "run_step" }?.summary?.contains("step count") == true)
    }

    @Test("a step name must be PACK.STEP; an unknown step fails with the steps the packs provide")
    func names() async throws {
        #expect(PackStepName.isValid("builder.builds") && PackStepName.isValid("sales.nightly-cycle_2"))
        for bad in ["builds", "a.b.c", ".b", "a.", "a b.c", "é.x", ""] { #expect(!PackStepName.isValid(bad), "\(bad)") }
        #expect(JobAction(payload: ["step": "demo.count"]) == .step("demo.count"))
        #expect(JobAction(payload: ["step": "not a step"]) == nil)
        let handler = try StepHandler(steps: [DemoStep(runs: DemoRuns())])
        let record = ActionRecord(
            action: ProposedAction(type: "run_step", payload: ["step": "demo.missing"], actor: Actor(.cli, "operator")),
            decision: Decision(verdict: .allow, tier: .autonomous, decidedBy: [], reason: ""), status: .allowed, runID: nil, createdAt: start
        )
        let result = await handler.execute(record, context: ActionContext(runID: "r", timeout: nil, logPath: "/dev/null", runEnvironment: [:]))
        #expect(!result.succeeded && result.error?.contains("no step demo.missing; the packs provide: demo.count") == true)
        #expect(throws: ActionHandlers.Conflict.self) { try StepHandler(steps: [DemoStep(runs: DemoRuns()), DemoStep(runs: DemoRuns())]) }
    }

    @Test("run = { step = … } reads as a pack step; a malformed name is refused with its position")
    func config() throws {
        let text = """
            [cycles.nightly]
            schedule = "0 2 * * *"

            [[cycles.nightly.steps]]
            name = "count"
            run = { step = "demo.count" }

            [[cycles.nightly.steps]]
            name = "bad"
            run = { step = "count" }
            """
        let (configuration, diagnostics) = ConfigLoader.parse(text, file: "nightshift.toml")
        #expect(configuration == nil)
        #expect(diagnostics.map(\.description).contains { $0.contains("nightshift.toml:10:") && $0.contains("must be PACK.STEP") }, "\(diagnostics)")
        let good = ConfigLoader.parse(String(text.split(separator: "\n", omittingEmptySubsequences: false).prefix(6).joined(separator: "\n")), file: "nightshift.toml")
        #expect(good.0?.cycle(named: "nightly")?.steps.first?.action == .step("demo.count"), "\(good.1)")
    }
}
