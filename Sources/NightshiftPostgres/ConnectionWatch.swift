import NIOCore
import PostgresNIO
import Synchronization

/// Makes sure no statement waits for ever on a connection that has closed.
///
/// PostgresNIO 1.33 can leave a statement unanswered for good: when the server ends a session (a
/// fast shutdown or restart sends FATAL 57P01 and closes) just after answering one statement, the
/// next one written on that connection is queued behind the finished one and never failed
/// (vapor/postgres-nio#487, whose fix was reverted in #501). A node's runner then waits for ever
/// on, say, the audit append of a run that already ended.
///
/// So every statement runs in a task of its own while its caller waits here: it gets the
/// statement's answer, or, once the connection has closed and `grace` has passed without an
/// answer, ``PostgresConnectionLost``. The abandoned statement can never be sent (its connection
/// is gone); the server rolled back whatever transaction it belonged to. One close callback is
/// registered per connection, not per statement.
final class ConnectionWatch: Sendable {
    static let shared = ConnectionWatch()

    /// How long a statement may stay unanswered after its connection closed: a statement in flight
    /// then normally fails at once.
    let grace: TimeAmount

    private struct Watched {
        var closed = false
        var waiting: [UInt64: @Sendable () -> Void] = [:]
    }

    /// By the connection object: pools number their connections from 0 each, so ids clash between
    /// the stores of one process. An entry goes when its connection closes, before the object can
    /// be freed and its address reused.
    private let state = Mutex<(next: UInt64, connections: [ObjectIdentifier: Watched])>((0, [:]))

    init(grace: TimeAmount = .seconds(1)) {
        self.grace = grace
    }

    /// Runs `statement` on `connection` and returns its answer, or throws ``PostgresConnectionLost``
    /// when the connection closed and no answer came within ``grace``.
    func answer<T: Sendable>(on connection: PostgresConnection, _ statement: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let answer = FirstAnswer(continuation)
            let key = ObjectIdentifier(connection)
            let (ticket, isNew, closed) = state.withLock { state -> (UInt64, Bool, Bool) in
                state.next += 1
                let ticket = state.next
                let isNew = state.connections[key] == nil
                var watched = state.connections[key] ?? Watched()
                if !watched.closed {
                    watched.waiting[ticket] = { [grace] in
                        connection.eventLoop.scheduleTask(in: grace) { answer.give(.failure(PostgresConnectionLost())) }
                    }
                }
                state.connections[key] = watched
                return (ticket, isNew, watched.closed)
            }
            if isNew {
                connection.closeFuture.whenComplete { [self] _ in connectionClosed(key) }
            }
            if closed {
                answer.give(.failure(PostgresConnectionLost()))
                return
            }
            Task.immediate {
                let result: Result<T, any Error>
                do { result = .success(try await statement()) } catch { result = .failure(error) }
                self.state.withLock { _ = $0.connections[key]?.waiting.removeValue(forKey: ticket) }
                answer.give(result)
            }
        }
    }

    private func connectionClosed(_ key: ObjectIdentifier) {
        let waiting = state.withLock { state -> [@Sendable () -> Void] in
            let waiting = state.connections[key].map { Array($0.waiting.values) } ?? []
            // The entry goes: a closed connection is never lent again.
            state.connections[key] = nil
            return waiting
        }
        for startGrace in waiting { startGrace() }
    }

    /// How many connections are watched (open ones seen), for tests.
    var watchedConnections: Int { state.withLock { $0.connections.count } }
}

/// A statement got no answer after its connection closed.
struct PostgresConnectionLost: Error, CustomStringConvertible {
    var description: String { "the connection to the PostgreSQL server closed before the statement was answered" }
}

/// Resumes a continuation with the first result given; later ones are dropped.
private final class FirstAnswer<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, any Error>?>

    init(_ continuation: CheckedContinuation<Value, any Error>) {
        self.continuation = Mutex(continuation)
    }

    func give(_ result: Result<Value, any Error>) {
        continuation.withLock { waiting in
            waiting?.resume(with: result)
            waiting = nil
        }
    }
}
