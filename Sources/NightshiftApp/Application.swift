public import Foundation
public import Logging
public import NightshiftCore
import NightshiftBuilder
import NightshiftSales
import ServiceLifecycle
import Synchronization

/// A loaded workspace: its configuration, its store, and the parts that act on them.
/// The one composition root shared by the CLI and the tests.
public struct NightshiftApplication: Sendable {
    public let workspace: Workspace
    public let configuration: WorkspaceConfiguration
    public let store: any Store
    public let environment: [String: String]
    /// What the configuration resolves from ``environment`` and does not mark public: redacted from
    /// every output, record, report, log and alert (docs/CONFIGURATION.md, "Secrets").
    public let secrets: SecretValues
    /// Redacts ``secrets`` from everything it logs.
    public let logger: Logger
    /// The clock everything of this application runs on: the system's, or a test's simulated one.
    public let clock: any WallClock
    /// This process: the owner of the runs it claims, the cycle runs it leases and the actions it executes.
    public let identity: ProcessIdentity
    /// The calendars as last read, reused for a minute by ``contextReading(at:)``.
    let calendarCache = CalendarCache()
    /// The executor, the gate and the cycle engine, built once and shared by every copy.
    private var parts: ApplicationParts.Reference

    /// The secrets come from `configuration` and `environment`; `logger` is wrapped to redact them.
    init(
        workspace: Workspace, configuration: WorkspaceConfiguration, store: any Store, environment: [String: String], logger: Logger,
        clock: any WallClock = SystemWallClock(), identity: ProcessIdentity = .current()
    ) {
        self.workspace = workspace
        self.configuration = configuration
        self.store = store
        self.environment = environment
        self.secrets = configuration.secrets(in: environment)
        self.logger = logger.redacting(secrets)
        self.clock = clock
        self.identity = identity
        self.parts = .owned(ApplicationParts())
    }

    /// This application without a hold on its parts: what the parts themselves capture (the
    /// packs' host, the gate's context reader), so that the parts do not keep themselves alive.
    var unretained: NightshiftApplication {
        var copy = self
        if case .owned(let parts) = parts { copy.parts = .borrowed(WeakApplicationParts(parts)) }
        return copy
    }

    /// The one executor of this process: every command, webhook and agent the gate's handlers run.
    public var executor: WorkspaceExecutor { built.executor }

    /// The one policy gate of this process, on ``clock``: its policy, its handlers (the packs'
    /// among them), the notifiers that announce approvals, the secrets to redact. Every proposal
    /// of this process goes through it.
    public var gate: PolicyGate { built.gate }

    /// The one cycle engine of this process, deciding through ``gate``.
    public var cycleEngine: CycleEngine { built.cycleEngine }

    private var built: ApplicationParts.Built {
        let build = { [unretained] in unretained.buildParts() }
        switch parts {
        case .owned(let parts): return parts.get(build)
        case .borrowed(let weak): return weak.parts?.get(build) ?? build()
        }
    }

    /// The packs every workspace is composed with, in order (docs/PACKS.md). Adding a pack is one
    /// line here.
    public static let packs: [any Pack] = [
        HealthPack(),
        BuilderPack(),
        LearningPack(),
        BriefPack(),
        SalesPack(),
    ]

    /// The tables of `nightshift.toml` read outside the core's loader: the packs' (`[builder]`),
    /// `[audit]` and `[store]`.
    public static var packSections: [any ConfigSection.Type] { packs.flatMap(\.configSections) + [AuditSettings.self, StoreSettings.self] }

    /// `configuration` with every pack's default jobs and cycles installed and their action types'
    /// default tiers added under the operator's catalog.
    public static func installPacks(into configuration: inout WorkspaceConfiguration) throws {
        for pack in packs { try pack.install(into: &configuration) }
        let defaults = packs.reduce(into: [String: Tier]()) { tiers, pack in tiers.merge(pack.catalog) { first, _ in first } }
        configuration.policy = configuration.policy.adding(defaults: defaults)
    }

    /// What the packs are given, on ``clock``.
    public func packContext() -> PackContext {
        PackContext(
            store: store, configuration: configuration, root: workspace.root, logsDirectory: workspace.logsDirectory,
            reportsDirectory: workspace.reportsDirectory, clock: clock, logger: logger, journal: journal, host: unretained
        )
    }

