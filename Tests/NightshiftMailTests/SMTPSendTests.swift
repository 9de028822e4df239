import Foundation
import Testing

@testable import NightshiftMail

/// Sending messages: the envelope, refusals at each stage, the bytes after DATA, dropped connections.
@Suite("SMTP send")
struct SMTPSendTests {
    static let me = "me@example.com"
    static let ann = "ann@example.org"
    static let bob = "bob@example.org"

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("a message is delivered: the envelope, the bytes, the server's queue id")
    func delivered() async throws {
        let (session, channel) = try await SMTPScript.open(
            ["PIPELINING", "ENHANCEDSTATUSCODES"], then: SMTPScript.transaction(to: [Self.ann, Self.bob], wire: "Subject: hi\r\n\r\nHello\r\n.\r\n"))
        let delivery = try await session.send(from: Self.me, to: [Self.ann, Self.bob], message: Self.bytes("Subject: hi\r\n\r\nHello\r\n"))
        #expect(delivery.accepted == [Self.ann, Self.bob])
        #expect(delivery.rejected.isEmpty)
        #expect(delivery.reply.code == 250)
        #expect(delivery.replyText == "Ok: queued as 4Xb2Kq")
        try channel.finish()
    }

    @Test("the null sender is MAIL FROM:<>")
    func nullSender() async throws {
        let (session, channel) = try await SMTPScript.open([], then: SMTPScript.transaction(from: "", wire: "x\r\n.\r\n"))
        _ = try await session.send(from: "", to: [Self.ann], message: Self.bytes("x"))
        try channel.finish()
    }

