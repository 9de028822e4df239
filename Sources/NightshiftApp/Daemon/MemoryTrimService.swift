import Foundation
import NightshiftCore
import NightshiftSQLite
import ServiceLifecycle

/// Hands back, once start-up is over, the memory start-up needed and the idle daemon does not:
/// the store's read connections and caches (reopened as reads need them) and the heap's free
/// pages. It changes what the daemon holds, not what it does (docs/PERFORMANCE.md, "Idle daemon").
struct MemoryTrimService: Service {
    let store: any Store
    let clock: any WallClock
    /// Seconds after the daemon's services started: their first passes (the scheduler's plan of
    /// every job, the runner's recovery pass, the first health scan) are start-up too.
    var delay: TimeInterval = 3

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await clock.sleep(until: clock.now().addingTimeInterval(delay))
            }
        } catch {
            return  // the daemon stopped first
        }
        await (store as? SQLiteStore)?.releaseMemory()
        ProcessMemory.trimHeap()
        try? await gracefulShutdown()
    }
}
