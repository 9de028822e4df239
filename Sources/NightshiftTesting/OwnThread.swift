public import Foundation

/// Runs `body` on a thread of its own and waits for it without holding a thread of Swift's
/// cooperative pool, which has only as many threads as cores (two here). A test that computes for
/// seconds on that pool (a fuzz loop, a property test) stalls every other test's async work for as
/// long: child output is not read, timeouts fire late. Record issues from what `body` returns, not
/// inside it: the thread carries no test context.
///
/// ```swift
/// let failures = await onOwnThread { inputs.compactMap { target.check($0) } }
/// for failure in failures { Issue.record(Comment(rawValue: failure)) }
/// ```
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}
