public import Foundation
public import NightshiftCore

/// Everything `status` shows, as `--json` prints it: the daemon, the jobs, the counts, the goals,
/// the operator's context and the builder's queue.
public struct StatusView: Encodable, Sendable {
    /// Whether a daemon serves the workspace, and which.
    public struct Scheduler: Encodable, Sendable {
        public var running: Bool
        public var pid: Int32?
        public var host: String?
        public var since: Date?
        public var lastHeartbeat: Date?
        public var stoppedAt: Date?
    }

    /// A daemon serving a store several machines share (``NodeLeases``).
    public struct Node: Encodable, Sendable {
        /// Its identity, `PID.START@HOST#INSTANCE`: the owner its runs name.
        public var node: String
        public var pid: Int32?
        public var host: String?
        public var since: Date
        public var lastHeartbeat: Date
        /// False once its lease expired: a dead node whose runs the others recover.
        public var alive: Bool
    }

    public var workspace: String
    public var scheduler: Scheduler
    /// On a store several machines share, the nodes serving it, alive or dead but not yet cleaned
    /// up; nil on a store of one machine.
    public var nodes: [Node]?
    public var jobs: [JobView]
    /// The jobs whose last runs failed.
    public var failing: [String]
    public var pendingRuns: Int
    public var runningRuns: Int
    /// The active goals, evaluated now.
    public var goals: [GoalView]
    /// Actions waiting in the approval inbox.
    public var approvalsWaiting: Int
    /// The operator's context now.
    public var context: String
    /// Calendars left out of the context because they cannot be read or parsed (`FILE:LINE: problem`).
    public var calendarProblems: [String]
    /// Builder tasks per state, when the workspace has `[builder]`.
    public var queue: [String: Int]?

    /// The daemon's record as last written (serving or not): what the text output says about a
    /// daemon that stopped or died. Not part of the JSON.
    public var daemon: DaemonInstance?
    /// Where the context reading comes from, and how many builds it allows at once. Not part of the JSON.
    public var reading: ContextReading

    enum CodingKeys: String, CodingKey {
        case workspace, scheduler, nodes, jobs, failing, pendingRuns, runningRuns, goals, approvalsWaiting, context, calendarProblems, queue
    }

    /// The status of `app` at `now`; every count comes from an aggregate query of the store.
    public static func read(of app: NightshiftApplication, at now: Date) async throws -> StatusView {
        var daemon = try await app.store.daemonInstance()
        var serving = daemon.map { DaemonLease.isServing($0, now: now) } ?? false
        let nodes = try await Self.nodes(of: app.store, at: now)
        if let nodes {
            // The scheduler runs while any node is alive; the record shown is the longest serving one.
            serving = nodes.contains(where: \.alive)
            daemon = nodes.first(where: \.alive).map { node in
                DaemonInstance(id: node.node, pid: node.pid ?? 0, host: node.host ?? "?", startedAt: node.since, heartbeatAt: node.lastHeartbeat)
            }
        }
        let jobs = try await JobBoard(app).views(at: now)
        let summary = try await StatusSummary.read(of: app, at: now)
        let goals = try await app.store.goals(includeFinished: false).map { GoalView($0, at: now) }
        let reading = await app.contextReading(at: now)
        return StatusView(
            workspace: app.workspace.root,
            scheduler: Scheduler(
                running: serving, pid: daemon?.pid, host: daemon?.host, since: serving ? daemon?.startedAt : nil,
                lastHeartbeat: daemon?.heartbeatAt, stoppedAt: daemon?.stoppedAt
            ),
            nodes: nodes,
            jobs: jobs,
            failing: jobs.filter { $0.consecutiveFailures > 0 }.map(\.name),
            pendingRuns: summary.pendingRuns,
            runningRuns: summary.runningRuns,
            goals: goals,
            approvalsWaiting: summary.approvalsWaiting,
            context: reading.context.rawValue,
            calendarProblems: await app.calendarLoad().problems,
            queue: summary.queue,
            daemon: daemon,
            reading: reading
        )
    }
}

extension StatusView {
    /// The nodes of a store several machines share, the longest serving first; nil on a store of one machine.
    public static func nodes(of store: any Store, at now: Date) async throws -> [Node]? {
        guard store.isSharedByNodes else { return nil }
        return NodeLeases.nodes(in: try await store.leases()).compactMap { lease in
            guard let node = NodeLeases.node(lease) else { return nil }
            let identity = ProcessIdentity(owner: node)
            return Node(
                node: node, pid: identity?.pid, host: identity?.host, since: lease.acquiredAt, lastHeartbeat: lease.renewedAt,
                alive: lease.expiresAt > now
            )
        }.sorted { ($0.since, $0.node) < ($1.since, $1.node) }
    }
}