    @Test("a 4xx at RCPT is a transient error after RSET; the next send succeeds")
    func transientRecipientThenRetry() async throws {
        let (session, channel) = try await SMTPScript.open(
            ["ENHANCEDSTATUSCODES"],
            then: [
                .client("MAIL FROM:<\(Self.me)>\r\n"), .server("250 2.1.0 Ok\r\n"), .client("RCPT TO:<\(Self.ann)>\r\n"),
                .server("450 4.2.1 <ann@example.org>: mailbox busy\r\n"), .client("RSET\r\n"), .server("250 2.0.0 Ok\r\n"),
            ] + SMTPScript.transaction(wire: "Hi\r\n.\r\n"))
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes("Hi\r\n")) }
        #expect(error?.kind == .noRecipientAccepted)
        #expect(error?.stage == .rcptTo(Self.ann))
        #expect(error?.code == 450)
        #expect(error?.isTransient == true)
        #expect(error?.rejectedRecipients.map(\.recipient) == [Self.ann])
        #expect(error?.rejectedRecipients.first?.isTransient == true)
        let delivery = try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes("Hi\r\n"))
        #expect(delivery.accepted == [Self.ann])
        try channel.finish()
    }

    @Test("every recipient refused with 5xx: RSET, and a permanent error listing each")
    func allRecipientsRefused() async throws {
        let (session, channel) = try await SMTPScript.open(
            [],
            then: [
                .client("MAIL FROM:<\(Self.me)>\r\n"), .server("250 Ok\r\n"),
                .client("RCPT TO:<\(Self.ann)>\r\n"), .server("550 5.1.1 no such user\r\n"),
                .client("RCPT TO:<\(Self.bob)>\r\n"), .server("550 5.1.1 no such user either\r\n"), .client("RSET\r\n"), .server("250 Ok\r\n"),
            ])
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann, Self.bob], message: Self.bytes("Hi\r\n")) }
        #expect(error?.kind == .noRecipientAccepted)
        #expect(error?.isTransient == false)
        #expect(error?.rejectedRecipients.map(\.code) == [550, 550])
        #expect(error?.description.contains("no such user either") == true)
        try channel.finish()
    }

    @Test("a 5xx at MAIL FROM is a permanent error and nothing more is sent")
    func mailFromRefused() async throws {
        let (session, channel) = try await SMTPScript.open(
            [], then: [.client("MAIL FROM:<\(Self.me)>\r\n"), .server("553 5.7.1 <me@example.com>: Sender address rejected\r\n")])
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes("Hi\r\n")) }
        #expect(error?.kind == .rejected)
        #expect(error?.stage == .mailFrom)
        #expect(error?.code == 553)
        #expect(error?.serverText == "<me@example.com>: Sender address rejected")
        #expect(error?.isTransient == false)
        try channel.finish()
        #expect(channel.transcript.hasSuffix("MAIL FROM:<\(Self.me)>\r\n"))
    }

    @Test("one of two recipients refused with 5xx: the other gets the message, the refusal is recorded")
    func oneRecipientRefused() async throws {
        let (session, channel) = try await SMTPScript.open(
            [],
            then: [
                .client("MAIL FROM:<\(Self.me)>\r\n"), .server("250 Ok\r\n"), .client("RCPT TO:<\(Self.ann)>\r\n"),
                .server("550 5.1.1 <ann@example.org>: Recipient address rejected: User unknown\r\n"), .client("RCPT TO:<\(Self.bob)>\r\n"),
                .server("250 Ok\r\n"), .client("DATA\r\n"), .server("354 go\r\n"), .client("Hi\r\n.\r\n"), .server("250 Ok: queued as ABC\r\n"),
            ])
        let delivery = try await session.send(from: Self.me, to: [Self.ann, Self.bob], message: Self.bytes("Hi\r\n"))
        #expect(delivery.accepted == [Self.bob])
        #expect(delivery.rejected.count == 1)
        #expect(delivery.rejected.first?.recipient == Self.ann)
        #expect(delivery.rejected.first?.code == 550)
        #expect(delivery.rejected.first?.reply.enhancedStatus?.description == "5.1.1")
        #expect(delivery.rejected.first?.text == "<ann@example.org>: Recipient address rejected: User unknown")
        #expect(delivery.rejected.first?.isTransient == false)
        #expect(delivery.replyText == "Ok: queued as ABC")
        try channel.finish()
    }

    @Test("DATA refused: RSET, and the error is at data")
    func dataRefused() async throws {
        let (session, channel) = try await SMTPScript.open(
            [],
            then: [
                .client("MAIL FROM:<\(Self.me)>\r\n"), .server("250 Ok\r\n"), .client("RCPT TO:<\(Self.ann)>\r\n"), .server("250 Ok\r\n"),
                .client("DATA\r\n"), .server("451 4.3.0 try later\r\n"), .client("RSET\r\n"), .server("250 Ok\r\n"),
            ])
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes("Hi\r\n")) }
        #expect(error?.stage == .data)
        #expect(error?.isTransient == true)
        #expect(error?.outcomeUnknown == false)
        try channel.finish()
    }

    @Test("DATA answered with 250 instead of 354: no RSET (the server may be reading a message), the session closed")
    func dataAnsweredOutOfPlace() async throws {
        let (session, channel) = try await SMTPScript.open(
            [],
            then: [
                .client("MAIL FROM:<\(Self.me)>\r\n"), .server("250 Ok\r\n"), .client("RCPT TO:<\(Self.ann)>\r\n"), .server("250 Ok\r\n"),
                .client("DATA\r\n"), .server("250 Ok\r\n"),
            ])
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes("Hi\r\n")) }
        #expect(error?.kind == .unexpectedReply)
        #expect(error?.stage == .data)
        #expect(channel.isClosed)
        #expect(channel.transcript.hasSuffix("DATA\r\n"))
        try channel.finish()
    }

    @Test("the end of DATA refused: 5xx permanent, 4xx transient, outcome known; the session stays usable", arguments: [554, 451])
    func endOfDataRefused(_ code: Int) async throws {
        let (session, channel) = try await SMTPScript.open(
            [],
            then: SMTPScript.transaction(wire: "Hi\r\n.\r\n", queued: "\(code) \(code / 100).7.1 message refused") + [
                .client("RSET\r\n"), .server("250 Ok\r\n"),
            ])
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes("Hi\r\n")) }
        #expect(error?.kind == .rejected)
        #expect(error?.stage == .dataEnd)
        #expect(error?.code == code)
        #expect(error?.serverText == "message refused")
        #expect(error?.isTransient == (code == 451))
        #expect(error?.outcomeUnknown == false)
        try await session.reset()
        try channel.finish()
    }

    @Test("the connection dropping after the final dot: transient, outcome unknown, the session closed")
    func dropAfterFinalDot() async throws {
        let (session, channel) = try await SMTPScript.open(
            [],
            then: [
                .client("MAIL FROM:<\(Self.me)>\r\n"), .server("250 Ok\r\n"), .client("RCPT TO:<\(Self.ann)>\r\n"), .server("250 Ok\r\n"),
                .client("DATA\r\n"), .server("354 go\r\n"), .client("Hi\r\n.\r\n"), .drop,
            ])
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes("Hi\r\n")) }
        #expect(error?.kind == .transport)
        #expect(error?.transportError == .closed)
        #expect(error?.stage == .dataEnd)
        #expect(error?.outcomeUnknown == true)
        #expect(error?.isTransient == true)
        #expect(error?.description.contains("may have been delivered") == true)
        #expect(channel.isClosed)
        let next = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes("Hi\r\n")) }
        #expect(next?.kind == .sessionClosed)
        try channel.finish()
    }

    @Test("an unreadable reply after the final dot: outcome unknown")
    func malformedAfterFinalDot() async throws {
        let (session, _) = try await SMTPScript.open([], then: SMTPScript.transaction(wire: "Hi\r\n.\r\n", queued: "25 ok"))
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes("Hi\r\n")) }
        #expect(error?.kind == .malformedReply)
        #expect(error?.outcomeUnknown == true)
    }

    @Test("the connection dropping before the final dot: transient, outcome known (not delivered)")
    func dropBeforeFinalDot() async throws {
        let (session, channel) = try await SMTPScript.open(
            [],
            then: [
                .client("MAIL FROM:<\(Self.me)>\r\n"), .server("250 Ok\r\n"), .client("RCPT TO:<\(Self.ann)>\r\n"), .server("250 Ok\r\n"),
                .client("DATA\r\n"), .server("354 go\r\n"), .drop,
            ])
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes("Hi\r\n")) }
        #expect(error?.kind == .transport)
        #expect(error?.stage == .dataEnd)
        #expect(error?.outcomeUnknown == false)
        #expect(error?.isTransient == true)
        #expect(channel.isClosed)
    }

    @Test("8-bit content with 8BITMIME offered: BODY=8BITMIME, the bytes as they are")
    func eightBitOffered() async throws {
        let message = "Subject: Gr\u{FC}\u{DF}e\r\n\r\nZo\u{EB}\r\n"
        let (session, channel) = try await SMTPScript.open(
            ["8BITMIME"], then: SMTPScript.transaction(parameters: " BODY=8BITMIME", wire: message + ".\r\n"))
        _ = try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes(message))
        try channel.finish()
    }

    @Test("8-bit content without 8BITMIME: not offered, nothing sent")
    func eightBitNotOffered() async throws {
        let (session, channel) = try await SMTPScript.open(["PIPELINING"], then: [])
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [Self.ann], message: [0x48, 0xE9, 0x0D, 0x0A]) }
        #expect(error?.kind == .notOffered)
        #expect(error?.description.contains("8BITMIME") == true)
        #expect(channel.transcript == "EHLO \(SMTPScript.hostname)\r\n")
        try channel.finish()
    }

    @Test("a non-ASCII address needs SMTPUTF8: sent with it when offered, refused without")
    func smtpUTF8() async throws {
        let zoe = "zo\u{EB}@example.org"
        var (session, channel) = try await SMTPScript.open(
            ["SMTPUTF8"], then: SMTPScript.transaction(to: [zoe], parameters: " SMTPUTF8", wire: "Hi\r\n.\r\n"))
        _ = try await session.send(from: Self.me, to: [zoe], message: Self.bytes("Hi\r\n"))
        try channel.finish()
        (session, channel) = try await SMTPScript.open([], then: [])
        let error = await SMTPScript.error { try await session.send(from: Self.me, to: [zoe], message: Self.bytes("Hi\r\n")) }
        #expect(error?.kind == .notOffered)
        try channel.finish()
    }

    @Test("SIZE offered: SIZE=n of the normalised message without stuffed dots; over the limit refused before MAIL FROM")
    func sizeLimit() async throws {
        // ".a\nb" is ".a CRLF b CRLF" (7 bytes) on the wire as "..a CRLF b CRLF".
        var (session, channel) = try await SMTPScript.open(
            ["SIZE 1000", "8BITMIME"], then: SMTPScript.transaction(parameters: " SIZE=7", wire: "..a\r\nb\r\n.\r\n"))
        _ = try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes(".a\nb"))
        try channel.finish()

        (session, channel) = try await SMTPScript.open(["SIZE 1000"], then: [])
        let error = await SMTPScript.error {
            try await session.send(from: Self.me, to: [Self.ann], message: Array(repeating: UInt8(ascii: "x"), count: 999) + [0x0A])
        }
        #expect(error?.kind == .messageTooLarge)
        #expect(error?.stage == .mailFrom)
        #expect(error?.description.contains("1001") == true)
        #expect(channel.transcript == "EHLO \(SMTPScript.hostname)\r\n")
        try channel.finish()
    }

    @Test("addresses that could inject commands are refused before anything is sent")
    func unsafeAddresses() async throws {
        let (session, channel) = try await SMTPScript.open([], then: [])
        for (from, to) in [
            ("me@example.com>\r\nRCPT TO:<evil@example.net", [Self.ann]), (Self.me, ["ann@example.org>\r\nDATA"]), (Self.me, ["a b@example.org"]),
            (Self.me, [""]), (Self.me, []),
        ] {
            let error = await SMTPScript.error { try await session.send(from: from, to: to, message: Self.bytes("Hi\r\n")) }
            #expect(error?.kind == .invalidArgument)
        }
        #expect(channel.transcript == "EHLO \(SMTPScript.hostname)\r\n")
        try channel.finish()
    }

    /// Message bytes and what must follow DATA.
    static let wireCases: [(String, String)] = [
        // dot-stuffing at the start and after CRLF, and a last line without its CRLF
        (".\r\n..x\r\n.x\r\nmiddle\r\n.\r\n..x\r\n.x", "..\r\n...x\r\n..x\r\nmiddle\r\n..\r\n...x\r\n..x\r\n.\r\n"),
        // a message that ends with CRLF gets nothing more; an empty one is just the dot
        ("Hi\r\n", "Hi\r\n.\r\n"),
        ("", ".\r\n"),
        // bare LF (and CR) become CRLF, and a dot after one is stuffed: no "LF . CRLF" smuggling
        ("a\nb\r\n.c\n\nd", "a\r\nb\r\n..c\r\n\r\nd\r\n.\r\n"),
        ("x\n.\r\nMAIL FROM:<evil@example.net>\r\n", "x\r\n..\r\nMAIL FROM:<evil@example.net>\r\n.\r\n"),
        ("x\r.\r\ny\r", "x\r\n..\r\ny\r\n.\r\n"),
    ]

    @Test("the bytes after DATA: CRLF line ends, dot-stuffing, a final CRLF and the dot", arguments: 0..<wireCases.count)
    func wire(_ index: Int) async throws {
        let (message, wire) = Self.wireCases[index]
        let (session, channel) = try await SMTPScript.open([], then: SMTPScript.transaction(wire: wire))
        _ = try await session.send(from: Self.me, to: [Self.ann], message: Self.bytes(message))
        try channel.finish()
        #expect(channel.transcript.hasSuffix("DATA\r\n" + wire))
    }

    @Test("a message written by OutgoingMail goes after DATA as written, only dot-stuffed")
    func outgoingMail() async throws {
        var mail = OutgoingMail(
            from: MailAddress(name: "Zo\u{EB} Night", address: Self.me), to: [MailAddress(address: Self.ann)], subject: "Gr\u{FC}\u{DF}e",
            text: "Hello,\n.\n.hidden line\n..two dots\nend with a dot.\n", messageID: "id.1@example.com",
            date: Date(timeIntervalSince1970: 1_057_049_557))
        mail.html = "<p>Hi</p>\n.\n"
        let rendered = try mail.rendered()
        #expect(rendered.contains("\r\n.\r\n"), "the writer's output has a line that is a lone dot, so stuffing matters")
        #expect(rendered.hasSuffix("\r\n"))
        let stuffed = rendered.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
        let (session, channel) = try await SMTPScript.open(["8BITMIME"], then: SMTPScript.transaction(wire: stuffed + ".\r\n"))
        _ = try await session.send(from: Self.me, to: [Self.ann], message: Array(rendered.utf8))
        try channel.finish()
        let afterData = try #require(channel.transcript.range(of: "DATA\r\n"))
        #expect(String(channel.transcript[afterData.upperBound...]) == stuffed + ".\r\n")
        #expect(!channel.transcript.contains("BODY=8BITMIME"), "the writer's output is ASCII")
    }
}
