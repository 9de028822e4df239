/// A connection to a mail server as the protocol clients see it: lines and counted bytes in, bytes
/// out, and TLS started in place (STARTTLS). ``MailConnection`` is the real one (SwiftNIO and
/// NIOSSL); the tests script one.
///
/// Reads wait at most the connection's timeout and throw ``MailTransportError``; a read after the
/// server closed throws ``MailTransportError/closed``.
public protocol MailChannel: AnyObject, Sendable {
    /// The next line without its line end (CRLF, or a bare LF). Throws
    /// ``MailTransportError/lineTooLong(_:)`` when `limit` bytes pass without a line end.
    func readLine(limit: Int) async throws -> [UInt8]
    /// Exactly `count` bytes (an IMAP literal).
    func readBytes(count: Int) async throws -> [UInt8]
    /// Writes `bytes` and flushes them.
    func write(_ bytes: [UInt8]) async throws
    /// Starts TLS on the open connection, once the server has agreed to (STARTTLS): the certificate
    /// checked against the host name and the trusted roots. Bytes the server sent before the
    /// handshake and the client has not read are an error (a STARTTLS injection).
    func startTLS() async throws
    /// Whether the bytes now travel under TLS.
    var isTLS: Bool { get }
    /// Closes the connection; reads waiting throw ``MailTransportError/closed``.
    func close() async
}

/// How a mail connection is protected: `tls` from the first byte (IMAPS 993, SMTPS 465),
/// `starttls` upgraded after the greeting (IMAP 143, submission 587), `none` only on loopback.
public enum MailSecurity: String, Sendable, Hashable, CaseIterable {
    case tls, starttls, none
}

/// Why a mail connection failed. Each names what it was doing, for the operator.
public enum MailTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The connection could not be made (refused, unreachable, DNS).
    case connect(String)
    /// The server closed the connection.
    case closed
    /// Nothing came within the timeout, while doing what the text says.
    case timedOut(String)
    /// A line longer than the limit came.
    case lineTooLong(Int)
    /// The TLS handshake or the certificate failed.
    case tls(String)
    /// The server spoke out of turn (bytes before a STARTTLS handshake, an unexpected reply).
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .connect(let text): "could not connect: \(text)"
        case .closed: "the server closed the connection"
        case .timedOut(let text): "timed out \(text)"
        case .lineTooLong(let limit): "the server sent a line longer than \(limit) bytes"
        case .tls(let text): "TLS failed: \(text)"
        case .protocolViolation(let text): "the server broke the protocol: \(text)"
        }
    }
}
