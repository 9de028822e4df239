public import Foundation
import Logging
public import NightshiftCore
import NightshiftSQLite
import ServiceLifecycle
import UnixSignals

extension NightshiftApplication {
    /// Runs the daemon until SIGINT or SIGTERM: claims the workspace, recovers what a previous
    /// daemon left running, then schedules and runs jobs, anchors the audit trail and watches the
    /// store's files. Returns after a graceful shutdown; throws when the store's files were
    /// removed or replaced under it (after alerting the notifiers) or another process took over.
    ///
    /// - Parameter onReady: called once the workspace is claimed and recovery is done.
    public func serve(onReady: @Sendable (DaemonInstance) -> Void = { _ in }) async throws {
        // `jobs run` sends SIGUSR1 to wake the runner; ignore it before anyone can know our pid,
        // so that an early signal cannot terminate the daemon.
        signal(SIGUSR1, SIG_IGN)
        // From here on a row that cannot be read is moved aside instead of failing every pass.
        quarantineUnreadableRows()
        // One daemon serves a store of one machine; on a store several machines share, every node
        // serves and holds a node lease instead.
        let instance: DaemonInstance
        var nodeLease: Lease?
        if store.isSharedByNodes {
            (instance, nodeLease) = try await DaemonLease(store: store).join(identity, now: clock.now())
        } else {
            instance = try await DaemonLease(store: store).acquire(identity, workspace: workspace, now: clock.now())
        }
        // On a full disk the daemon stays up: its writes wait and retry, and the operator hears once.
        let stalls = WriteStallService(app: self, clock: clock)
        stalls.start()
        logger.info("serving workspace", metadata: ["nightshift.workspace": "\(workspace.root)", "nightshift.pid": "\(identity.pid)"])
        try? journal.note("daemon started (pid \(identity.pid), \(jobs.count) jobs)", at: clock.now())

        let runnerWakeup = Wakeup()
        // The application's one gate and cycle engine, on its clock: the runner's job runs, its
        // cycles and the cycles resumed below all decide through them.
        let runner = makeRunner(wakeup: runnerWakeup)
        // Recover before the first slot fires: runs a dead process left `running` become
        // `interrupted` and follow their retry policy.
        try await runner.reapOrphans()
        // Cycle runs a dead process left unfinished resume before the scheduler fires anything.
        let resumer = CycleResumeService(
            engine: cycleEngine, runs: try await cycleEngine.unfinishedRuns(), grace: configuration.settings.shutdownGrace, clock: clock
        )
        var schedulerConfiguration = Scheduler.Configuration()
        schedulerConfiguration.lateAfter = configuration.settings.lateAfter.inSeconds
        if store.isSharedByNodes { schedulerConfiguration.maxClockSkew = storeSettings.maxClockSkew.inSeconds }
        let scheduler = Scheduler(
            jobs: jobs, store: store, clock: clock, runnerWakeup: runnerWakeup,
            configuration: schedulerConfiguration, logger: logger
        )
        let heartbeat = HeartbeatService(
            store: store, instanceID: instance.id, interval: NodeLeases.heartbeatInterval, clock: clock, nodeLease: nodeLease
        )
        let nudges = WakeOnSignalService(wakeup: runnerWakeup)
        // Nodes on one database wake each other's runners through it (LISTEN/NOTIFY).
        let changes = store.isSharedByNodes ? WakeOnStoreChangeService(store: store, wakeup: runnerWakeup) : nil
        let packContext = packContext()
        let packServices = Self.packs.flatMap { $0.services(packContext) }
        let storeWatch = (store as? any StoreFiles).map { files in
            StoreWatchService(files: files, settings: storeSettings, clock: clock, logger: logger) { message in
                await self.alertStoreLost(message, at: clock.now())
            }
        }
        onReady(instance)

        // Services shut down in reverse order: the scheduler stops firing first, then the runner
        // drains, and the store watch and the heartbeat go last. Each is named: unnamed,
        // swift-service-lifecycle logs a service at debug level as "\(service)", which prints every
        // field of a struct service, the daemon's whole environment among them.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: heartbeat, serviceName: "heartbeat")]
        if let storeWatch { services.append(.init(service: storeWatch, serviceName: "store-watch")) }
        services += [
            .init(service: MemoryTrimService(store: store, clock: clock), serviceName: "memory-trim"),
            .init(service: AnchorService(app: self, clock: clock), serviceName: "audit-anchor"),
            .init(service: nudges, serviceName: "wake-on-signal"),
        ]
        if let changes { services.append(.init(service: changes, serviceName: "wake-on-store-change")) }
        services += [
            .init(service: runner, serviceName: "runner"),
        ]
        // Only with something to resume: a service that returns at once may return only after a
        // SIGTERM on a busy machine, and ServiceGroup takes a service ending during shutdown for a failure.
        if !resumer.runs.isEmpty { services.append(.init(service: resumer, successTerminationBehavior: .ignore, serviceName: "cycle-resume")) }
        services += [
            .init(service: scheduler, serviceName: "scheduler"),
        ]
        services += packServices.map { .init(service: $0.service, serviceName: $0.name) }
        services += [
            // Last, so the first to hear of a shutdown: writes waiting for disk space give up.
            .init(service: stalls, serviceName: "write-stall"),
        ]
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        var failure: (any Error)?
        do {
            try await group.run()
        } catch {
            failure = error
        }
        if let nodeLease {
            _ = try? await store.releaseLease(nodeLease.key, token: nodeLease.token)
        } else {
            try? await store.releaseDaemon(instance.id, at: clock.now())
        }
        if failure == nil {
            // The last records are anchored, and all of the log is in the database file; in a task
            // of its own, since GRDB refuses work in a cancelled one (a test cancelling `serve`).
            await Task {
                await anchorQuietly(reason: "shutdown", at: clock.now())
                await storeWatch?.checkpoint()
            }.value
        }
        try? journal.note("daemon stopped (pid \(identity.pid))", at: clock.now())
        logger.info("stopped", metadata: ["nightshift.workspace": "\(workspace.root)"])
        if let failure { throw failure }
    }
}

