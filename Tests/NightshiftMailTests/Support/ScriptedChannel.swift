import Synchronization
@testable import NightshiftMail

/// A ``MailChannel`` that plays a server from a script, for the protocol clients' tests.
///
/// The script is a list of steps in order: what the server sends, what the client must write next
/// (byte for byte, however many writes it takes), and the connection dropping. A client that reads
/// while the script waits for its write, or writes what the script does not expect, fails the read
/// or write with ``ScriptError``; ``finish()`` reports a script not played to its end.
final class ScriptedChannel: MailChannel, @unchecked Sendable {
    enum Step: Sendable {
        /// The server sends these bytes (a line's CRLF included when wanted).
        case server(String)
        /// The server sends raw bytes.
        case serverBytes([UInt8])
        /// The client must write exactly this next.
        case client(String)
        /// The client must write a line for which `matches` holds (its CRLF excluded).
        case clientLine(@Sendable (String) -> Bool)
        /// The connection drops: reads after the buffered bytes throw ``MailTransportError/closed``.
        case drop
        /// The server says nothing until the client writes again: a read here waits until its
        /// task is cancelled, as a real one would until its timeout (for IDLE's wait).
        case silence
    }

    struct ScriptError: Error, CustomStringConvertible {
        var description: String
    }

    private struct State {
        var steps: [Step]
        var next = 0
        var inbound: [UInt8] = []
        var outbound: [UInt8] = []
        var dropped = false
        var closed = false
        var tls = false
        var written: [UInt8] = []
        var tlsStarts = 0
    }

    private let state: Mutex<State>

    init(_ steps: [Step]) {
        state = Mutex(State(steps: steps))
    }

    /// Everything the client wrote, as text.
    var transcript: String { state.withLock { String(decoding: $0.written, as: UTF8.self) } }
    /// How many times TLS was started.
    var tlsStarts: Int { state.withLock { $0.tlsStarts } }
    var isTLS: Bool { state.withLock { $0.tls } }
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Throws unless every step was played.
    func finish() throws {
        try state.withLock { state in
            guard state.next == state.steps.count else {
                throw ScriptError(description: "the script stopped at step \(state.next) of \(state.steps.count): \(state.steps[state.next])")
            }
        }
    }

    /// Moves the server's steps into the inbound bytes until a client step or the end.
    private static func advance(_ state: inout State) {
        while state.next < state.steps.count {
            switch state.steps[state.next] {
            case .server(let text): state.inbound += Array(text.utf8)
            case .serverBytes(let bytes): state.inbound += bytes
            case .drop: state.dropped = true
            case .client, .clientLine, .silence: return
            }
            state.next += 1
        }
    }

    /// The bytes `body` takes from what the server sent; nil while the script is silent.
    private func take(_ body: (inout State) throws -> [UInt8]?) throws -> [UInt8]? {
        try state.withLock { state in
            if state.closed { throw MailTransportError.closed }
            Self.advance(&state)
            if let bytes = try body(&state) { return bytes }
            if state.dropped || state.next == state.steps.count { throw MailTransportError.closed }
            if case .silence = state.steps[state.next] { return nil }
            throw ScriptError(description: "the client reads, but the script waits for it to write \(state.steps[state.next])")
        }
    }

    /// Takes with `body`; in a silence, looks again every 20 ms (nothing but the client's own
    /// write ends one) until the task is cancelled, which throws `CancellationError`.
    private func read(_ body: (inout State) throws -> [UInt8]?) async throws -> [UInt8] {
        while true {
            if let bytes = try take(body) { return bytes }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func readLine(limit: Int) async throws -> [UInt8] {
        try await read { state in
            guard let end = state.inbound.firstIndex(of: 0x0A) else {
                if state.inbound.count > limit { throw MailTransportError.lineTooLong(limit) }
                return nil
            }
            if end > limit { throw MailTransportError.lineTooLong(limit) }
            var line = Array(state.inbound[..<end])
            state.inbound.removeFirst(end + 1)
            if line.last == 0x0D { line.removeLast() }
            return line
        }
    }

    func readBytes(count: Int) async throws -> [UInt8] {
        try await read { state in
            guard state.inbound.count >= count else { return nil }
            let bytes = Array(state.inbound[..<count])
            state.inbound.removeFirst(count)
            return bytes
        }
    }

    func write(_ bytes: [UInt8]) async throws {
        try state.withLock { state in
            if state.closed || state.dropped { throw MailTransportError.closed }
            state.written += bytes
            state.outbound += bytes
            Self.advance(&state)
            while state.next < state.steps.count {
                switch state.steps[state.next] {
                case .client(let expected):
                    let want = Array(expected.utf8)
                    let count = min(want.count, state.outbound.count)
                    guard Array(state.outbound[..<count]) == Array(want[..<count]) else {
                        throw ScriptError(
                            description: "the client wrote \(String(decoding: state.outbound, as: UTF8.self).debugDescription), the script expects \(expected.debugDescription)"
                        )
                    }
                    guard state.outbound.count >= want.count else { return }
                    state.outbound.removeFirst(want.count)
                case .silence:
                    // A silence ends when the client writes again, not before.
                    guard !state.outbound.isEmpty else { return }
                case .clientLine(let matches):
                    guard let end = state.outbound.firstIndex(of: 0x0A) else { return }
                    var line = Array(state.outbound[..<end])
                    if line.last == 0x0D { line.removeLast() }
                    let text = String(decoding: line, as: UTF8.self)
                    guard matches(text) else { throw ScriptError(description: "the client wrote the line \(text.debugDescription), which the script does not expect") }
                    state.outbound.removeFirst(end + 1)
                default:
                    return
                }
                state.next += 1
                Self.advance(&state)
            }
            if !state.outbound.isEmpty {
                throw ScriptError(description: "the client wrote \(String(decoding: state.outbound, as: UTF8.self).debugDescription) after the script's end")
            }
        }
    }

    func startTLS() async throws {
        try state.withLock { state in
            guard state.inbound.isEmpty else { throw MailTransportError.protocolViolation("bytes arrived before the TLS handshake") }
            state.tls = true
            state.tlsStarts += 1
        }
    }

    func close() async {
        state.withLock { $0.closed = true }
    }
}
