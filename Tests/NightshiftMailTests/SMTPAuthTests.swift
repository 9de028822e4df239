import Foundation
import Testing

@testable import NightshiftMail

/// AUTH PLAIN and LOGIN, their refusals, and the password kept out of every error.
@Suite("SMTP authentication")
struct SMTPAuthTests {
    static let password = "s3cr3t-Pa55"

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// A session under TLS offering `extensions` after STARTTLS, then `steps`.
    static func openTLS(_ extensions: [String], then steps: [ScriptedChannel.Step]) async throws -> (SMTPSession, ScriptedChannel) {
        let channel = ScriptedChannel(
            SMTPScript.greeting(["STARTTLS"]) + [
                .client("STARTTLS\r\n"), .server("220 go ahead\r\n"), .client("EHLO \(SMTPScript.hostname)\r\n"),
                .server(SMTPScript.ehloReply(extensions)),
            ] + steps)
        let session = try await SMTPSession.open(channel: channel, security: .starttls, hostname: SMTPScript.hostname)
        return (session, channel)
    }

    @Test("AUTH PLAIN sends base64 of NUL user NUL password as its initial response")
    func plain() async throws {
        #expect(Self.base64("\0user\0pass") == "AHVzZXIAcGFzcw==")
        let (session, channel) = try await Self.openTLS(
            ["AUTH LOGIN PLAIN"], then: [.client("AUTH PLAIN AHVzZXIAcGFzcw==\r\n"), .server("235 2.7.0 Authentication successful\r\n")])
        try await session.authenticate(user: "user", password: "pass")
        #expect(await session.isAuthenticated)
        try channel.finish()
    }

    @Test("AUTH LOGIN answers the two 334 prompts with the user name and the password in base64")
    func login() async throws {
        let (session, channel) = try await Self.openTLS(
            ["AUTH LOGIN"],
            then: [
                .client("AUTH LOGIN\r\n"), .server("334 VXNlcm5hbWU6\r\n"), .client(Self.base64("me@example.com") + "\r\n"),
                .server("334 UGFzc3dvcmQ6\r\n"), .client(Self.base64(Self.password) + "\r\n"), .server("235 2.7.0 ok\r\n"),
            ])
        try await session.authenticate(user: "me@example.com", password: Self.password)
        #expect(await session.isAuthenticated)
        try channel.finish()
    }

    @Test("535 is a permanent authentication error with the server's text, and the session stays usable")
    func refused535() async throws {
        let plain = Self.base64("\0me\0\(Self.password)")
        let (session, channel) = try await Self.openTLS(
            ["AUTH PLAIN"],
            then: [
                .client("AUTH PLAIN \(plain)\r\n"), .server("535 5.7.8 Error: authentication failed: bad credentials\r\n"),
                .client("RSET\r\n"), .server("250 Ok\r\n"),
            ])
        let error = await SMTPScript.error { try await session.authenticate(user: "me", password: Self.password) }
        #expect(error?.kind == .rejected)
        #expect(error?.stage == .auth)
        #expect(error?.code == 535)
        #expect(error?.enhancedStatus == SMTPReply.EnhancedStatus(statusClass: 5, subject: 7, detail: 8))
        #expect(error?.serverText == "Error: authentication failed: bad credentials")
        #expect(error?.isTransient == false)
        #expect(await session.isAuthenticated == false)
        try await session.reset()
        try channel.finish()
    }

    @Test("a 334 where 235 was due is answered with * to cancel, then reported")
    func unexpectedChallenge() async throws {
        let plain = Self.base64("\0me\0\(Self.password)")
        let (session, channel) = try await Self.openTLS(
            ["AUTH PLAIN"],
            then: [.client("AUTH PLAIN \(plain)\r\n"), .server("334 \r\n"), .client("*\r\n"), .server("501 5.7.0 cancelled\r\n")])
        let error = await SMTPScript.error { try await session.authenticate(user: "me", password: Self.password) }
        #expect(error?.kind == .unexpectedReply)
        #expect(error?.code == 334)
        try channel.finish()
    }

