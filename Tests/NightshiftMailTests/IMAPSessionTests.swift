import Testing
@testable import NightshiftMail

/// The IMAP client's session against scripted servers: greetings, STARTTLS, the three ways to
/// log in, refusals and goodbyes. Each script is the exact exchange, so a test also proves what
/// the client wrote.
@Suite("IMAP session")
struct IMAPSessionTests {
    typealias Step = ScriptedChannel.Step

    @Test("a greeting without capabilities makes the first command A1 CAPABILITY")
    func greetingWithoutCapabilities() async throws {
        let (client, channel) = try await IMAPScripts.client([
            .server("* OK IMAP server ready\r\n"),
            .client("A1 CAPABILITY\r\n"),
            .server("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\nA1 OK Capability completed.\r\n"),
        ])
        #expect(await client.capabilities == ["IMAP4REV1", "STARTTLS", "LOGINDISABLED"])
        #expect(await client.state == .notAuthenticated)
        try channel.finish()
    }

    @Test("PREAUTH starts logged in; BYE turns the connection away with the server's words")
    func preauthAndBye() async throws {
        let (client, _) = try await IMAPScripts.client([.server("* PREAUTH [CAPABILITY IMAP4rev1] welcome back\r\n")])
        #expect(await client.state == .authenticated)
        let error = await #expect(throws: IMAPError.self) {
            _ = try await IMAPScripts.client([.server("* BYE Too many connections from your IP\r\n"), .drop])
        }
        #expect(error?.kind == .bye)
        #expect(error?.serverText == "Too many connections from your IP")
        await #expect(throws: IMAPError.self) { _ = try await IMAPScripts.client([.server("A1 OK not a greeting\r\n")]) }
    }

    @Test("LOGIN when the server offers no AUTH=PLAIN, the password quoted with its escapes")
    func login() async throws {
        let (client, channel) = try await IMAPScripts.client([
            .server("* OK [CAPABILITY IMAP4rev1] ready\r\n"),
            .client("A1 LOGIN \"agent@example.com\" \"pa\\\"ss\\\\word\"\r\n"),
            .server("A1 OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] Logged in\r\n"),
        ])
        try await client.login(user: "agent@example.com", password: #"pa"ss\word"#)
        #expect(await client.state == .authenticated)
        #expect(await client.capabilities.contains("IDLE"))
        try channel.finish()
    }

    @Test("a password with a line break or 8-bit characters goes as a literal")
    func loginLiteral() async throws {
        let (client, channel) = try await IMAPScripts.client([
            .server("* OK [CAPABILITY IMAP4rev1] ready\r\n"),
            .client("A1 LOGIN \"u\" {5}\r\n"),
            .server("+ Ready for literal data\r\n"),
            .client("pä\ns\r\n"),
            .server("A1 OK Logged in\r\n"),
            .client("A2 CAPABILITY\r\n"),
            .server("* CAPABILITY IMAP4rev1 IDLE\r\nA2 OK done\r\n"),
        ])
        try await client.login(user: "u", password: "pä\ns")
        try channel.finish()
    }

    @Test("AUTHENTICATE PLAIN with SASL-IR sends the initial response inline")
    func authenticatePlainInline() async throws {
        let (client, channel) = try await IMAPScripts.client([
            .server("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN] ready\r\n"),
            .client("A1 AUTHENTICATE PLAIN AHVzZXIAc2VjcmV0\r\n"),
            .server("A1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n"),
        ])
        try await client.login(user: "user", password: "secret")
        #expect(await client.state == .authenticated)
        try channel.finish()
    }

    @Test("AUTHENTICATE PLAIN without SASL-IR waits for the server's + and cancels a second one")
    func authenticatePlainStepwise() async throws {
        let (client, channel) = try await IMAPScripts.client([
            .server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"),
            .client("A1 AUTHENTICATE PLAIN\r\n"),
            .server("+ \r\n"),
            .client("AHVzZXIAc2VjcmV0\r\n"),
            .server("A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n"),
        ])
        try await client.login(user: "user", password: "secret")
        try channel.finish()

        let (second, secondChannel) = try await IMAPScripts.client([
            .server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"),
            .client("A1 AUTHENTICATE PLAIN\r\n"),
            .server("+\r\n"),
            .client("AHVzZXIAc2VjcmV0\r\n"),
            .server("+ more?\r\n"),
            .client("*\r\n"),
            .server("A1 BAD Authentication aborted by client\r\n"),
        ])
        let error = await #expect(throws: IMAPError.self) { try await second.login(user: "user", password: "secret") }
        #expect(error?.kind == .bad)
        #expect(error?.command == "AUTHENTICATE")
        try secondChannel.finish()
    }

    @Test("LOGINDISABLED without AUTH=PLAIN: nothing is sent, the error says to start TLS")
    func loginDisabled() async throws {
        let (client, channel) = try await IMAPScripts.client([.server("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n")])
        let error = await #expect(throws: IMAPError.self) { try await client.login(user: "user", password: "secret") }
        #expect(error?.kind == .loginDisabled)
        #expect(error?.message.contains("start TLS") == true)
        #expect(channel.transcript.isEmpty)
        #expect(await client.state == .notAuthenticated)
    }

    @Test("a refused login names the command and the server's text, never the password")
    func refusedLoginHidesPassword() async throws {
        let (client, _) = try await IMAPScripts.client([
            .server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready\r\n"),
            .clientLine { $0.hasPrefix("A1 AUTHENTICATE PLAIN ") },
            .server("A1 NO [AUTHENTICATIONFAILED] Authentication failed for hunter2 (AHVzZXIAaHVudGVyMg==)\r\n"),
            .clientLine { $0.hasPrefix("A2 AUTHENTICATE PLAIN ") },
            .server("A2 OK Logged in\r\n"),
            .client("A3 CAPABILITY\r\n"),
            .server("* CAPABILITY IMAP4rev1\r\nA3 OK\r\n"),
        ])
        let error = await #expect(throws: IMAPError.self) { try await client.login(user: "user", password: "hunter2") }
        #expect(error?.kind == .no)
        #expect(error?.command == "AUTHENTICATE")
        let shown = "\(error.map { "\($0)" } ?? "") \(error?.serverText ?? "")"
        #expect(shown.contains("Authentication failed"))
        #expect(!shown.contains("hunter2"))
        #expect(!shown.contains("AHVzZXIAaHVudGVyMg=="))
        // A NO leaves the session usable: the next try goes through.
        try await client.login(user: "user", password: "hunter2")
    }

    @Test("STARTTLS: the command, the channel's handshake, then CAPABILITY read again")
    func startTLS() async throws {
        let (client, channel) = try await IMAPScripts.client([
            .server("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"),
            .client("A1 STARTTLS\r\n"),
            .server("A1 OK Begin TLS negotiation now.\r\n"),
            .client("A2 CAPABILITY\r\n"),
            .server("* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\r\nA2 OK Pre-login capabilities listed.\r\n"),
            .client("A3 AUTHENTICATE PLAIN AHVzZXIAc2VjcmV0\r\n"),
            .server("A3 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n"),
        ])
        try await client.startTLS()
        #expect(channel.tlsStarts == 1)
        #expect(await client.capabilities == ["IMAP4REV1", "AUTH=PLAIN", "SASL-IR"])
        try await client.login(user: "user", password: "secret")
        try channel.finish()
    }

    @Test("STARTTLS refuses a server that does not offer it, and bytes injected after its OK")
    func startTLSRefusals() async throws {
        let (plain, plainChannel) = try await IMAPScripts.client([.server("* OK [CAPABILITY IMAP4rev1] ready\r\n")])
        let missing = await #expect(throws: IMAPError.self) { try await plain.startTLS() }
        #expect(missing?.kind == .notSupported)
        #expect(plainChannel.transcript.isEmpty)

        let (client, channel) = try await IMAPScripts.client([
            .server("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"),
            .client("A1 STARTTLS\r\n"),
            .server("A1 OK Begin TLS negotiation now.\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n"),
        ])
        await #expect(throws: MailTransportError.self) { try await client.startTLS() }
        #expect(channel.tlsStarts == 0)
        let after = await #expect(throws: IMAPError.self) { try await client.login(user: "user", password: "secret") }
        #expect(after?.kind == .unusable)
    }

    @Test("a NO names the command and the server's text; a failed SELECT leaves no mailbox selected")
    func refusals() async throws {
        let (client, channel) = try await IMAPScripts.client(
            IMAPScripts.selected() + [
                .client("A2 SELECT \"Nope\"\r\n"),
                .server("A2 NO Mailbox doesn't exist: Nope\r\n"),
                .client("A3 NOOP\r\n"),
                .server("A3 OK NOOP completed.\r\n"),
            ])
        _ = try await client.select("INBOX")
        let no = await #expect(throws: IMAPError.self) { _ = try await client.select("Nope") }
        #expect(no?.kind == .no)
        #expect(no?.command == "SELECT")
        #expect(no?.serverText == "Mailbox doesn't exist: Nope")
        #expect(await client.state == .authenticated)
        #expect(await client.mailbox == nil)
        await #expect(throws: IMAPError.self) { _ = try await client.uids(after: 0) }
        try await client.noop()
        try channel.finish()
    }

    @Test("a BAD for a search, then the next command still runs")
    func badKeepsUsable() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 UID SEARCH FROZZLE\r\n"),
            .server("A2 BAD Unknown argument\r\n"),
            .client("A3 NOOP\r\n"),
            .server("* 4 EXISTS\r\nA3 OK done\r\n"),
        ])
        let bad = await #expect(throws: IMAPError.self) { _ = try await client.uidSearch("FROZZLE") }
        #expect(bad?.kind == .bad)
        #expect(bad?.command == "UID SEARCH")
        try await client.noop()
        #expect(await client.mailbox?.exists == 4)
        try channel.finish()
    }

    @Test("a BYE mid-session is an error with its text; the client is unusable after it")
    func byeMidSession() async throws {
        let (client, _) = try await IMAPScripts.selectedClient([
            .client("A2 NOOP\r\n"),
            .server("* BYE Server shutting down.\r\n"),
            .drop,
        ])
        let error = await #expect(throws: IMAPError.self) { try await client.noop() }
        #expect(error?.kind == .bye)
        #expect(error?.serverText == "Server shutting down.")
        let after = await #expect(throws: IMAPError.self) { try await client.noop() }
        #expect(after?.kind == .unusable)
    }

    @Test("LOGOUT reads the BYE and the reply, and closes the channel")
    func logout() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 LOGOUT\r\n"),
            .server("* BYE Logging out\r\nA2 OK Logout completed.\r\n"),
        ])
        try await client.logout()
        #expect(channel.isClosed)
        #expect(await client.state == .loggedOut)
        let after = await #expect(throws: IMAPError.self) { try await client.noop() }
        #expect(after?.kind == .wrongState)
    }

    @Test("ALERT texts are kept for the operator")
    func alerts() async throws {
        let (client, _) = try await IMAPScripts.selectedClient([
            .client("A2 NOOP\r\n"),
            .server("* OK [ALERT] Mailbox is at 95% of quota\r\nA2 OK done\r\n"),
        ])
        try await client.noop()
        #expect(await client.alerts == ["Mailbox is at 95% of quota"])
    }
}
