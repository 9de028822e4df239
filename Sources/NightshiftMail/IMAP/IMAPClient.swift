/// An IMAP4rev1 client (RFC 3501) over any ``MailChannel``: log in, find the mailboxes, read new
/// messages by UID without marking them seen, wait for mail with IDLE, and file sent mail.
///
/// One command runs at a time; a call made while another runs throws
/// ``IMAPError/Kind/busy``. Untagged EXISTS, EXPUNGE and RECENT that arrive during any command
/// keep ``mailbox`` current. A failure that leaves the conversation in an unknown state (a drop,
/// a timeout, a malformed response, a BYE) makes every later call throw
/// ``IMAPError/Kind/unusable``: connect again.
///
/// Tags are `A1`, `A2`, `A3`… in the order commands are sent, starting after the greeting (so a
/// scripted server knows each one): when the greeting carries no `[CAPABILITY …]`, the client's
/// first command is `A1 CAPABILITY`.
///
/// ```swift
/// let connection = try await MailConnection.connect(MailEndpoint(host: "imap.example.com", port: 993, security: .tls))
/// let client = try await IMAPClient(channel: connection)
/// try await client.login(user: "agent@example.com", password: secret)
/// let inbox = try await client.select("INBOX", readOnly: true)
/// try await client.fetch(uids: try await client.uids(after: lastSeenUID), maxBytes: 1 << 20) { message in
///     try await store.save(message)   // each stored before the next is read
/// }
/// ```
public actor IMAPClient {
    /// Limits and timings, each with a default that suits a personal mailbox.
    public struct Configuration: Sendable {
        /// The largest literal accepted (64 MiB); a larger one is an error before any of it is read.
        /// Fetches ask for at most this many bytes of a message, so a larger message comes truncated.
        public var maxLiteralSize = 64 << 20
        /// The longest line accepted (4 MiB: a SEARCH of a large mailbox is one line).
        public var maxLineLength = 4 << 20
        /// The most bytes one response may hold, its literals included; keep it above
        /// ``maxLiteralSize``, with room for the lines around a message.
        public var maxResponseSize = 72 << 20
        /// How many UIDs one UID FETCH asks for; larger requests are split.
        public var fetchBatchSize = 100
        /// How long one IDLE lasts before it is renewed: RFC 2177 has servers drop an IDLE after
        /// 30 minutes, so 29.
        public var idleRenewal: Duration = .seconds(29 * 60)

        /// The defaults.
        public init() {}
    }

    /// Where the session stands (RFC 3501 §3).
    public enum SessionState: Sendable, Hashable {
        /// Greeted; ``IMAPClient/login(user:password:)`` comes next.
        case notAuthenticated
        /// Logged in (or PREAUTH); no mailbox selected.
        case authenticated
        /// A mailbox is selected: ``IMAPClient/mailbox``.
        case selected
        /// LOGOUT was sent; the connection is closed.
        case loggedOut
    }

    let channel: any MailChannel
    let reader: IMAPResponseReader
    /// The limits this client was made with.
    public let configuration: Configuration
    /// The server's capabilities in upper case (`IMAP4REV1`, `IDLE`, `AUTH=PLAIN`, `STARTTLS`…),
    /// as last announced: after the greeting, STARTTLS and login.
    public internal(set) var capabilities: Set<String> = []
    /// Where the session stands.
    public internal(set) var state = SessionState.notAuthenticated
    /// The selected mailbox, kept current by untagged EXISTS, EXPUNGE and RECENT.
    public internal(set) var mailbox: IMAPMailboxStatus?
    /// The texts of `[ALERT]` responses (RFC 3501 says to show them to the user), the last 16.
    public internal(set) var alerts: [String] = []

    var nextTag = 1
    var busy = false
    var unusableBecause: String?
    var byeText: String?
    /// Set by an untagged EXPUNGE; IDLE clears and reads it.
    var sawExpunge = false

    /// Reads the server's greeting from `channel`, and its capabilities (from the greeting's
    /// `[CAPABILITY …]`, or a CAPABILITY command). Throws ``IMAPError/Kind/bye`` when the server
    /// turns the connection away.
    public init(channel: any MailChannel, configuration: Configuration = Configuration()) async throws {
        self.channel = channel
        self.configuration = configuration
        self.reader = IMAPResponseReader(
            channel: channel,
            maxLineLength: configuration.maxLineLength,
            maxLiteralSize: configuration.maxLiteralSize,
            maxResponseSize: configuration.maxResponseSize
        )
        try await exclusive { try await readGreeting() }
    }

    private func readGreeting() async throws {
        guard case .untagged(.status(let greeting)) = try await nextResponse() else {
            throw IMAPError(.unexpectedResponse, "the server's first line is not a greeting (* OK, * PREAUTH or * BYE)")
        }
        absorb(.status(greeting))
        switch greeting.status {
        case .ok: state = .notAuthenticated
        case .preauth: state = .authenticated
        case .bye: throw IMAPError(.bye, serverText: greeting.text, "the server turned the connection away")
        case .no, .bad: throw IMAPError(.unexpectedResponse, serverText: greeting.text, "the server greeted with \(greeting.status.rawValue)")
        }
        if case .capability = greeting.code { return }
        try await refreshCapabilities()
    }

    /// Sends CAPABILITY and keeps what the server answers.
    func refreshCapabilities() async throws {
        capabilities = []
        try await run(IMAPCommand("CAPABILITY"))
        if capabilities.isEmpty {
            throw IMAPError(.unexpectedResponse, command: "CAPABILITY", "the server listed no capabilities")
        }
    }

    /// Runs `body` as the one command in flight; marks the client unusable when `body` fails in
    /// a way that leaves the conversation in an unknown state.
    func exclusive<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        if let unusableBecause {
            throw IMAPError(.unusable, "an earlier failure left the connection in an unknown state (\(unusableBecause)); connect again")
        }
        guard !busy else {
            throw IMAPError(.busy, "another call on this client is still running; IMAP runs one command at a time")
        }
        busy = true
        defer { busy = false }
        do {
            return try await body()
        } catch let error as IMAPError where Self.keepsConnectionUsable(error.kind) {
            throw error
        } catch {
            unusableBecause = "\(error)"
            throw error
        }
    }

    private static func keepsConnectionUsable(_ kind: IMAPError.Kind) -> Bool {
        [.no, .bad, .invalidArgument, .wrongState, .notSupported, .loginDisabled].contains(kind)
    }

    /// Throws ``IMAPError/Kind/wrongState`` unless the session is in one of `states`.
    func require(_ states: Set<SessionState>, for call: String) throws {
        guard states.contains(state) else {
            let advice =
                switch state {
                case .notAuthenticated: "log in first"
                case .authenticated: states == [.selected] ? "select a mailbox first" : "it is for before login"
                case .selected: "it is for before login"
                case .loggedOut: "the session has logged out; connect again"
                }
            throw IMAPError(.wrongState, "\(call) cannot run now: \(advice)")
        }
    }

    /// Sends NOOP: nothing, but the server may report new or expunged messages, which update
    /// ``mailbox``.
    public func noop() async throws {
        try await exclusive {
            try require([.notAuthenticated, .authenticated, .selected], for: "NOOP")
            try await run(IMAPCommand("NOOP"))
        }
    }

    /// Sends LOGOUT, reads the BYE and the reply, and closes the channel; the channel is closed
    /// even when the server does not answer.
    public func logout() async throws {
        defer { state = .loggedOut }
        do {
            try await exclusive {
                try require([.notAuthenticated, .authenticated, .selected], for: "LOGOUT")
                byeText = nil
                try await run(IMAPCommand("LOGOUT"), expectingBye: true)
            }
        } catch {
            await channel.close()
            throw error
        }
        await channel.close()
    }
}
