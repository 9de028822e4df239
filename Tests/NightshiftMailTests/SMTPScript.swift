import Synchronization
import Testing

@testable import NightshiftMail

/// Pieces of SMTP server scripts for ``ScriptedChannel``, and the session opened on them.
enum SMTPScript {
    static let hostname = "client.example.com"

    /// The usual greeting, EHLO and a reply announcing `extensions`.
    static func greeting(_ extensions: [String]) -> [ScriptedChannel.Step] {
        [.server("220 mx.example.org ESMTP ready\r\n"), .client("EHLO \(hostname)\r\n"), .server(ehloReply(extensions))]
    }

    /// A 250 reply to EHLO: the server's name, then one line per extension.
    static func ehloReply(_ extensions: [String]) -> String {
        let lines = ["mx.example.org greets \(hostname)"] + extensions
        return lines.enumerated().map { index, line in "250\(index == lines.count - 1 ? " " : "-")\(line)\r\n" }.joined()
    }

    /// MAIL FROM (with `parameters`), RCPT TO each, DATA, `wire` (the message as it must be
    /// written, dot-stuffed, with the final dot) and the server's 250.
    static func transaction(
        from: String = "me@example.com", to: [String] = ["ann@example.org"], parameters: String = "", wire: String,
        queued: String = "250 2.0.0 Ok: queued as 4Xb2Kq"
    ) -> [ScriptedChannel.Step] {
        var steps: [ScriptedChannel.Step] = [.client("MAIL FROM:<\(from)>\(parameters)\r\n"), .server("250 2.1.0 Ok\r\n")]
        for recipient in to {
            steps += [.client("RCPT TO:<\(recipient)>\r\n"), .server("250 2.1.5 Ok\r\n")]
        }
        steps += [.client("DATA\r\n"), .server("354 End data with <CR><LF>.<CR><LF>\r\n"), .client(wire), .server(queued + "\r\n")]
        return steps
    }

    /// A session opened (without TLS) on a script that starts with ``greeting(_:)``.
    static func open(_ extensions: [String], then steps: [ScriptedChannel.Step]) async throws -> (SMTPSession, ScriptedChannel) {
        let channel = ScriptedChannel(greeting(extensions) + steps)
        let session = try await SMTPSession.open(channel: channel, security: .none, hostname: hostname)
        return (session, channel)
    }

    /// The error `body` throws; a test failure when it throws none or another kind of error.
    static func error<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> SMTPError? {
        do {
            _ = try await body()
            Issue.record("no error was thrown", sourceLocation: sourceLocation)
        } catch let error as SMTPError {
            return error
        } catch {
            Issue.record("\(error) is not an SMTPError", sourceLocation: sourceLocation)
        }
        return nil
    }
}

/// A ``ScriptedChannel`` whose next read, once armed, waits until released, so a test can act
/// while a call on the session is in the middle of its exchange.
final class GatedChannel: MailChannel {
    let inner: ScriptedChannel
    private let armed = Mutex(false)
    private let reached: AsyncStream<Void>
    private let reachedContinuation: AsyncStream<Void>.Continuation
    private let released: AsyncStream<Void>
    private let releaseContinuation: AsyncStream<Void>.Continuation

    init(_ inner: ScriptedChannel) {
        self.inner = inner
        (reached, reachedContinuation) = AsyncStream<Void>.makeStream()
        (released, releaseContinuation) = AsyncStream<Void>.makeStream()
    }

    /// Makes the next read wait for ``release()``.
    func arm() { armed.withLock { $0 = true } }

    /// Returns once a read is waiting at the gate.
    func waitUntilReached() async {
        for await _ in reached { return }
    }

    /// Lets the waiting read go on.
    func release() { releaseContinuation.yield() }

    func readLine(limit: Int) async throws -> [UInt8] {
        let wait = armed.withLock { armed in
            defer { armed = false }
            return armed
        }
        if wait {
            reachedContinuation.yield()
            for await _ in released { break }
        }
        return try await inner.readLine(limit: limit)
    }

    func readBytes(count: Int) async throws -> [UInt8] { try await inner.readBytes(count: count) }
    func write(_ bytes: [UInt8]) async throws { try await inner.write(bytes) }
    func startTLS() async throws { try await inner.startTLS() }
    var isTLS: Bool { inner.isTLS }
    func close() async { await inner.close() }
}
