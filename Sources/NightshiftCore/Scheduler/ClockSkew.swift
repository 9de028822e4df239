public import Foundation

/// How far a node's clock is from the clock of the store it shares with other nodes. Slots and
/// leases are judged by the database's clock (a node's ``StoreAlignedClock``), but a node whose own
/// clock is off by more than `[store] max_clock_skew` (2 s) is taken as broken and plans no slots.
/// The scheduler asks before every pass and says why it refuses.
public enum ClockSkew {
    /// `clock` minus the store's clock in seconds (positive: this node is ahead), measured against
    /// the middle of the query's round trip; nil for a store with no clock of its own. For a
    /// ``StoreAlignedClock`` it is the machine's clock that is measured (and the clock aligned again).
    public static func offset(of clock: any WallClock, from store: any Store) async throws -> TimeInterval? {
        if let aligned = clock as? StoreAlignedClock { return try await aligned.align(with: store) }
        return try await measure(clock, against: store)
    }

    /// `clock` minus the store's clock, measured once.
    static func measure(_ clock: any WallClock, against store: any Store) async throws -> TimeInterval? {
        let sent = clock.now()
        guard let theirs = try await store.storeTime() else { return nil }
        let received = clock.now()
        let middle = sent.addingTimeInterval(received.timeIntervalSince(sent) / 2)
        return middle.timeIntervalSince(theirs)
    }

    /// Why a node with `offset` must not plan slots under `maximum`, nil when it may.
    public static func refusal(offset: TimeInterval?, maximum: TimeInterval) -> String? {
        guard let offset, abs(offset) > maximum else { return nil }
        let direction = offset > 0 ? "ahead of" : "behind"
        return String(
            format: "this node's clock is %.1f s %@ the database's (more than max_clock_skew, %.1f s): it plans no slots until the clocks agree; "
                + "set the machine's time (NTP)",
            abs(offset), direction, maximum
        )
    }
}
