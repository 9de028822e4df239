import Foundation
import Testing

@testable import NightshiftMail

/// Opening an SMTP session: greeting, EHLO and HELO, STARTTLS, AUTH.
@Suite("SMTP session")
struct SMTPSessionTests {
    static let hostname = SMTPScript.hostname

    @Test("a 220 greeting opens the session and keeps the server's text")
    func greeting220() async throws {
        let (session, channel) = try await SMTPScript.open(["PIPELINING"], then: [])
        let greeting = await session.greeting
        #expect(greeting.code == 220)
        #expect(greeting.text == "mx.example.org ESMTP ready")
        try channel.finish()
        #expect(channel.transcript == "EHLO \(Self.hostname)\r\n")
    }

    @Test("a 554 greeting is a permanent error; the client says QUIT and closes")
    func greeting554() async throws {
        let channel = ScriptedChannel([.server("554 5.7.1 no service for you\r\n"), .client("QUIT\r\n"), .server("221 bye\r\n")])
        let error = await SMTPScript.error { try await SMTPSession.open(channel: channel, security: .none, hostname: Self.hostname) }
        #expect(error?.kind == .rejected)
        #expect(error?.stage == .greeting)
        #expect(error?.code == 554)
        #expect(error?.enhancedStatus?.description == "5.7.1")
        #expect(error?.serverText == "no service for you")
        #expect(error?.isTransient == false)
        try channel.finish()
        #expect(channel.isClosed)
    }

    @Test("a 421 greeting is transient")
    func greeting421() async throws {
        let channel = ScriptedChannel([.server("421 4.3.2 busy, try later\r\n"), .client("QUIT\r\n"), .server("221 bye\r\n")])
        let error = await SMTPScript.error { try await SMTPSession.open(channel: channel, security: .none, hostname: Self.hostname) }
        #expect(error?.stage == .greeting)
        #expect(error?.isTransient == true)
        #expect(channel.isClosed)
    }

    @Test("a multi-line EHLO reply gives the extensions")
    func ehloExtensions() async throws {
        let (session, channel) = try await SMTPScript.open(
            ["PIPELINING", "SIZE 10240000", "STARTTLS", "auth plain LOGIN xoauth2", "ENHANCEDSTATUSCODES", "8BITMIME", "SMTPUTF8", "DSN"], then: [])
        let extensions = await session.extensions
        #expect(extensions.pipelining)
        #expect(extensions.size)
        #expect(extensions.sizeLimit == 10_240_000)
        #expect(extensions.startTLS)
        #expect(extensions.authMechanisms == ["PLAIN", "LOGIN", "XOAUTH2"])
        #expect(extensions.enhancedStatusCodes)
        #expect(extensions.eightBitMIME)
        #expect(extensions.smtpUTF8)
        #expect(extensions.offers("dsn"))
        #expect(!extensions.offers("CHUNKING"))
        #expect(extensions.keywords["SIZE"] == ["10240000"])
        try channel.finish()
    }

    @Test("the old AUTH=… form and SIZE 0 (no limit) are understood")
    func ehloOldForms() async throws {
        let (session, _) = try await SMTPScript.open(["AUTH=LOGIN", "SIZE 0"], then: [])
        let extensions = await session.extensions
        #expect(extensions.authMechanisms == ["LOGIN"])
        #expect(extensions.size)
        #expect(extensions.sizeLimit == nil)
    }

    @Test("EHLO refused with 500 or 502 falls back to HELO, with no extensions", arguments: ["500 5.5.1 what?", "502 command not implemented"])
    func heloFallback(_ refusal: String) async throws {
        let channel = ScriptedChannel([
            .server("220 old.example.org SMTP\r\n"), .client("EHLO \(Self.hostname)\r\n"), .server(refusal + "\r\n"),
            .client("HELO \(Self.hostname)\r\n"), .server("250 old.example.org\r\n"),
        ])
        let session = try await SMTPSession.open(channel: channel, security: .none, hostname: Self.hostname)
        #expect(await session.extensions == SMTPExtensions())
        try channel.finish()
    }

    @Test("EHLO refused with another code is an error, without HELO")
    func ehloRefused() async throws {
        let channel = ScriptedChannel([
            .server("220 mx.example.org\r\n"), .client("EHLO \(Self.hostname)\r\n"), .server("421 4.7.0 closing\r\n"), .client("QUIT\r\n"),
        ])
        let error = await SMTPScript.error { try await SMTPSession.open(channel: channel, security: .none, hostname: Self.hostname) }
        #expect(error?.stage == .ehlo)
        #expect(error?.code == 421)
        #expect(error?.isTransient == true)
        try channel.finish()
    }

