public import Foundation
public import Logging
public import NightshiftCore
import ServiceLifecycle

/// A loaded workspace: its configuration, its store, and the parts that act on them.
/// The one composition root shared by the CLI and the tests.
public struct NightshiftApplication: Sendable {
    public let workspace: Workspace
    public let configuration: WorkspaceConfiguration
    public let store: any Store
    public let environment: [String: String]
    public let logger: Logger

    /// The jobs as declared.
    public var jobs: [Job] { configuration.jobs }

    /// The executor for this workspace's actions.
    public func makeExecutor() -> WorkspaceExecutor {
        WorkspaceExecutor(workspace: workspace, settings: configuration.settings, environment: environment, logger: logger)
    }

    /// The notifiers declared in `[notifiers]`.
    public func makeNotifiers(executor: WorkspaceExecutor) -> [any Notifier] {
        configuration.notifiers.map { declaration -> any Notifier in
            switch declaration.kind {
            case .command(let command):
                CommandNotifier(name: declaration.name, command: command, executor: executor, logDirectory: workspace.logsDirectory)
            case .webhook(let webhook):
                WebhookNotifier(name: declaration.name, webhook: webhook, executor: executor)
            }
        }
    }

    /// A runner owned by `owner` with this workspace's settings.
    public func makeRunner(owner: ProcessIdentity, clock: any WallClock = SystemWallClock(), wakeup: Wakeup = Wakeup()) -> Runner {
        var runnerConfiguration = Runner.Configuration()
        runnerConfiguration.maxConcurrent = configuration.settings.maxConcurrent
        runnerConfiguration.shutdownGrace = configuration.settings.shutdownGrace.inSeconds
        runnerConfiguration.runLogDirectory = workspace.runLogsDirectory
        runnerConfiguration.workspacePath = workspace.root
        let executor = makeExecutor()
        return Runner(
            jobs: jobs, store: store, executor: executor, cycles: makeCycleEngine(owner: owner, clock: clock, executor: executor), notifiers: makeNotifiers(executor: executor),
            journal: journal, clock: clock, owner: owner, wakeup: wakeup, configuration: runnerConfiguration, logger: logger
        )
    }

    /// The cycles declared in `[cycles]`.
    public var cycles: [Cycle] { configuration.cycles }

    /// A cycle engine owned by `owner`, writing to this workspace's logs and reports.
    public func makeCycleEngine(owner: ProcessIdentity, clock: any WallClock = SystemWallClock(), executor: WorkspaceExecutor? = nil) -> CycleEngine {
        var engineConfiguration = CycleEngine.Configuration()
        engineConfiguration.logDirectory = workspace.cycleLogsDirectory
        engineConfiguration.reportDirectory = workspace.cycleReportsDirectory
        engineConfiguration.workspacePath = workspace.root
        return CycleEngine(
            cycles: cycles, store: store, executor: executor ?? makeExecutor(), journal: journal, clock: clock, owner: owner,
            configuration: engineConfiguration, logger: logger
        )
    }

    /// The operator's daily log.
    public var journal: Journal {
        Journal(directory: workspace.journalDirectory, timeZone: configuration.settings.timeZone)
    }

    /// Whether a daemon serves the workspace now, and which.
    public func servingDaemon(now: Date = Date()) async throws -> DaemonInstance? {
        guard let instance = try await store.daemonInstance() else { return nil }
        return DaemonLease.isServing(instance, now: now) ? instance : nil
    }
}

/// Loads the workspace at `workspace`: reads and validates `nightshift.toml`, opens and migrates
/// the store, and registers the declared jobs in it.
///
/// - Throws: ``AppError`` (usage, exit 2) listing every configuration problem as `FILE:LINE:COL: message`.
public func buildApplication(
    workspace: Workspace,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    logger: Logger
) async throws -> NightshiftApplication {
    guard workspace.exists else {
        throw AppError.usage("no workspace at \(workspace.root) (no nightshift.toml); create one with: nightshift init --workspace \(workspace.root)")
    }
    let configuration: WorkspaceConfiguration
    do {
        configuration = try ConfigLoader.load(path: workspace.configPath, displayName: workspace.configPath, environment: environment)
    } catch {
        throw AppError.usage(error.description)
    }
    let store = try StoreFactory.open(workspace)
    do {
        try await store.migrate()
        try await store.syncJobs(configuration.jobs.map(\.name), at: Date())
    } catch {
        throw AppError.failure("cannot prepare the store \(workspace.storePath): \(error)")
    }
    return NightshiftApplication(workspace: workspace, configuration: configuration, store: store, environment: environment, logger: logger)
}
