import Testing
@testable import NightshiftMail

/// The IMAP client over a real ``MailConnection`` to a NIO server on 127.0.0.1, where bytes come
/// when they come: literals split across TCP writes, and IDLE woken by mail that arrives later
/// or outlasting the connection's own read timeout.
@Suite("IMAP over TCP")
struct IMAPOverTCPTests {
    /// Plays the greeting and a SELECT of INBOX (3 messages), then `rest`, then LOGOUT.
    static func selectedServer(_ rest: @escaping @Sendable (ConnectionTestPeer) async throws -> Void) -> @Sendable (ConnectionTestPeer) async throws -> Void {
        { peer in
            try await peer.send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\r\n")
            #expect(try await peer.readLine() == "A1 SELECT \"INBOX\"")
            try await peer.send("* 3 EXISTS\r\n* OK [UIDVALIDITY 9] ok\r\nA1 OK [READ-WRITE] done\r\n")
            try await rest(peer)
            let logout = try await peer.readLine() ?? ""
            #expect(logout.hasSuffix(" LOGOUT"))
            try await peer.send("* BYE Logging out\r\n\(logout.prefix { $0 != " " }) OK Logout completed.\r\n")
            #expect(try await peer.readLine() == nil)
        }
    }

    static func client(_ port: Int, timeout: Duration = .seconds(10)) async throws -> IMAPClient {
        let connection = try await MailConnection.connect(MailEndpoint(host: "127.0.0.1", port: port, security: .none, timeout: timeout))
        let client = try await IMAPClient(channel: connection)
        _ = try await client.select("INBOX")
        return client
    }

    @Test("a FETCH whose literals arrive in pieces, one split inside its {n}, comes out whole")
    func splitLiterals() async throws {
        let body = Array("Subject: split\r\n\r\nline one\r\nline two\r\n".utf8)
        try await ConnectionTestServer.run(
            server: Self.selectedServer { peer in
                #expect(try await peer.readLine() == "A2 UID FETCH 4:5 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]<0.1000>)")
                let pieces = [
                    "* 1 FETCH (UID 4 RFC822.SIZE \(body.count) BODY[]<0> {\(body.count)}\r\nSubject: sp",
                    "lit\r\n\r\nline one\r", "\nline two\r\n)\r\n* 2 FETCH (UID 5 BODY[]<0> {",
                    "0}\r\n)\r\nA2 OK done\r\n",
                ]
                for piece in pieces {
                    try await peer.send(piece)
                    try await Task.sleep(for: .milliseconds(30))
                }
            },
            client: { port in
                let client = try await Self.client(port)
                let messages = try await client.fetch(uids: [4, 5], maxBytes: 1000)
                #expect(messages.map(\.uid) == [4, 5])
                #expect(messages.first?.bytes == body)
                #expect(messages.last?.bytes == [])
                try await client.logout()
            })
    }

    @Test("mail arriving during IDLE wakes it at once")
    func idleWokenLater() async throws {
        try await ConnectionTestServer.run(
            server: Self.selectedServer { peer in
                #expect(try await peer.readLine() == "A2 IDLE")
                try await peer.send("+ idling\r\n")
                try await Task.sleep(for: .milliseconds(200))
                try await peer.send("* 4 EXISTS\r\n")
                #expect(try await peer.readLine() == "DONE")
                try await peer.send("A2 OK Idle completed.\r\n")
            },
            client: { port in
                let client = try await Self.client(port)
                let clock = ContinuousClock()
                let started = clock.now
                #expect(try await client.idle(timeout: .seconds(30)) == .newMessages(exists: 4))
                #expect(clock.now - started < .seconds(10))
                try await client.logout()
            })
    }

    @Test("an IDLE longer than the connection's read timeout ends on its own time, and the session goes on")
    func idleOutlastsReadTimeout() async throws {
        try await ConnectionTestServer.run(
            server: Self.selectedServer { peer in
                #expect(try await peer.readLine() == "A2 IDLE")
                try await peer.send("+ idling\r\n")
                #expect(try await peer.readLine() == "DONE")
                try await peer.send("A2 OK Idle completed.\r\n")
                #expect(try await peer.readLine() == "A3 NOOP")
                try await peer.send("A3 OK done\r\n")
            },
            client: { port in
                let client = try await Self.client(port, timeout: .milliseconds(250))
                let clock = ContinuousClock()
                let started = clock.now
                #expect(try await client.idle(until: started.advanced(by: .milliseconds(900))) == .timedOut)
                #expect(clock.now - started >= .milliseconds(900))
                try await client.noop()
                try await client.logout()
            })
    }
}
