/// Where a mail server listens and how to reach it safely: the address, the protection
/// (``MailSecurity``), the extra roots to trust, and how long any one read may wait.
///
/// ```swift
/// let endpoint = MailEndpoint(host: "imap.example.com", port: 993, security: .tls)
/// let connection = try await MailConnection.connect(endpoint)
/// ```
public struct MailEndpoint: Sendable, Hashable {
    /// The server's host name or IP address, as dialled.
    public var host: String
    /// The TCP port (993 IMAPS, 143 IMAP, 465 SMTPS, 587 submission).
    public var port: Int
    /// Whether TLS starts at once, after STARTTLS, or never.
    public var security: MailSecurity
    /// A PEM file of roots trusted besides the system's, for a server with a self-signed or
    /// private-CA certificate. Verification stays on: the certificate must chain to one of them
    /// and name the host.
    public var caFile: String?
    /// How long one read (a line, a literal, a handshake) or one write may wait before it fails
    /// with ``MailTransportError/timedOut(_:)``; also the TCP connect timeout.
    public var timeout: Duration
    /// The name the certificate must carry and that SNI sends, when it differs from ``host``
    /// (a server dialled by IP address, or through a tunnel). Nil: ``host``.
    public var serverName: String?

    /// An endpoint; `timeout` defaults to 60 seconds, as long as a slow mail server takes to
    /// answer a command.
    public init(
        host: String,
        port: Int,
        security: MailSecurity,
        caFile: String? = nil,
        timeout: Duration = .seconds(60),
        serverName: String? = nil
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.caFile = caFile
        self.timeout = timeout
        self.serverName = serverName
    }

    /// The name the certificate is checked against: ``serverName`` or else ``host``.
    public var verifiedName: String { serverName ?? host }
}

extension MailEndpoint: CustomStringConvertible {
    /// `host:port (security)`, for messages.
    public var description: String { "\(host):\(port) (\(security.rawValue))" }
}
