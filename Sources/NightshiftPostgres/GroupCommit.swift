import Synchronization

/// Group commit: writes of one kind that arrive while others are in flight go to the server
/// together, as one statement, when a statement in flight returns.
///
/// At most `inFlight` statements are out at once. A write that finds room goes at once, alone, so a
/// quiet store pays no added latency; under load the writes queue up behind the ones in flight and
/// the next statement carries all of them (up to `batch`), so a round trip serves many writes. A
/// write that shares its key with one already queued waits for the next statement (a statement
/// changes a row once). Every caller gets its own write's answer, or the statement's error.
final class GroupCommit<Item: Sendable, Answer: Sendable>: Sendable {
    private struct Waiting {
        let item: Item
        let key: String
        let continuation: CheckedContinuation<Answer, any Error>
    }

    private struct State {
        var queue: [Waiting] = []
        var flushing = 0
    }

    private let state = Mutex(State())
    private let inFlight: Int
    private let batch: Int

    init(inFlight: Int, batch: Int) {
        self.inFlight = max(1, inFlight)
        self.batch = max(1, batch)
    }

    /// Writes `item`, alone or with others; `key` names the row it changes. `send` writes items in
    /// one statement and answers for each, in order (every caller passes the same function).
    func write(_ item: Item, key: String, send: @escaping @Sendable ([Item]) async throws -> [Answer]) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            let flush = state.withLock { state in
                state.queue.append(Waiting(item: item, key: key, continuation: continuation))
                guard state.flushing < inFlight else { return false }
                state.flushing += 1
                return true
            }
            // The flusher is a task of its own: a write handed over is carried out even when its
            // caller is cancelled meanwhile, as the single statement it replaces would be.
            if flush { Task { await self.flush(send) } }
        }
    }

    /// Sends what is queued, a statement at a time, until the queue is empty.
    private func flush(_ send: @Sendable ([Item]) async throws -> [Answer]) async {
        while true {
            let taken = state.withLock { state -> [Waiting] in
                var keys: Set<String> = []
                var taken: [Waiting] = []
                var left: [Waiting] = []
                for waiting in state.queue {
                    if taken.count < batch, keys.insert(waiting.key).inserted { taken.append(waiting) } else { left.append(waiting) }
                }
                state.queue = left
                if taken.isEmpty { state.flushing -= 1 }
                return taken
            }
            guard !taken.isEmpty else { return }
            do {
                let answers = try await send(taken.map(\.item))
                guard answers.count == taken.count else { throw GroupCommitMismatch(sent: taken.count, answered: answers.count) }
                for (waiting, answer) in zip(taken, answers) { waiting.continuation.resume(returning: answer) }
            } catch {
                for waiting in taken { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}

/// A statement answered for a different number of writes than it carried (a bug, not a state).
struct GroupCommitMismatch: Error, CustomStringConvertible {
    let sent: Int
    let answered: Int
    var description: String { "a grouped write answered for \(answered) of \(sent) writes" }
}
