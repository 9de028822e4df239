/// An SMTP client session (RFC 5321) over a ``MailChannel``: the greeting, EHLO, STARTTLS,
/// AUTH, then any number of messages, then QUIT.
///
/// ```swift
/// let session = try await SMTPSession.open(channel: connection, security: .starttls, hostname: "night.example.com")
/// try await session.authenticate(user: "me@example.com", password: password)
/// let delivery = try await session.send(from: "me@example.com", to: ["ann@example.org"], message: Array(try mail.rendered().utf8))
/// await session.quit()
/// ```
///
/// The client never pipelines (RFC 2920), even when the server offers it: it writes one command
/// and reads its reply before the next. That costs a round trip per recipient, and every server
/// takes it; a refusal is always the reply to the command just sent.
///
/// Timeouts are the channel's. A failure that leaves the client out of step with the server (the
/// connection dropped or timed out, a reply that could not be read) closes the channel; later
/// calls throw ``SMTPError/Kind/sessionClosed``. A refusal (4xx, 5xx) leaves the session usable.
/// A session does one thing at a time: a call made while another runs throws
/// ``SMTPError/Kind/sessionBusy`` rather than interleave commands.
public actor SMTPSession {
    /// Limits on what the server may send.
    public struct Configuration: Sendable, Hashable {
        /// The longest reply line read, in bytes (RFC 5321 §4.5.3.1.5 allows 512; servers send
        /// longer); a longer one is a malformed reply.
        public var maximumReplyLineLength = 2048
        /// The most lines one reply may have (an EHLO reply has a few dozen at most).
        public var maximumReplyLines = 100
        /// How many bytes of a message go in one write.
        public var writeChunkSize = 64 * 1024

        /// The defaults.
        public init() {}
    }

    let channel: any MailChannel
    let configuration: Configuration
    /// The server's 220 greeting.
    public let greeting: SMTPReply
    /// What the server offers, from its last EHLO reply (after STARTTLS, the one under TLS).
    public internal(set) var extensions = SMTPExtensions()
    /// Whether AUTH succeeded.
    public internal(set) var isAuthenticated = false
    /// Why the session can no longer be used; nil while it can.
    var closedReason: String?
    var busy = false

    private init(channel: any MailChannel, configuration: Configuration, greeting: SMTPReply) {
        self.channel = channel
        self.configuration = configuration
        self.greeting = greeting
    }

    /// Opens a session on a connected channel: reads the greeting, says EHLO (HELO when the
    /// server refuses EHLO with 500 or 502), and with `.starttls` upgrades the connection and
    /// says EHLO again.
    ///
    /// - Parameters:
    ///   - channel: a connection to the server, nothing read from it yet. On failure it is closed.
    ///   - security: `.tls` requires `channel` to be TLS already; `.starttls` requires the server
    ///     to offer STARTTLS, and fails rather than go on in plain text; `.none` is for loopback.
    ///   - hostname: this machine's name, for EHLO.
    /// - Throws: ``SMTPError`` at `greeting` (a 554 greeting is permanent, a 421 transient),
    ///   `ehlo` or `starttls`.
    public static func open(
        channel: any MailChannel, security: MailSecurity, hostname: String, configuration: Configuration = .init()
    ) async throws(SMTPError) -> SMTPSession {
        if let problem = hostnameProblem(hostname) {
            await channel.close()
            throw SMTPError(.invalidArgument, stage: .ehlo, "the host name for EHLO \(problem)")
        }
        if security == .tls, !channel.isTLS {
            await channel.close()
            throw SMTPError(.insecureChannel, stage: .greeting, "security is tls but the channel is not encrypted; refusing to speak in plain text")
        }
        let greeting: SMTPReply
        do {
            greeting = try await readReply(from: channel, configuration: configuration, stage: .greeting)
        } catch {
            await channel.close()
            throw error
        }
        let session = SMTPSession(channel: channel, configuration: configuration, greeting: greeting)
        do throws(SMTPError) {
            guard greeting.code == 220 else {
                throw failure(greeting, stage: .greeting, "the server refused the session")
            }
            try await session.handshake(security: security, hostname: hostname)
        } catch {
            await session.abandon(reason: "the session failed to open: \(error.message)")
            throw error
        }
        return session
    }

    private func handshake(security: MailSecurity, hostname: String) async throws(SMTPError) {
        try await hello(hostname)
        guard security == .starttls else { return }
        guard extensions.startTLS else {
            throw SMTPError(
                .notOffered, stage: .starttls,
                "the server does not offer STARTTLS; nothing was sent in plain text (use security tls on port 465, or check the server)")
        }
        let reply = try await command("STARTTLS", .starttls)
        guard reply.code == 220 else {
            throw Self.failure(reply, stage: .starttls, "the server refused STARTTLS; nothing was sent in plain text")
        }
        do {
            try await channel.startTLS()
        } catch {
            throw await broken(Self.channelFailure(error, stage: .starttls, doing: "starting TLS"))
        }
        guard channel.isTLS else {
            throw await broken(SMTPError(.insecureChannel, stage: .starttls, "the channel did not start TLS"))
        }
        // RFC 3207 §4.2: forget what was learnt in plain text and ask again.
        extensions = SMTPExtensions()
        try await hello(hostname)
    }

    /// EHLO, or HELO when the server does not know EHLO (500, 502).
    private func hello(_ hostname: String) async throws(SMTPError) {
        let reply = try await command("EHLO \(hostname)", .ehlo)
        if reply.isPositive {
            extensions = SMTPExtensions(ehloReply: reply)
            return
        }
        guard reply.code == 500 || reply.code == 502 else {
            throw Self.failure(reply, stage: .ehlo, "the server refused EHLO")
        }
        let helo = try await command("HELO \(hostname)", .ehlo)
        guard helo.isPositive else { throw Self.failure(helo, stage: .ehlo, "the server refused both EHLO and HELO") }
        extensions = SMTPExtensions()
    }

    /// Ends the current mail transaction (RSET), so the next ``send(from:to:message:)`` starts
    /// afresh. ``send(from:to:message:)`` does this itself after a failure that leaves a
    /// transaction open.
    public func reset() async throws(SMTPError) {
        try begin(.reset)
        defer { busy = false }
        let reply = try await command("RSET", .reset)
        guard reply.isPositive else { throw Self.failure(reply, stage: .reset, "the server refused RSET") }
    }

    /// Says QUIT, reads the server's goodbye, and closes the channel. Never fails: the channel is
    /// closed whatever the server says. Called while another call runs, it closes the channel
    /// under that call, which then fails.
    public func quit() async {
        guard closedReason == nil else { return }
        if busy {
            closedReason = "the session was quit"
            await channel.close()
            return
        }
        busy = true
        defer { busy = false }
        await abandon(reason: "the session was quit")
    }

    /// QUIT when the client is in step with the server (a reply to it is read but not needed),
    /// then the channel closed.
    private func abandon(reason: String) async {
        if closedReason == nil {
            _ = try? await command("QUIT", .quit)
        }
        if closedReason == nil {
            closedReason = reason
            await channel.close()
        }
    }
}
