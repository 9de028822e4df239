public import Foundation
import Synchronization

/// The clock of a store that several nodes share: the machine's clock corrected by its offset from
/// the database's, as last measured. Slots, leases and heartbeats judged by it agree across nodes
/// to within a measurement's half round trip, whatever the machines' clocks say. The scheduler
/// measures again before every pass (``ClockSkew/offset(of:from:)``); a machine whose own clock is
/// off by more than `max_clock_skew` still plans nothing and says so.
public final class StoreAlignedClock: WallClock {
    /// The machine's clock.
    public let base: any WallClock
    /// The store's time minus the machine's, in seconds.
    private let correction = Mutex<TimeInterval>(0)

    public init(base: any WallClock) {
        self.base = base
    }

    /// A clock aligned with `store` now; measuring failed or the store keeps no clock: the machine's.
    public static func aligned(base: any WallClock, with store: any Store) async -> StoreAlignedClock {
        let clock = StoreAlignedClock(base: base)
        _ = try? await clock.align(with: store)
        return clock
    }

    public func now() -> Date { base.now().addingTimeInterval(correction.withLock { $0 }) }

    public func sleep(until deadline: Date) async throws {
        try await base.sleep(until: deadline.addingTimeInterval(-correction.withLock { $0 }))
    }

    /// The correction in use (the store's time minus the machine's).
    public var offset: TimeInterval { correction.withLock { $0 } }

    /// Measures the machine's clock against `store`, aligns to it, and returns the machine's skew
    /// (its clock minus the store's; nil for a store with no clock of its own).
    @discardableResult
    public func align(with store: any Store) async throws -> TimeInterval? {
        guard let skew = try await ClockSkew.measure(base, against: store) else { return nil }
        correction.withLock { $0 = -skew }
        return skew
    }
}
