import Foundation
import GRDB
public import NightshiftCore
import Synchronization

/// What a store tells a daemon about writes the disk cannot take.
public enum WriteStallEvent: Sendable, Hashable {
    /// A write failed for lack of space (or another I/O failure of the disk); it waits and retries.
    case stalled(String)
    /// Writes work again, after stalling this many seconds.
    case resumed(seconds: Double)
}

/// Whether and how writes that the disk refuses wait instead of failing (see
/// ``SQLiteStore/waitWhenFull(report:)``).
final class WriteWaiting: Sendable {
    private struct State {
        var report: (@Sendable (WriteStallEvent) -> Void)?
        var stopped = false
        var stalledSince: Date?
    }
    private let state = Mutex(State())

    /// Whether a write that failed with `error` should wait and try again.
    func shouldWait(for error: DatabaseError) -> Bool {
        guard Self.isDiskFailure(error) else { return false }
        return state.withLock { $0.report != nil && !$0.stopped }
    }

    /// The disk refused a write: reports the stall the first time.
    func stalled(_ message: String) {
        let report = state.withLock { state -> (@Sendable (WriteStallEvent) -> Void)? in
            guard state.stalledSince == nil else { return nil }
            state.stalledSince = Date()
            return state.report
        }
        report?(.stalled(message))
    }

    /// A write went through: reports the end of a stall.
    func succeeded() {
        let (report, since) = state.withLock { state -> ((@Sendable (WriteStallEvent) -> Void)?, Date?) in
            guard let since = state.stalledSince else { return (nil, nil) }
            state.stalledSince = nil
            return (state.report, since)
        }
        if let report, let since { report(.resumed(seconds: Date().timeIntervalSince(since))) }
    }

    func enable(_ report: @escaping @Sendable (WriteStallEvent) -> Void) { state.withLock { $0.report = report; $0.stopped = false } }
    func stop() { state.withLock { $0.stopped = true } }
    var isStalled: Bool { state.withLock { $0.stalledSince != nil } }

    /// SQLite says the disk is full, or could not write or sync the file.
    static func isDiskFailure(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR
    }
}

extension SQLiteStore {
    /// Makes every write that the disk refuses (SQLite's `SQLITE_FULL`, or an I/O error writing or
    /// syncing the file) wait and retry with backoff — 0.25 s doubling to 30 s — instead of failing,
    /// until it goes through, its task is cancelled, or ``stopWaiting()`` is called. `report` hears
    /// when writes first stall and when they work again. For the daemon, which must stay up on a
    /// full disk and resume by itself; commands run by the operator fail at once instead.
    public func waitWhenFull(report: @escaping @Sendable (WriteStallEvent) -> Void) {
        writeWaiting.enable(report)
    }

    /// Makes writes that wait for the disk fail now, and later ones fail at once (shutdown).
    public func stopWaiting() {
        writeWaiting.stop()
    }

    /// Whether writes are stalled right now.
    public var writesStalled: Bool { writeWaiting.isStalled }

    static let stallBackoff: (first: Duration, limit: Duration) = (.milliseconds(250), .seconds(30))
}
