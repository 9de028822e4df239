import Testing
@testable import NightshiftMail

/// A hostile or broken server gets an error, never a crash or a hang: claimed literal sizes are
/// checked before anything is read, responses are bounded, nesting is bounded, garbage is named.
@Suite("IMAP hostile input")
struct IMAPHostileInputTests {
    /// Runs a NOOP against `reply` and returns what it threw.
    func noopError(_ reply: [ScriptedChannel.Step], configuration: IMAPClient.Configuration = .init()) async throws -> (any Error)? {
        let (client, _) = try await IMAPScripts.selectedClient([.client("A2 NOOP\r\n")] + reply, configuration: configuration)
        do {
            try await client.noop()
            return nil
        } catch {
            // Whatever it was, the client refuses to go on in an unknown state.
            let after = await #expect(throws: IMAPError.self) { try await client.noop() }
            #expect(after?.kind == .unusable)
            return error
        }
    }

    @Test("a huge literal size is refused before a byte of it is read")
    func hugeLiteral() async throws {
        for size in ["67108865", "99999999999999999999999999999999", "18446744073709551616"] {
            let error = try await noopError([.server("* 1 FETCH (UID 4 BODY[]<0> {\(size)}\r\n"), .drop])
            #expect((error as? IMAPError)?.kind == .literalTooLarge, "\(size)")
        }
    }

    @Test("a response past maxResponseSize, and endless {0} literals, are refused")
    func responseTooLarge() async throws {
        var configuration = IMAPClient.Configuration()
        configuration.maxResponseSize = 1000
        let big = try await noopError(
            [.server("* 1 FETCH (A {600}\r\n" + String(repeating: "x", count: 600) + " B {600}\r\n"), .drop], configuration: configuration)
        #expect((big as? IMAPError)?.kind == .responseTooLarge)
        let endless = try await noopError(
            [.server("* 1 FETCH (A {0}\r\n" + String(repeating: " B {0}\r\n", count: 5000)), .drop], configuration: configuration)
        #expect((endless as? IMAPError)?.kind == .responseTooLarge)
    }

    @Test("a line past maxLineLength is the channel's lineTooLong")
    func longLine() async throws {
        var configuration = IMAPClient.Configuration()
        configuration.maxLineLength = 100
        let error = try await noopError([.server("* OK " + String(repeating: "x", count: 500)), .drop], configuration: configuration)
        #expect(error as? MailTransportError == .lineTooLong(100))
    }

    @Test(
        "unbalanced parentheses, garbage and deep nesting are malformed responses",
        arguments: [
            "* 1 FETCH (UID 4 FLAGS (\\Seen BODY[]<0> {0}\r\n\r\n",
            "* 1 FETCH (UID 4))))\r\n",
            "\u{0}\u{7F}\u{1B}[31m\r\n",
            "* 1 FETCH (X " + String(repeating: "(", count: 10_000) + "\r\n",
            "A2 OK [UIDVALIDITY\r\n",
            "* 1 FETCH (UID \"4\\\r\n",
        ]
    )
    func malformed(_ reply: String) async throws {
        let error = try await noopError([.server(reply), .drop])
        #expect((error as? IMAPError)?.kind == .malformedResponse)
    }

    @Test("a reply with someone else's tag, or a + nobody asked for, is an unexpected response")
    func outOfTurn() async throws {
        let tag = try await noopError([.server("A9 OK not yours\r\n"), .drop])
        #expect((tag as? IMAPError)?.kind == .unexpectedResponse)
        let plus = try await noopError([.server("+ send more\r\n"), .drop])
        #expect((plus as? IMAPError)?.kind == .unexpectedResponse)
    }

    @Test("seeded random byte streams end in an error or a reply, never a trap or a hang")
    func randomStreams() async throws {
        var random = SplitMix64(seed: 0x1A_BAD)
        let alphabet = Array("* A2 OK NO BAD FETCH EXISTS (){}[]<>\"\\0123456789\r\n".utf8) + [0, 0xFF]
        for _ in 0..<300 {
            let length = Int.random(in: 0..<200, using: &random)
            var bytes = (0..<length).map { _ in random.pick(alphabet) }
            if random.chance(1, in: 2) { bytes = Array("* 1 FETCH (UID 4 BODY[]<0> {3}\r\n".utf8) + bytes }
            let (client, _) = try await IMAPScripts.selectedClient(
                [.client("A2 NOOP\r\n"), .serverBytes(bytes), .drop])
            // Either outcome is fine; what matters is that the call returns.
            try? await client.noop()
        }
    }
}
