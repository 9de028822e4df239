public import Foundation
public import NightshiftCore
import ServiceLifecycle

/// Makes sure one daemon at a time serves a workspace.
///
/// The store keeps the serving daemon's record (pid, host, start, heartbeat). A new daemon may take
/// the workspace over when the record says stopped, when the recorded process is gone from this
/// host (killed with SIGKILL), or when its heartbeat is older than `staleAfter` (another host, a
/// hung machine). The takeover is a compare-and-swap, so two daemons starting together cannot both win.
public struct DaemonLease: Sendable {
    public var store: any Store
    public var staleAfter: TimeInterval

    public init(store: any Store, staleAfter: TimeInterval = 15) {
        self.store = store
        self.staleAfter = staleAfter
    }

    /// Whether the recorded daemon is serving the workspace now.
    public static func isServing(_ instance: DaemonInstance, now: Date, staleAfter: TimeInterval = 15) -> Bool {
        guard instance.stoppedAt == nil else { return false }
        if instance.host == ProcessInfo.processInfo.hostName {
            // The instance id is the daemon's identity with its start time: a recycled pid is not it.
            let alive = ProcessIdentity(owner: instance.id)?.isAlive ?? ProcessIdentity.isAlive(pid: instance.pid)
            return alive && now.timeIntervalSince(instance.heartbeatAt) < staleAfter * 8
        }
        return now.timeIntervalSince(instance.heartbeatAt) < staleAfter
    }

    /// Claims the workspace for `identity`, or throws saying who serves it.
    public func acquire(_ identity: ProcessIdentity, workspace: Workspace, now: Date) async throws -> DaemonInstance {
        let mine = DaemonInstance(id: identity.description, pid: identity.pid, host: identity.host, startedAt: now, heartbeatAt: now)
        for _ in 0..<3 {
            let current = try await store.daemonInstance()
            if let current, Self.isServing(current, now: now, staleAfter: staleAfter) {
                throw AppError.failure(
                    "workspace \(workspace.root) is served by pid \(current.pid)\(current.host == identity.host ? "" : " on \(current.host)") since \(ISO8601.format(current.startedAt, in: .current))"
                )
            }
            if try await store.claimDaemon(mine, ifCurrentIs: current?.id) { return mine }
        }
        throw AppError.failure("workspace \(workspace.root) is being claimed by another daemon right now")
    }
}

extension DaemonLease {
    /// Joins the nodes serving a store several machines share: takes this process's node lease
    /// (``NodeLeases``). Other nodes serve on; none is refused.
    public func join(_ identity: ProcessIdentity, now: Date) async throws -> (instance: DaemonInstance, lease: Lease) {
        switch try await store.acquireLease(NodeLeases.key(identity.description), owner: identity.description, ttl: NodeLeases.ttl, at: now) {
        case .granted(let lease):
            let instance = DaemonInstance(
                id: identity.description, pid: identity.pid, host: identity.host, startedAt: lease.acquiredAt, heartbeatAt: lease.renewedAt
            )
            return (instance, lease)
        case .held(let holder):
            // The key is this process's own identity, fresh at every start: only a clash of instance tags gets here.
            throw AppError.failure("this node's lease \(holder.key) is held by \(holder.owner); start the daemon again")
        }
    }
}

/// Writes the daemon's liveness heartbeat to the store every few seconds, and stops the daemon if
/// another process has taken the workspace over.
struct HeartbeatService: Service {
    let store: any Store
    let instanceID: String
    let interval: TimeInterval
    let clock: any WallClock
    /// On a store several nodes share, the node lease renewed instead of the daemon record.
    var nodeLease: Lease?

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            // After a beat the store could not take, the next comes within a second, so that a
            // database back after an outage sees the lease renewed before it expires.
            var wait = interval
            while !Task.isCancelled {
                do {
                    try await clock.sleep(until: clock.now().addingTimeInterval(wait))
                } catch {
                    return  // cancelled: the daemon is stopping
                }
                wait = interval
                let held: Bool
                do {
                    if let lease = nodeLease {
                        held = try await renewal(lease) != nil
                        guard held else {
                            throw AppError.failure(
                                "this node's lease expired (the daemon was paused for more than \(Int(NodeLeases.ttl)) s), so other nodes may have "
                                    + "recovered its runs; stopping"
                            )
                        }
                    } else {
                        held = try await store.heartbeatDaemon(instanceID, at: clock.now())
                    }
                } catch let error as AppError {
                    throw error
                } catch {
                    // Shutdown cancelled the write, or the store cannot be written right now (a full
                    // disk): neither is a reason to stop; the next beat tries again.
                    if Task.isCancelled { return }
                    wait = min(interval, 1)
                    continue
                }
                guard held else { throw AppError.failure("another process took this workspace over; stopping") }
            }
        }
    }
}

extension HeartbeatService {
    /// Renews the node lease as of now, giving up after `limit`: a renewal that waited for the
    /// database through an outage would renew as of the time it was asked, which may be long past
    /// (the lease would then expire again at once, or seem alive after it expired). The next beat
    /// asks again with the time then.
    func renewal(_ lease: Lease, limit: Duration = .seconds(2)) async throws -> Lease? {
        let store = self.store, clock = self.clock
        return try await withThrowingTaskGroup(of: Lease?.self) { group in
            group.addTask { try await store.renewLease(lease.key, token: lease.token, ttl: NodeLeases.ttl, at: clock.now()) }
            group.addTask {
                try await Task.sleep(for: limit)
                throw StoreError.unavailable("the node lease's renewal got no answer within \(limit.components.seconds) s")
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
