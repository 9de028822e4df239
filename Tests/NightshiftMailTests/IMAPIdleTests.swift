import Testing
@testable import NightshiftMail

/// IDLE (RFC 2177): new mail and expunges end the wait, the time running out sends DONE, a long
/// wait is renewed, and every way out reads the server's reply first.
@Suite("IMAP IDLE")
struct IMAPIdleTests {
    @Test("an EXISTS above the count ends the IDLE with .newMessages, after DONE and the reply")
    func newMessages() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 IDLE\r\n"),
            .server("+ idling\r\n* 4 EXISTS\r\n"),
            .client("DONE\r\n"),
            .server("* 1 RECENT\r\nA2 OK Idle completed (0.001 + 3.004 secs).\r\n"),
        ])
        #expect(try await client.idle(timeout: .seconds(60)) == .newMessages(exists: 4))
        #expect(await client.mailbox?.exists == 4)
        #expect(await client.mailbox?.recent == 1)
        try channel.finish()
    }

    @Test("an EXPUNGE ends the IDLE with .expunged; an EXISTS in the same breath makes it .newMessages")
    func expunged() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 IDLE\r\n"),
            .server("+ idling\r\n* 2 EXPUNGE\r\n"),
            .client("DONE\r\n"),
            .server("A2 OK Idle completed.\r\n"),
            .client("A3 IDLE\r\n"),
            .server("+ idling\r\n* 1 EXPUNGE\r\n"),
            .client("DONE\r\n"),
            .server("* 2 EXISTS\r\nA3 OK Idle completed.\r\n"),
        ])
        #expect(try await client.idle(timeout: .seconds(60)) == .expunged)
        #expect(await client.mailbox?.exists == 2)
        #expect(try await client.idle(timeout: .seconds(60)) == .newMessages(exists: 2))
        try channel.finish()
    }

    @Test("the time running out sends DONE, reads the reply and returns .timedOut; keep-alives and same counts do not wake it")
    func timedOut() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 IDLE\r\n"),
            .server("+ idling\r\n* OK Still here\r\n* 3 EXISTS\r\n"),
            .silence,
            .client("DONE\r\n"),
            .server("A2 OK Idle completed.\r\n"),
            .client("A3 NOOP\r\n"),
            .server("A3 OK done\r\n"),
        ])
        let clock = ContinuousClock()
        let started = clock.now
        #expect(try await client.idle(timeout: .milliseconds(150)) == .timedOut)
        #expect(clock.now - started >= .milliseconds(150))
        try await client.noop()
        try channel.finish()
    }

    @Test("an IDLE longer than idleRenewal is ended with DONE and begun again, and still sees the mail that comes")
    func renewal() async throws {
        var configuration = IMAPClient.Configuration()
        configuration.idleRenewal = .milliseconds(100)
        let (client, channel) = try await IMAPScripts.selectedClient(
            [
                .client("A2 IDLE\r\n"),
                .server("+ idling\r\n"),
                .silence,
                .client("DONE\r\n"),
                .server("A2 OK Idle completed.\r\n"),
                .client("A3 IDLE\r\n"),
                .server("+ idling\r\n* 4 EXISTS\r\n"),
                .client("DONE\r\n"),
                .server("A3 OK Idle completed.\r\n"),
            ], configuration: configuration)
        #expect(try await client.idle(timeout: .seconds(60)) == .newMessages(exists: 4))
        try channel.finish()
    }

    @Test("a server that does not offer IDLE is refused before anything is sent; so is IDLE with no mailbox")
    func notSupported() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([], capabilities: "IMAP4rev1")
        let error = await #expect(throws: IMAPError.self) { _ = try await client.idle(timeout: .seconds(1)) }
        #expect(error?.kind == .notSupported)
        #expect(channel.transcript == "A1 SELECT \"INBOX\"\r\n")

        let (unselected, _) = try await IMAPScripts.client([.server("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n")])
        let state = await #expect(throws: IMAPError.self) { _ = try await unselected.idle(timeout: .seconds(1)) }
        #expect(state?.kind == .wrongState)
    }

    @Test("a BYE during IDLE is an error with the server's words")
    func byeDuringIdle() async throws {
        let (client, _) = try await IMAPScripts.selectedClient([
            .client("A2 IDLE\r\n"),
            .server("+ idling\r\n* BYE Disconnected for inactivity.\r\n"),
            .drop,
        ])
        let error = await #expect(throws: IMAPError.self) { _ = try await client.idle(timeout: .seconds(60)) }
        #expect(error?.kind == .bye)
        #expect(error?.serverText == "Disconnected for inactivity.")
    }

    @Test("a NO to IDLE is an error naming IDLE")
    func idleRefused() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 IDLE\r\n"),
            .server("A2 NO IDLE not allowed now\r\n"),
        ])
        let error = await #expect(throws: IMAPError.self) { _ = try await client.idle(timeout: .seconds(60)) }
        #expect(error?.kind == .no)
        #expect(error?.command == "IDLE")
        try channel.finish()
    }
}
