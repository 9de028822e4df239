public import Foundation

/// Where the engines get the time from. Injected, so that a test can run a whole night in a moment.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Suspends until `deadline` (or returns early if the task is cancelled, throwing `CancellationError`).
    func sleep(until deadline: Date) async throws
}

/// The real clock.
public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 {
            try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))))
        } else {
            try Task.checkCancellation()
        }
    }
}

/// Wakes a sleeping service early: the runner when a run was queued, the scheduler when jobs changed.
///
/// `signal()` before `wait` is remembered, so a wake-up is never lost between a check and a sleep.
public actor Wakeup {
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    public init() {}

    /// Wakes the current or next waiter.
    public func signal() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            pending = true
        }
    }

    /// Returns when signalled, or when `deadline` passes on `clock`, or on cancellation.
    public func wait(until deadline: Date?, clock: any WallClock) async {
        if pending {
            pending = false
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal() }
            if let deadline {
                group.addTask {
                    do {
                        try await clock.sleep(until: deadline)
                        await self.signal()
                    } catch {}
                }
            }
            await group.next()
            group.cancelAll()
        }
        // A signal that raced with the deadline leaves `pending` set: one spurious wake-up later
        // is harmless, a lost one is not.
    }

    private func waitForSignal() async {
        if pending {
            pending = false
            return
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    waiter = continuation
                }
            }
        } onCancel: {
            Task { await self.signal() }
        }
    }
}
