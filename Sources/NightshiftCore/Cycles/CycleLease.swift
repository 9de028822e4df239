public import Foundation
import Logging
import Synchronization

/// How a caller that finds a cycle's lease held by someone else proceeds.
public enum LeaseWaiting: Sendable, Hashable {
    /// Give up at once, naming the holder (`nightshift cycles run` in a second terminal).
    case refuse
    /// Poll until the holder releases it or it expires (the daemon; `cycles resume`).
    case wait
}

/// Why a cycle run could not go on.
public enum CycleError: Error, Sendable, CustomStringConvertible {
    /// Someone else holds the cycle's lease.
    case leaseHeld(Lease)
    /// This process lost the lease (it expired and someone took it over); it stopped writing.
    case fencedOut(String)
    case unknownRun(String)
    case unknownCycle(String)
    /// The run ended already; there is nothing to resume.
    case finished(CycleRunRecord)
    case store(String)

    public var description: String {
        switch self {
        case .leaseHeld(let lease):
            "\(lease.key) is held by \(lease.owner) (token \(lease.token)) until \(ISO8601.format(lease.expiresAt, in: TimeZone(identifier: "UTC")!))"
        case .fencedOut(let key):
            "lost the lease \(key) to another process; this process stopped and wrote nothing more"
        case .unknownRun(let id): "no cycle run \(id)"
        case .unknownCycle(let name): "no cycle \(name) in nightshift.toml"
        case .finished(let run): "cycle run \(run.id) is \(run.state) already; there is nothing to resume"
        case .store(let message): "store: \(message)"
        }
    }
}

/// Tells the work done under a lease whether the lease is still ours.
final class LeaseWatch: Sendable {
    let lease: Lease
    private let lostFlag = Mutex(false)

    init(lease: Lease) { self.lease = lease }

    var fence: Fence { lease.fence }
    var lost: Bool { lostFlag.withLock { $0 } }
    func markLost() { lostFlag.withLock { $0 = true } }
}

extension CycleEngine {
    /// Acquires `key`, runs `body` while renewing the lease every third of `ttl`, then releases
    /// it. If a renewal is refused (the lease expired and was taken over), `body`'s task is
    /// cancelled and the watch says so, so that the body stops without writing.
    func withLease<T: Sendable>(
        _ key: String, ttl: TimeInterval, waiting: LeaseWaiting,
        _ body: @escaping @Sendable (LeaseWatch) async -> T
    ) async throws(CycleError) -> T {
        let lease = try await acquire(key, ttl: ttl, waiting: waiting)
        let watch = LeaseWatch(lease: lease)
        let result = await withTaskGroup(of: T?.self) { group -> T in
            group.addTask { await body(watch) }
            group.addTask {
                await self.keepRenewing(watch, ttl: ttl)
                return nil
            }
            var result: T?
            while let next = await group.next() {
                if let next {
                    result = next
                    group.cancelAll()
                } else if watch.lost {
                    group.cancelAll()
                }
            }
            return result!
        }
        if !watch.lost {
            // Releasing must happen even when shutdown cancelled us.
            await Task { _ = try? await store.releaseLease(key, token: lease.token) }.value
        }
        return result
    }

    private func acquire(_ key: String, ttl: TimeInterval, waiting: LeaseWaiting) async throws(CycleError) -> Lease {
        var announced = false
        while true {
            let grant: LeaseGrant
            do {
                grant = try await store.acquireLease(key, owner: owner.description, ttl: ttl, at: clock.now())
            } catch {
                throw .store("\(error)")
            }
            switch grant {
            case .granted(let lease):
                return lease
            case .held(let holder):
                // A holder that is a dead process on this host is taken over at once, not waited out.
                if ProcessIdentity(owner: holder.owner)?.isGone == true {
                    do {
                        if let lease = try await store.takeOverLease(key, from: holder.token, owner: owner.description, ttl: ttl, at: clock.now()) {
                            logger.info("took over a dead process's cycle lease", metadata: ["nightshift.lease": "\(key)", "nightshift.lease.owner": "\(holder.owner)"])
                            return lease
                        }
                    } catch {
                        throw .store("\(error)")
                    }
                    continue
                }
                guard waiting == .wait, !Task.isCancelled else { throw .leaseHeld(holder) }
                if !announced {
                    logger.info("waiting for a cycle lease", metadata: ["nightshift.lease": "\(key)", "nightshift.lease.owner": "\(holder.owner)"])
                    announced = true
                }
                let wake = min(holder.expiresAt, clock.now().addingTimeInterval(configuration.leasePollInterval))
                do { try await clock.sleep(until: wake) } catch { throw .leaseHeld(holder) }
            }
        }
    }

    private func keepRenewing(_ watch: LeaseWatch, ttl: TimeInterval) async {
        while !Task.isCancelled {
            do { try await clock.sleep(until: clock.now().addingTimeInterval(ttl / 3)) } catch { return }
            do {
                let renewed = try await store.renewLease(watch.lease.key, token: watch.lease.token, ttl: ttl, at: clock.now())
                if renewed == nil, !Task.isCancelled {
                    logger.info("cycle lease lost", metadata: ["nightshift.lease": "\(watch.lease.key)"])
                    watch.markLost()
                    return
                }
            } catch {
                // A store hiccup is not a lost lease; the fenced writes decide if it really was.
                logger.info("cycle lease renewal failed", metadata: ["nightshift.lease": "\(watch.lease.key)", "nightshift.error": "\(error)"])
            }
        }
    }
}