    @Test("STARTTLS: the channel's TLS is started, EHLO is said again and its extensions replace the first's")
    func startTLS() async throws {
        let channel = ScriptedChannel(
            SMTPScript.greeting(["STARTTLS", "8BITMIME"]) + [
                .client("STARTTLS\r\n"), .server("220 2.0.0 go ahead\r\n"),
                .client("EHLO \(Self.hostname)\r\n"), .server(SMTPScript.ehloReply(["AUTH PLAIN", "SIZE 1000"])),
            ])
        let session = try await SMTPSession.open(channel: channel, security: .starttls, hostname: Self.hostname)
        #expect(channel.tlsStarts == 1)
        #expect(channel.isTLS)
        #expect(channel.transcript == "EHLO \(Self.hostname)\r\nSTARTTLS\r\nEHLO \(Self.hostname)\r\n")
        let extensions = await session.extensions
        #expect(extensions.authMechanisms == ["PLAIN"])
        #expect(!extensions.startTLS)
        #expect(!extensions.eightBitMIME)
        #expect(extensions.sizeLimit == 1000)
        try channel.finish()
    }

    @Test("STARTTLS required but not offered: an error, and nothing but EHLO and QUIT sent in plain")
    func startTLSNotOffered() async throws {
        let channel = ScriptedChannel(SMTPScript.greeting(["AUTH PLAIN LOGIN", "8BITMIME"]) + [.client("QUIT\r\n"), .server("221 bye\r\n")])
        let error = await SMTPScript.error { try await SMTPSession.open(channel: channel, security: .starttls, hostname: Self.hostname) }
        #expect(error?.kind == .notOffered)
        #expect(error?.stage == .starttls)
        #expect(error?.description.contains("STARTTLS") == true)
        #expect(channel.tlsStarts == 0)
        #expect(channel.transcript == "EHLO \(Self.hostname)\r\nQUIT\r\n")
        #expect(channel.isClosed)
        try channel.finish()
    }

    @Test("STARTTLS refused with 454 is a transient error and TLS is not started")
    func startTLSRefused() async throws {
        let channel = ScriptedChannel(
            SMTPScript.greeting(["STARTTLS"]) + [.client("STARTTLS\r\n"), .server("454 4.7.0 TLS not available\r\n"), .client("QUIT\r\n")])
        let error = await SMTPScript.error { try await SMTPSession.open(channel: channel, security: .starttls, hostname: Self.hostname) }
        #expect(error?.stage == .starttls)
        #expect(error?.code == 454)
        #expect(error?.isTransient == true)
        #expect(channel.tlsStarts == 0)
        #expect(channel.isClosed)
    }

    @Test("bytes the server sends after its 220 to STARTTLS (an injection) fail the handshake and close the channel")
    func startTLSInjection() async throws {
        let channel = ScriptedChannel(
            SMTPScript.greeting(["STARTTLS"]) + [.client("STARTTLS\r\n"), .server("220 go ahead\r\n250-injected\r\n")])
        let error = await SMTPScript.error { try await SMTPSession.open(channel: channel, security: .starttls, hostname: Self.hostname) }
        #expect(error?.kind == .transport)
        #expect(error?.stage == .starttls)
        #expect(error?.isTransient == false)
        #expect(channel.transcript == "EHLO \(Self.hostname)\r\nSTARTTLS\r\n")
        #expect(channel.isClosed)
    }

    @Test("security tls over a channel that is not TLS: refused before a byte is read or written")
    func tlsRequiredButPlain() async throws {
        let channel = ScriptedChannel([.server("220 mx.example.org\r\n")])
        let error = await SMTPScript.error { try await SMTPSession.open(channel: channel, security: .tls, hostname: Self.hostname) }
        #expect(error?.kind == .insecureChannel)
        #expect(channel.transcript.isEmpty)
        #expect(channel.isClosed)
    }

    @Test("a host name with a line break is refused before anything is sent")
    func badHostname() async throws {
        let channel = ScriptedChannel([.server("220 mx.example.org\r\n")])
        let error = await SMTPScript.error {
            try await SMTPSession.open(channel: channel, security: .none, hostname: "a.example\r\nMAIL FROM:<x@y>")
        }
        #expect(error?.kind == .invalidArgument)
        #expect(channel.transcript.isEmpty)
    }

    @Test("a reset is RSET and 250; after quit the session refuses calls")
    func resetAndQuit() async throws {
        let (session, channel) = try await SMTPScript.open(
            [], then: [.client("RSET\r\n"), .server("250 2.0.0 Ok\r\n"), .client("QUIT\r\n"), .server("221 2.0.0 Bye\r\n")])
        try await session.reset()
        await session.quit()
        #expect(channel.isClosed)
        try channel.finish()
        let error = await SMTPScript.error { try await session.reset() }
        #expect(error?.kind == .sessionClosed)
    }

    @Test("a call made while another runs is refused, not interleaved")
    func busy() async throws {
        let scripted = ScriptedChannel(
            SMTPScript.greeting([]) + [.client("RSET\r\n"), .server("250 Ok\r\n"), .client("RSET\r\n"), .server("250 Ok\r\n")])
        let channel = GatedChannel(scripted)
        let session = try await SMTPSession.open(channel: channel, security: .none, hostname: Self.hostname)
        channel.arm()
        async let first: Void = session.reset()
        await channel.waitUntilReached()
        let error = await SMTPScript.error { try await session.reset() }
        #expect(error?.kind == .sessionBusy)
        channel.release()
        try await first
        try await session.reset()
        try scripted.finish()
        #expect(scripted.transcript == "EHLO \(Self.hostname)\r\nRSET\r\nRSET\r\n")
    }
}