/// Keeps the daemon up on a full disk: the store's writes wait and retry with backoff instead of
/// failing (so nothing stops, nothing fires meanwhile, and no outcome is lost), and the notifiers
/// hear once when writes stall and once when they work again. On shutdown, waiting writes give up.
struct WriteStallService: Service {
    let app: NightshiftApplication
    let clock: any WallClock

    func start() {
        guard let sqlite = app.store as? SQLiteStore else { return }
        let app = self.app, clock = self.clock
        sqlite.waitWhenFull { event in
            Task { await Self.report(event, app: app, at: clock.now()) }
        }
    }

    func run() async throws {
        try? await gracefulShutdown()
        (app.store as? SQLiteStore)?.stopWaiting()
    }

    static func report(_ event: WriteStallEvent, app: NightshiftApplication, at now: Date) async {
        let text: String
        switch event {
        case .stalled(let error):
            app.logger.error("the store cannot be written; waiting for disk space", metadata: ["nightshift.error": "\(error)"])
            text = "Nightshift cannot write its store \(app.workspace.storePath) (\(error)): the disk is full or failing. "
                + "It stopped firing and retries its writes; it resumes by itself once space is freed."
        case .resumed(let seconds):
            app.logger.info("the store is writable again", metadata: ["nightshift.stalled.seconds": "\(Int(seconds))"])
            text = "Nightshift writes its store again after \(Journal.durationString(seconds)); scheduling resumed."
        }
        let alerter = Alerter(store: app.store, notifiers: app.makeNotifiers(), logger: app.logger)
        _ = await alerter.deliver(AlertMessage(job: "nightshift", kind: .store, runID: nil, consecutiveFailures: 0, error: nil, text: text, at: now))
    }
}

/// Wakes the runner when a `jobs run` process queued a run (it sends SIGUSR1), so a manual run
/// starts at once instead of at the runner's next poll.
struct WakeOnSignalService: Service {
    let wakeup: Wakeup

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigusr1)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                await wakeup.signal()
            }
        }
    }
}

/// Wakes the runner when another node makes a run pending (``Store/waitForChanges(_:_:)``), so
/// a node picks a run up without waiting for its next poll.
struct WakeOnStoreChangeService: Service {
    let store: any Store
    let wakeup: Wakeup

    func run() async throws {
        let wakeup = self.wakeup
        try await cancelWhenGracefulShutdown {
            try await store.waitForChanges([.runs]) { _ in await wakeup.signal() }
        }
    }
}

/// Resumes the cycle runs a previous process left unfinished (see
/// ``CycleEngine/resumeUnfinished(_:)``). On graceful shutdown the steps running get the
/// shutdown grace to finish, then are stopped and their runs recorded `interrupted`.
struct CycleResumeService: Service {
    let engine: CycleEngine
    let grace: Duration
    let clock: any WallClock
    /// What to resume, listed before the scheduler starts.
    let runs: [CycleRunRecord]

    init(engine: CycleEngine, runs: [CycleRunRecord], grace: Duration, clock: any WallClock) {
        self.engine = engine
        self.runs = runs
        self.grace = grace
        self.clock = clock
    }

    func run() async throws {
        guard !runs.isEmpty else { return }
        let work = Task { await engine.resumeUnfinished(runs) }
        await withGracefulShutdownHandler {
            await work.value
        } onGracefulShutdown: {
            Task {
                try? await clock.sleep(until: clock.now().addingTimeInterval(grace.inSeconds))
                work.cancel()
            }
        }
    }
}

/// Runs `body` in the foreground of a CLI command; SIGINT or SIGTERM cancels it instead of killing
/// the process, so a `cycles run` stopped with Ctrl-C records its run `interrupted` (resumable) and
/// releases its lease at once.
public func cancellingOnSignals<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
    let work = Task { await body() }
    let watcher = Task {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        for await _ in signals {
            work.cancel()
            return
        }
    }
    let result = await work.value
    watcher.cancel()
    return result
}
