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

    /// `clock` minus the store's clock. A measurement is off by up to half its round trip, and the
    /// first query after the database came back waits for a new connection: so up to three are
    /// taken, and the one with the shortest round trip counts (as NTP does), stopping at the first
    /// whose round trip is under ``quickRoundTrip``.
    static func measure(_ clock: any WallClock, against store: any Store) async throws -> TimeInterval? {
        var best: (offset: TimeInterval, roundTrip: TimeInterval)?
        for _ in 0..<3 {
            let sent = clock.now()
            guard let theirs = try await store.storeTime() else { return nil }
            let received = clock.now()
            let roundTrip = received.timeIntervalSince(sent)
            let middle = sent.addingTimeInterval(roundTrip / 2)
            if best.map({ roundTrip < $0.roundTrip }) ?? true { best = (middle.timeIntervalSince(theirs), roundTrip) }
            if roundTrip < quickRoundTrip { break }
        }
        return best?.offset
    }

    /// A round trip short enough for a measurement to stand (its error is at most half of it).
    static let quickRoundTrip: TimeInterval = 0.25

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
