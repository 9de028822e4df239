import Foundation

/// A condition a test waited for did not come true in time.
struct WaitTimeout: Error, CustomStringConvertible {
    var what: String
    var timeout: TimeInterval
    var description: String { "timed out after \(timeout)s waiting until \(what)" }
}

/// Polls `condition` every `poll` seconds until it holds; throws ``WaitTimeout`` after `timeout`.
/// Errors thrown by `condition` end the wait at once.
func waitUntil(
    _ what: String,
    timeout: TimeInterval = 30,
    poll: TimeInterval = 0.2,
    _ condition: () async throws -> Bool
) async throws {
    _ = try await waitFor(what, timeout: timeout, poll: poll) { try await condition() ? true : nil }
}

/// Polls `probe` until it returns a value, and returns that value; throws ``WaitTimeout`` after `timeout`.
func waitFor<T>(
    _ what: String,
    timeout: TimeInterval = 30,
    poll: TimeInterval = 0.2,
    _ probe: () async throws -> T?
) async throws -> T {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if let value = try await probe() { return value }
        guard Date() < deadline else { throw WaitTimeout(what: what, timeout: timeout) }
        try await Task.sleep(for: .seconds(poll))
    }
}