    /// Every pack's named steps.
    public func packSteps() -> [any PackStep] {
        let context = packContext()
        return Self.packs.flatMap { $0.steps(context) }
    }

    /// This process's executable, for the commands of pack-shipped cycles.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The `nightshift` executable whose `supervise` command runs each command so that it outlives
    /// this process: this process's own when it is `nightshift`, else a `nightshift` beside it (the
    /// test bundles of a build). Nil when there is none: commands then run as direct children, and
    /// a crash of this process loses what they were doing.
    public static var supervisorExecutable: String? {
        let own = currentExecutable
        if (own as NSString).lastPathComponent == "nightshift" { return own }
        var folder = (own as NSString).deletingLastPathComponent
        // A test bundle's executable sits inside `NAME.xctest/…` on some platforms.
        while folder.hasSuffix(".xctest") || folder.contains(".xctest/") { folder = (folder as NSString).deletingLastPathComponent }
        let sibling = "\(folder)/nightshift"
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : nil
    }

    /// The jobs as declared.
    public var jobs: [Job] { configuration.jobs }

    /// A new executor for this workspace's actions; only ``buildParts()`` makes one, and everything
    /// else uses ``executor`` or runs through ``gate``.
    func makeExecutor() -> WorkspaceExecutor {
        WorkspaceExecutor(
            workspace: workspace, settings: configuration.settings, environment: environment, secrets: secrets,
            supervisor: Self.supervisorExecutable, logger: logger
        )
    }

    /// The notifiers declared in `[notifiers]`, sending through ``executor``.
    public func makeNotifiers() -> [any Notifier] { notifiers(through: executor) }

    private func notifiers(through executor: WorkspaceExecutor) -> [any Notifier] {
        configuration.notifiers.map { declaration -> any Notifier in
            switch declaration.kind {
            case .command(let command):
                CommandNotifier(name: declaration.name, command: command, executor: executor, logDirectory: workspace.logsDirectory)
            case .webhook(let webhook):
                WebhookNotifier(name: declaration.name, webhook: webhook, executor: executor)
            }
        }
    }

    /// A runner owned by this process with this workspace's settings, running jobs through
    /// ``gate`` and cycles through ``cycleEngine``.
    public func makeRunner(wakeup: Wakeup = Wakeup()) -> Runner {
        var runnerConfiguration = Runner.Configuration()
        runnerConfiguration.maxConcurrent = configuration.settings.maxConcurrent
        runnerConfiguration.shutdownGrace = configuration.settings.shutdownGrace.inSeconds
        runnerConfiguration.runLogDirectory = workspace.runLogsDirectory
        runnerConfiguration.workspacePath = workspace.root
        let built = built
        return Runner(
            jobs: jobs, store: store, executor: built.executor, gate: built.gate, cycles: built.cycleEngine,
            notifiers: makeNotifiers(), journal: journal, clock: clock, owner: identity, wakeup: wakeup,
            configuration: runnerConfiguration, logger: logger
        )
    }

    /// Builds the parts once: one executor, the gate with every handler, the cycle engine on it.
    private func buildParts() -> ApplicationParts.Built {
        let executor = makeExecutor()
        var gateConfiguration = PolicyGate.Configuration()
        gateConfiguration.timeZone = configuration.settings.timeZone
        gateConfiguration.secrets = executor.secrets.values
        gateConfiguration.runLogDirectory = workspace.runLogsDirectory
        gateConfiguration.owner = identity.description
        gateConfiguration.executable = Self.currentExecutable
        let clock = clock
        let gate = PolicyGate(
            policy: configuration.policy, store: store, executor: executor, handlers: actionHandlers(),
            notifiers: notifiers(through: executor), clock: clock, configuration: gateConfiguration,
            operatorContext: { [unretained] in await unretained.contextReading(at: clock.now()).context.rawValue },
            logger: logger
        )
        var engineConfiguration = CycleEngine.Configuration()
        engineConfiguration.logDirectory = workspace.cycleLogsDirectory
        engineConfiguration.reportDirectory = workspace.cycleReportsDirectory
        engineConfiguration.workspacePath = workspace.root
        let engine = CycleEngine(
            cycles: cycles, store: store, executor: executor, gate: gate, journal: journal, clock: clock, owner: identity,
            configuration: engineConfiguration, logger: logger
        )
        return ApplicationParts.Built(executor: executor, gate: gate, cycleEngine: engine)
    }

