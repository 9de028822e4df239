import NIOCore
import Synchronization

/// The bytes a ``MailConnection`` received and has not handed out yet, shared by the event loop
/// (which fills it from ``MailChannelHandler``) and the one task reading (which empties it).
///
/// Reads are pulled, not pushed: the handler asks the socket for more only while a reader wants
/// more than is buffered, so the buffer holds at most what the current read asks for plus one
/// socket read. A reader that must wait parks one continuation here; every event (bytes, close,
/// error, handshake) wakes it to look again, and a timer on the event loop or the task's
/// cancellation ends the wait. Consuming only whole lines or whole counts makes a cancelled or
/// timed-out read lose nothing.
final class MailReadBuffer: Sendable {
    enum TLSPhase: Sendable { case none, handshaking, established }

    /// What a reader's look at the buffer found.
    enum Outcome: Sendable {
        case ready([UInt8])
        /// Not yet: at least this many bytes must be buffered before looking again is worth it.
        case needs(Int)
    }

    fileprivate struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
        var timer: Scheduled<Void>?
    }

    struct State {
        var bytes = ByteBuffer()
        /// Where the search for a line end resumes (bytes before it hold none).
        var scanned = 0
        /// How many bytes the waiting reader needs; 0 when nobody waits.
        var wanted = 0
        /// The handler held back a socket read because nobody wanted bytes.
        var readHeld = false
        var closedByPeer = false
        var closedLocally = false
        var failure: MailTransportError?
        var tls = TLSPhase.none
        /// Counts events, so a reader that looked before an event and parks after it goes round again.
        fileprivate var events: UInt64 = 0
        fileprivate var nextWaiterID: UInt64 = 0
        fileprivate var waiter: Waiter?
    }

    let state = Mutex(State())

    // MARK: Either side

    var tlsPhase: TLSPhase { state.withLock { $0.tls } }
    var failure: MailTransportError? { state.withLock { $0.failure } }
    var isClosedLocally: Bool { state.withLock { $0.closedLocally } }
    var bufferedByteCount: Int { state.withLock { $0.bytes.readableBytes } }

    /// Marks the TLS handshake begun: on connect for ``MailSecurity/tls``.
    func handshakeBegins() {
        state.withLock { $0.tls = .handshaking }
    }

    /// Marks STARTTLS's handshake begun; throws when TLS is already on or bytes the server sent
    /// before it wait unread (a man in the middle injects commands that way). Run on the event
    /// loop, where bytes arrive, so none can come between the check and the handler.
    func startTLSBegins() throws(MailTransportError) {
        try state.withLock { state throws(MailTransportError) in
            guard state.tls == .none else { throw .protocolViolation("TLS is already on") }
            guard state.bytes.readableBytes == 0 else {
                throw .protocolViolation("\(state.bytes.readableBytes) bytes arrived before the TLS handshake (a STARTTLS injection?)")
            }
            state.tls = .handshaking
        }
    }

    // MARK: The event loop's side

    /// Whether the handler should pass a socket read on; when not, remembers that one is held.
    func wantsBytes() -> Bool {
        state.withLock { state in
            if state.bytes.readableBytes < state.wanted { return true }
            state.readHeld = true
            return false
        }
    }

    func append(_ incoming: inout ByteBuffer) {
        notify { $0.bytes.writeBuffer(&incoming) }
    }

    func peerClosed() {
        notify { $0.closedByPeer = true }
    }

    func fail(_ error: MailTransportError) {
        notify { state in
            if state.failure == nil { state.failure = error }
        }
    }

    func handshakeCompleted() {
        notify { state in
            if state.tls == .handshaking { state.tls = .established }
        }
    }

    func closeLocally() {
        notify { $0.closedLocally = true }
    }

    /// Applies `change` and wakes the waiting reader, if any, to look again.
    private func notify(_ change: (inout State) -> Void) {
        let waiter = state.withLock { state -> Waiter? in
            change(&state)
            state.events &+= 1
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume()
    }

    // MARK: The reader's side

    /// Looks at the buffer with `attempt` until it is ready, waiting for events in between.
    ///
    /// Throws what failed the connection, ``MailTransportError/closed`` once the peer closed and
    /// `attempt` still needs more, ``MailTransportError/timedOut(_:)`` (naming `what`) at
    /// `deadline`, and `CancellationError` when the task is cancelled.
    func read(
        _ what: String,
        deadline: NIODeadline,
        channel: any Channel,
        _ attempt: (inout State) throws(MailTransportError) -> Outcome
    ) async throws -> [UInt8] {
        defer { state.withLock { $0.wanted = 0 } }
        while true {
            let look = try state.withLock { state throws(MailTransportError) -> (bytes: [UInt8]?, events: UInt64, id: UInt64, read: Bool) in
                if state.closedLocally { throw .closed }
                switch try attempt(&state) {
                case .ready(let bytes):
                    state.wanted = 0
                    if state.bytes.readableBytes == 0 {
                        state.bytes.clear()
                        state.scanned = 0
                    } else if state.bytes.readerIndex > 65536 {
                        state.bytes.discardReadBytes()
                    }
                    return (bytes, 0, 0, false)
                case .needs(let count):
                    if let failure = state.failure { throw failure }
                    if state.closedByPeer {
                        if state.tls == .handshaking { throw MailTransportError.tls("the server closed the connection during the TLS handshake") }
                        throw MailTransportError.closed
                    }
                    state.wanted = max(count, 1)
                    state.nextWaiterID &+= 1
                    let held = state.readHeld
                    state.readHeld = false
                    return (nil, state.events, state.nextWaiterID, held)
                }
            }
            if let bytes = look.bytes { return bytes }
            // Through the pipeline from its tail, so the handler sees the read and lets it pass.
            if look.read { channel.read() }
            try await wait(id: look.id, after: look.events, deadline: deadline, eventLoop: channel.eventLoop, what: what)
        }
    }

    /// Parks until the next event, unless one came since `events` was read.
    private func wait(id: UInt64, after events: UInt64, deadline: NIODeadline, eventLoop: any EventLoop, what: String) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let parked = state.withLock { state -> Bool in
                    guard state.events == events else { return false }
                    state.waiter = Waiter(id: id, continuation: continuation)
                    return true
                }
                guard parked else { return continuation.resume() }
                let timer = eventLoop.scheduleTask(deadline: deadline) {
                    self.endWait(id: id, throwing: MailTransportError.timedOut(what))
                }
                let current = state.withLock { state -> Bool in
                    guard state.waiter?.id == id else { return false }
                    state.waiter?.timer = timer
                    return true
                }
                if !current { timer.cancel() }
                // A cancellation that came before the waiter was parked found nothing to end.
                if Task.isCancelled { endWait(id: id, throwing: CancellationError()) }
            }
        } onCancel: {
            endWait(id: id, throwing: CancellationError())
        }
    }

    private func endWait(id: UInt64, throwing error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard state.waiter?.id == id else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(throwing: error)
    }
}