    @Test("credentials are refused over a plain channel unless allowPlaintext is given")
    func plaintextRefused() async throws {
        let (session, channel) = try await SMTPScript.open(
            ["AUTH PLAIN"], then: [.client("AUTH PLAIN \(Self.base64("\0me\0pw"))\r\n"), .server("235 ok\r\n")])
        let error = await SMTPScript.error { try await session.authenticate(user: "me", password: "pw") }
        #expect(error?.kind == .insecureChannel)
        #expect(channel.transcript == "EHLO \(SMTPScript.hostname)\r\n")
        try await session.authenticate(user: "me", password: "pw", allowPlaintext: true)
        try channel.finish()
    }

    @Test("no mechanism the client speaks: not offered, nothing sent")
    func noMechanism() async throws {
        let (session, channel) = try await Self.openTLS(["AUTH CRAM-MD5 GSSAPI"], then: [])
        let error = await SMTPScript.error { try await session.authenticate(user: "me", password: Self.password) }
        #expect(error?.kind == .notOffered)
        #expect(error?.description.contains("CRAM-MD5") == true)
        try channel.finish()
    }

    @Test("the password and the encoded credentials appear in no error, even when the server echoes them")
    func passwordNeverInErrors() async throws {
        let plain = Self.base64("\0me\0\(Self.password)")
        let encodedPassword = Self.base64(Self.password)
        var errors: [SMTPError] = []

        // The server echoes the initial response and the password in its refusal.
        var (session, _) = try await Self.openTLS(
            ["AUTH PLAIN"], then: [.client("AUTH PLAIN \(plain)\r\n"), .server("535 5.7.8 bad: \(plain) \(Self.password)\r\n")])
        errors += [await SMTPScript.error { try await session.authenticate(user: "me", password: Self.password) }].compactMap { $0 }

        // LOGIN, the server echoes the encoded password.
        (session, _) = try await Self.openTLS(
            ["AUTH LOGIN"],
            then: [
                .client("AUTH LOGIN\r\n"), .server("334 VXNlcm5hbWU6\r\n"), .client(Self.base64("me") + "\r\n"), .server("334 UGFzc3dvcmQ6\r\n"),
                .client(encodedPassword + "\r\n"), .server("535 5.7.8 \(encodedPassword) is wrong\r\n"),
            ])
        errors += [await SMTPScript.error { try await session.authenticate(user: "me", password: Self.password) }].compactMap { $0 }

        // A malformed reply that quotes the credentials.
        (session, _) = try await Self.openTLS(["AUTH PLAIN"], then: [.client("AUTH PLAIN \(plain)\r\n"), .server("2x5 \(plain)\r\n")])
        errors += [await SMTPScript.error { try await session.authenticate(user: "me", password: Self.password) }].compactMap { $0 }

        // The connection drops during AUTH.
        (session, _) = try await Self.openTLS(["AUTH PLAIN"], then: [.client("AUTH PLAIN \(plain)\r\n"), .drop])
        errors += [await SMTPScript.error { try await session.authenticate(user: "me", password: Self.password) }].compactMap { $0 }

        // Over plain text.
        (session, _) = try await SMTPScript.open(["AUTH PLAIN"], then: [])
        errors += [await SMTPScript.error { try await session.authenticate(user: "me", password: Self.password) }].compactMap { $0 }

        #expect(errors.count == 5)
        #expect(errors.map(\.kind) == [.rejected, .rejected, .malformedReply, .transport, .insecureChannel])
        for error in errors {
            var dumped = ""  // every stored field, the server's lines included
            dump(error, to: &dumped)
            let shown = [error.description, dumped, error.message, error.serverText ?? ""]
            for text in shown {
                #expect(!text.contains(Self.password), "\(text)")
                #expect(!text.contains(plain), "\(text)")
                #expect(!text.contains(encodedPassword), "\(text)")
            }
        }
        #expect(errors[0].description.contains("[redacted]"))
    }
}