    /// Who executes each action type beyond `run_command` and `call_webhook`: anchor publication,
    /// every pack's handlers, and `run_step` for every pack's steps.
    func actionHandlers() -> ActionHandlers {
        let context = packContext()
        var handlers: [any ActionHandler] = [
            AnchorPublishHandler(command: auditSettings.publish, logPath: "\(workspace.logsDirectory)/anchor-publish.log"),
        ]
        handlers += Self.packs.flatMap { $0.handlers(context) }
        // The types and step names are fixed in code: a conflict is a composition mistake, caught by the tests.
        do {
            handlers.append(try StepHandler(steps: packSteps()))
            return try ActionHandlers(handlers)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// The cycles declared in `[cycles]`.
    public var cycles: [Cycle] { configuration.cycles }

    /// The operator's daily log.
    public var journal: Journal {
        Journal(directory: workspace.journalDirectory, timeZone: configuration.settings.timeZone, secrets: secrets)
    }

    /// Whether a daemon serves the workspace now, and which.
    /// On a store several machines share: a node alive on this host if there is one, else any alive node.
    public func servingDaemon(now: Date = Date()) async throws -> DaemonInstance? {
        if let nodes = try await StatusView.nodes(of: store, at: now) {
            let alive = nodes.filter(\.alive)
            let node = alive.first { $0.host == ProcessInfo.processInfo.hostName } ?? alive.first
            return node.map { DaemonInstance(id: $0.node, pid: $0.pid ?? 0, host: $0.host ?? "?", startedAt: $0.since, heartbeatAt: $0.lastHeartbeat) }
        }
        guard let instance = try await store.daemonInstance() else { return nil }
        return DaemonLease.isServing(instance, now: now) ? instance : nil
    }
}

/// The parts of an application built once, on first use: see ``NightshiftApplication/gate``.
final class ApplicationParts: Sendable {
    struct Built: Sendable {
        let executor: WorkspaceExecutor
        let gate: PolicyGate
        let cycleEngine: CycleEngine
    }

    /// An application holds its parts; the parts' own captures of the application only borrow them.
    enum Reference: Sendable {
        case owned(ApplicationParts)
        case borrowed(WeakApplicationParts)
    }

    private let built = Mutex<Built?>(nil)

    func get(_ build: () -> Built) -> Built {
        built.withLock { built in
            if let built { return built }
            let made = build()
            built = made
            return made
        }
    }
}

final class WeakApplicationParts: Sendable {
    weak let parts: ApplicationParts?
    init(_ parts: ApplicationParts) { self.parts = parts }
}

extension NightshiftApplication: CustomStringConvertible, CustomReflectable {
    /// Names the workspace only: the application holds the daemon's environment, which no log line
    /// or `dump` may show.
    public var description: String { "NightshiftApplication(\(workspace.root))" }
    public var customMirror: Mirror { Mirror(self, children: ["workspace": workspace.root]) }
}

/// Loads the workspace at `workspace`: reads and validates `nightshift.toml`, opens and migrates
/// the store (only if it is the workspace's own, see ``StoreIdentityCheck``), and registers the
/// declared jobs in it.
///
/// - Throws: ``AppError`` (usage, exit 2) listing every configuration problem as `FILE:LINE:COL: message`;
///   ``AppError/storeRefused(_:)`` when the store is missing, empty or another one.
///
/// - Parameter newStore: accept the store that is there, or a new one, as the workspace's (`--new-store`).
/// - Parameter clock: the clock of the application and of everything it builds (a test's simulated one in tests).
public func buildApplication(
    workspace: Workspace,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    newStore: Bool = false,
    clock: any WallClock = SystemWallClock(),
    logger: Logger
) async throws -> NightshiftApplication {
    guard workspace.exists else {
        throw AppError.usage("no workspace at \(workspace.root) (no nightshift.toml); create one with: nightshift init --workspace \(workspace.root)")
    }
    var configuration: WorkspaceConfiguration
    do {
        configuration = try ConfigLoader.load(
            path: workspace.configPath, displayName: workspace.configPath, environment: environment, sections: NightshiftApplication.packSections
        )
        try NightshiftApplication.installPacks(into: &configuration)
    } catch let error as ConfigError {
        throw AppError.usage(error.description)
    }
    // Before the store is opened: a refused configuration changes nothing.
    try NightshiftApplication(workspace: workspace, configuration: configuration, store: MemoryStore(), environment: environment, logger: logger)
        .checkSteps()
    let settings = configuration.section(StoreSettings.self) ?? StoreSettings()
    let (store, storeChange) = try await StoreIdentityCheck.open(
        workspace, settings: settings, environment: environment, logger: logger, newStore: newStore
    )
    do {
        if let storeChange { _ = try await store.appendAudit(storeChange.auditEntry(at: Date())) }
        try await store.syncJobs(configuration.jobs.map(\.name), at: Date())
        try await recordChanges(of: workspace, configuration: configuration, in: store)
    } catch let error as StoreError where error.fault?.isAuditTrail == true {
        // The trail's head cannot be read, so no record can be appended: every audited write fails
        // the same way (nothing runs unrecorded), and `audit verify` must still load to report it.
        logger.info("config change not recorded", metadata: ["nightshift.error": "\(error)"])
    } catch {
        throw AppError.failure("cannot prepare the store \(workspace.storePath): \(error)")
    }
    // On a store several nodes share, slots and leases go by the database's clock.
    let clock: any WallClock = store.isSharedByNodes && clock is SystemWallClock ? await StoreAlignedClock.aligned(base: clock, with: store) : clock
    let app = NightshiftApplication(
        workspace: workspace, configuration: configuration, store: store, environment: environment, logger: logger, clock: clock
    )
    if storeChange?.requested == true {
        // The anchor log goes on with the new store: its newest line names the store in use.
        do { _ = try await app.writeAnchor(reason: "new_store", onlyIfMoved: false) } catch {
            app.logger.info("the new store is not anchored yet; run nightshift audit anchor", metadata: ["nightshift.error": "\(error)"])
        }
    }
    return app
}

extension NightshiftApplication {
    /// Every `step = "…"` a job or cycle step runs names a step a pack provides.
    func checkSteps() throws {
        let known = Set(packSteps().map(\.name))
        var problems: [String] = []
        for job in jobs { if case .step(let name) = job.action, !known.contains(name) { problems.append("job \(job.name): no step \(name)") } }
        for cycle in cycles {
            for step in cycle.steps {
                if case .step(let name)? = step.action, !known.contains(name) { problems.append("cycle \(cycle.name), step \(step.name): no step \(name)") }
            }
        }
        guard problems.isEmpty else {
            throw AppError.usage("\(workspace.configPath): \(problems.joined(separator: "; ")); the packs provide: \(known.sorted().joined(separator: ", "))")
        }
    }
}

/// Appends a `config_change` (and `policy_change`) audit record when `nightshift.toml` (or the
/// policy file) hashes differently from the last one recorded: every change is in the trail before
/// anything runs under it.
func recordChanges(of workspace: Workspace, configuration: WorkspaceConfiguration, in store: any Store) async throws {
    var files: [(kind: AuditKind, name: String, path: String)] = [(.configChange, "nightshift.toml", workspace.configPath)]
    if let policyFile = configuration.policyFile {
        files.append((.policyChange, policyFile, workspace.resolvePath(policyFile)))
    }
    for file in files {
        guard let data = FileManager.default.contents(atPath: file.path) else { continue }
        let hash = SHA256Hex.of(data)
        let last: AuditRecord?
        do {
            last = try await store.auditRecords(AuditQuery(kinds: [file.kind], subject: file.name, limit: 1)).first
        } catch let error as StoreError where error.fault != nil {
            // The last record of the file cannot be read: record the file again rather than trust it.
            last = nil
        }
        guard last?.data["sha256"]?.stringValue != hash else { continue }
        try await store.appendAudit(AuditEntry(
            kind: file.kind, at: Date(), actor: "nightshift", subject: file.name,
            data: .object(["sha256": .string(hash), "previous_sha256": last?.data["sha256"] ?? .null, "bytes": .integer(Int64(data.count))])
        ))
    }
}
