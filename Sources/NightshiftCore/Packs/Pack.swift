public import Foundation
public import Logging
public import ServiceLifecycle

/// A bundle of Nightshift for one domain (the builder's coding agents, health, learning, sales),
/// plugged into a workspace through this one seam. The core knows no pack; the composition root
/// (`buildApplication`) holds the list, and adding a pack is one line there. See docs/PACKS.md.
///
/// Every member has a default, so a pack declares only what it brings.
public protocol Pack: Sendable {
    /// The pack's name: the prefix of its steps (`builder.builds`) and its actor (`pack:builder`).
    var name: String { get }
    /// The tables of `nightshift.toml` it reads (`[builder]`), with `FILE:LINE:COL` errors.
    var configSections: [any ConfigSection.Type] { get }
    /// Adds its default jobs and cycles to a loaded configuration (leaving names the operator took).
    func install(into configuration: inout WorkspaceConfiguration) throws
    /// Its named cycle steps, run in-process by the cycle engine (`run = { step = "builder.builds" }`),
    /// checkpointed like any step.
    func steps(_ context: PackContext) -> [any PackStep]
    /// The handlers of the action types it proposes; the gate executes them and nothing else does.
    func handlers(_ context: PackContext) -> [any ActionHandler]
    /// The tiers of its action types unless the operator's catalog says otherwise.
    var catalog: [String: Tier] { get }
    /// Its sections of the brief.
    func briefContributors(_ context: PackContext) -> [any BriefContributor]
    /// Its long-running parts, added to the daemon's service group (after the runner).
    func services(_ context: PackContext) -> [(name: String, service: any Service)]
    /// Its own tables: migrations the SQLite store applies after the core's, in order, once each.
    var sqliteMigrations: [PackMigration] { get }
    /// The same tables for the PostgreSQL store: applied after the core's, in order, once each,
    /// under the migration lock (so nodes starting together apply them once). A pack with tables
    /// ships both, with the same names.
    var postgresMigrations: [PackMigration] { get }
    /// Its tables, in the order `nightshift store migrate` copies them (a table before the tables
    /// that refer to it), after the core's.
    var storeTables: [String] { get }
}

extension Pack {
    public var configSections: [any ConfigSection.Type] { [] }
    public func install(into configuration: inout WorkspaceConfiguration) throws {}
    public func steps(_ context: PackContext) -> [any PackStep] { [] }
    public func handlers(_ context: PackContext) -> [any ActionHandler] { [] }
    public var catalog: [String: Tier] { [:] }
    public func briefContributors(_ context: PackContext) -> [any BriefContributor] { [] }
    public func services(_ context: PackContext) -> [(name: String, service: any Service)] { [] }
    public var sqliteMigrations: [PackMigration] { [] }
    public var postgresMigrations: [PackMigration] { [] }
    public var storeTables: [String] { [] }
}

/// What a pack is given when the workspace is composed: the store, the configuration as loaded
/// (with every pack installed), the workspace's folders, the clock and a logger. Never an
/// executor: a pack reaches processes and the network only through the handlers the gate calls.
public struct PackContext: Sendable {
    public var store: any Store
    public var configuration: WorkspaceConfiguration
    /// The workspace folder.
    public var root: String
    /// `logs/`, `reports/`.
    public var logsDirectory: String
    public var reportsDirectory: String
    public var clock: any WallClock
    public var logger: Logger
    /// The operator's daily log (`journal/YYYY-MM-DD.md`), with the workspace's secrets redacted.
    public var journal: Journal?
    /// The application composing the packs. A pack that needs more of the workspace than this
    /// context holds (the operator's context, the machine's resources) declares a protocol of
    /// its own for it, which the application conforms to, and casts `host` to it.
    public var host: any Sendable

    public init(
        store: any Store, configuration: WorkspaceConfiguration, root: String, logsDirectory: String, reportsDirectory: String,
        clock: any WallClock, logger: Logger, journal: Journal? = nil, host: any Sendable
    ) {
        self.host = host
        self.journal = journal
        self.store = store
        self.configuration = configuration
        self.root = root
        self.logsDirectory = logsDirectory
        self.reportsDirectory = reportsDirectory
        self.clock = clock
        self.logger = logger
    }
}

/// One migration of a pack's own tables.
public struct PackMigration: Sendable, Hashable {
    /// Unique across packs: `PACK.NAME` (`sales.prospects`).
    public var name: String
    /// SQL run once, inside the migration's transaction.
    public var sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// A named step of a pack that a cycle runs in-process: `run = { step = "builder.builds" }`.
/// The cycle engine proposes it as a `run_step` action (so the policy decides and the audit
/// records it) and the gate runs it through the ``StepHandler``; the engine checkpoints it like any
/// step, and a step cut off by a crash runs again with the same `NIGHTSHIFT_IDEMPOTENCY_KEY`.
public protocol PackStep: Sendable {
    /// `PACK.STEP`, e.g. `builder.builds`.
    var name: String { get }
    /// What it does, in one line, for `steps` listings and errors.
    var summary: String { get }
    /// Runs the step. Its side effects go through `context.gate`. Never throws: a failure is the
    /// result's. The output may carry a `NIGHTSHIFT_OUTPUT {json}` line, kept as the step's output.
    func run(_ context: StepContext) async -> ActionResult
}

/// What a running step has: the execution's context (run id, environment, log, timeout), the gate
/// to propose its side effects through, and the clock.
public struct StepContext: Sendable {
    public var action: ActionContext
    public var gate: PolicyGate
    public var clock: any WallClock
    /// The record of the `run_step` action the step runs as.
    public var record: ActionRecord

    /// `now` on the step's clock.
    public var now: Date { clock.now() }
}

/// `run_step`: runs the named step of a pack in this process (see ``PackStep``).
public struct StepHandler: ActionHandler {
    public static let type = "run_step"
    public var types: [String] { [Self.type] }
    let steps: [String: any PackStep]

    /// - Throws: ``ActionHandlers/Conflict`` when two steps have one name.
    public init(steps: [any PackStep]) throws {
        var byName: [String: any PackStep] = [:]
        for step in steps {
            if byName[step.name] != nil { throw ActionHandlers.Conflict(type: "step \(step.name)", first: "a pack", second: "another pack") }
            byName[step.name] = step
        }
        self.steps = byName
    }

    /// The steps' names, sorted.
    public var names: [String] { steps.keys.sorted() }

    /// The step called `name`.
    public func step(_ name: String) -> (any PackStep)? { steps[name] }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard case .step(let name)? = JobAction(payload: action.payload) else { return .failure("\(action.id) names no step in its payload") }
        guard let step = steps[name] else {
            return .failure("no step \(name); the packs provide: \(names.joined(separator: ", "))")
        }
        guard let gate = context.gate else { return .failure("step \(name) can only run through the policy gate") }
        let result = await step.run(StepContext(action: context, gate: gate, clock: gate.clock, record: action))
        // The output goes to the step's log, as a command's would.
        if !result.output.isEmpty { try? AppendOnlyFile.append(result.output.hasSuffix("\n") ? result.output : result.output + "\n", to: context.logPath) }
        return result
    }
}

/// The form of a step's name: `PACK.STEP`, letters, digits, `-` and `_` on both sides of one dot.
public enum PackStepName {
    public static func isValid(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 64 && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }
}
