import Foundation
import NightshiftMail
import Testing

/// The writer for outgoing mail: safe headers, RFC line lengths, ids, replies.
@Suite("Mail writer")
struct MailWriterTests {
    static let date = Date(timeIntervalSince1970: 1_057_049_557)  // 2003-07-01 08:52:37 UTC

    static func mail(subject: String = "Hello", text: String = "Hi\n") -> OutgoingMail {
        OutgoingMail(
            from: MailAddress(name: "Ann Example", address: "ann@example.com"), to: [MailAddress(address: "bob@example.org")],
            subject: subject, text: text, messageID: "id.1@example.com", date: date)
    }

    @Test("a plain message renders as expected, byte for byte")
    func plainMessage() throws {
        var mail = Self.mail()
        mail.secondsFromGMT = 7200
        let expected = [
            "Date: Tue, 1 Jul 2003 10:52:37 +0200", "From: Ann Example <ann@example.com>", "To: bob@example.org", "Subject: Hello",
            "Message-ID: <id.1@example.com>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable", "", "Hi", "",
        ].joined(separator: "\r\n")
        #expect(try mail.rendered() == expected)
    }

    /// Every way a caller could slip a line break into a header.
    static let injections: [(String, @Sendable (inout OutgoingMail) -> Void)] = [
        ("subject", { $0.subject = "Hi\r\nBcc: victim@example.com" }),
        ("from.address", { $0.from = MailAddress(address: "ann@example.com\r\nBcc: v@example.com") }),
        ("from.name", { $0.from = MailAddress(name: "Ann\nBcc: v@example.com", address: "ann@example.com") }),
        ("to[1].name", { $0.to.append(MailAddress(name: "B\rX: y", address: "b@example.com")) }),
        ("cc[0].address", { $0.cc = [MailAddress(address: "c@example.com\n")] }),
        ("replyTo[0].name", { $0.replyTo = [MailAddress(name: "\r\n", address: "r@example.com")] }),
        ("messageID", { $0.messageID = "id@example.com>\r\nBcc: <v@example.com" }),
        ("inReplyTo[0]", { $0.inReplyTo = ["p@example.com\r\n"] }),
        ("references[1]", { $0.references = ["a@example.com", "b@example.com\nX: y"] }),
        ("header List-Unsubscribe", { $0.extraHeaders = [.init(name: "List-Unsubscribe", value: "<mailto:u@example.com>\r\nBcc: v@x")] }),
    ]

    @Test("a CR or LF in any header value is refused, naming the field", arguments: 0..<injections.count)
    func headerInjectionRefused(_ index: Int) {
        let (field, change) = Self.injections[index]
        var mail = Self.mail()
        change(&mail)
        let error = #expect(throws: MailWriterError.self) { try mail.rendered() }
        #expect(error?.kind == .lineBreak)
        #expect(error?.field.hasPrefix(field) == true, "\(String(describing: error))")
        #expect(error?.description.contains("line break") == true)
    }

    @Test("a header name with a line break or colon, or one the writer owns, is refused")
    func badHeaderNames() {
        for (name, kind) in [
            ("X-A\r\nBcc", MailWriterError.Kind.invalidHeaderName), ("X:Y", .invalidHeaderName), ("", .invalidHeaderName),
            ("subject", .reservedHeader), ("Content-Type", .reservedHeader),
        ] {
            var mail = Self.mail()
            mail.extraHeaders = [.init(name: name, value: "v")]
            let error = #expect(throws: MailWriterError.self) { try mail.rendered() }
            #expect(error?.kind == kind, "\(name)")
        }
    }

    @Test("addresses that are not local@domain in ASCII are refused")
    func badAddresses() {
        for address in [
            "no-at-sign", "a b@example.com", "a@example.com>, evil@example.com", "ünï@example.com", "a@", "@example.com", "a..b@example.com",
            "a@exa mple.com",
        ] {
            var mail = Self.mail()
            mail.to = [MailAddress(address: address)]
            do {
                _ = try mail.rendered()
                Issue.record("\(address) was accepted")
            } catch {
                #expect(error.kind == .invalidAddress)
                #expect(error.field == "to[0].address")
            }
        }
        var quoted = Self.mail()
        quoted.to = [MailAddress(address: "\"john doe\"@example.com"), MailAddress(address: "x@[192.0.2.1]")]
        #expect(throws: Never.self) { try quoted.rendered() }
    }

    @Test("message ids: 128 random bits at the caller's domain; bad domains refused")
    func messageIDs() throws {
        let first = try OutgoingMail.makeMessageID(domain: "mail.example.com")
        let second = try OutgoingMail.makeMessageID(domain: "mail.example.com")
        #expect(first != second)
        let random = try #require(first.split(separator: "@").first)
        #expect(random.count == 32 && random.allSatisfy(\.isHexDigit))
        #expect(first.hasSuffix("@mail.example.com"))
        var a = SplitMix64(seed: 7)
        var b = SplitMix64(seed: 7)
        #expect(try OutgoingMail.makeMessageID(domain: "x.example", using: &a) == OutgoingMail.makeMessageID(domain: "x.example", using: &b))
        for domain in ["", "exa mple.com", "example.com\r\n", "<example.com>", ".example.com"] {
            #expect(throws: MailWriterError.self) { try OutgoingMail.makeMessageID(domain: domain) }
        }
    }

    @Test("a reply gets In-Reply-To and References from the original")
    func reply() throws {
        let original = MailMessage(bytes: lf("Message-ID: <p@example.com>", "References: <r1@example.com> <r2@example.com>", "", ""))
        var mail = Self.mail()
        mail.setReply(to: original)
        #expect(mail.inReplyTo == ["p@example.com"])
        #expect(mail.references == ["r1@example.com", "r2@example.com", "p@example.com"])
        let rendered = try mail.rendered()
        #expect(rendered.contains("\r\nIn-Reply-To: <p@example.com>\r\n"))
        #expect(rendered.contains("\r\nReferences: <r1@example.com> <r2@example.com> <p@example.com>\r\n"))

        let onlyInReplyTo = MailMessage(bytes: lf("Message-ID: <c@example.com>", "In-Reply-To: <b@example.com>", "", ""))
        mail.setReply(to: onlyInReplyTo)
        #expect(mail.references == ["b@example.com", "c@example.com"])
    }

    @Test("extra headers: List-Unsubscribe and List-Unsubscribe-Post are written and read back")
    func listUnsubscribe() throws {
        var mail = Self.mail()
        let unsubscribe = "<mailto:unsubscribe@example.com?subject=unsubscribe>, <https://example.com/unsubscribe/opaque-token-0123456789abcdef>"
        mail.extraHeaders = [
            .init(name: "List-Unsubscribe", value: unsubscribe), .init(name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"),
        ]
        let rendered = try mail.rendered()
        for line in rendered.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
        let parsed = MailMessage(bytes: Array(rendered.utf8))
        #expect(parsed.headers["List-Unsubscribe"] == unsubscribe)
        #expect(parsed.headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
    }

    @Test("encoded words: B and Q both decode back, each word at most 75 characters, no character split")
    func encodedWords() {
        let texts = ["Grüße aus Köln", String(repeating: "😀", count: 40), "a" + String(repeating: "é", count: 100), "=?x?q?y?= _ ?", ""]
        for text in texts {
            for encoding in [EncodedWords.Encoding.base64, .q, .shortest] {
                let words = EncodedWords.encode(text, encoding: encoding, firstWordLimit: 60)
                #expect(words.first.map { $0.count <= 60 } == true)
                #expect(words.allSatisfy { $0.count <= EncodedWords.maximumWordLength })
                #expect(EncodedWords.decode(words.joined(separator: "\r\n ")) == text)
                // Each word decodes to whole characters by itself: no UTF-8 sequence was split.
                #expect(words.map { EncodedWords.decode($0) }.joined() == text)
                #expect(!words.map { EncodedWords.decode($0) }.joined().contains("\u{FFFD}"))
            }
        }
        #expect(EncodedWords.encode("Zoë", encoding: .q) == ["=?utf-8?q?Zo=C3=AB?="])
        #expect(EncodedWords.encode("Zoë", encoding: .base64) == ["=?utf-8?b?Wm/Dqw==?="])
    }

    @Test("quoted-printable text: lines of at most 76, CRLF, trailing white space and From lines escaped")
    func quotedPrintableBody() throws {
        let text = String(repeating: "ab ", count: 60) + "\nFrom here\n.\ntrailing \t\n" + String(repeating: "€", count: 40)
        let rendered = try Self.mail(text: text).rendered()
        let body = try #require(rendered.components(separatedBy: "\r\n\r\n").last)
        for line in body.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76, "\(line)") }
        #expect(!body.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(body.contains("\r\n=46rom here\r\n.\r\ntrailing =09\r\n"))
        #expect(MailMessage(bytes: Array(rendered.utf8)).text == text)
    }

    @Test("an HTML alternative makes a multipart/alternative the parser prefers the text of")
    func htmlAlternative() throws {
        var mail = Self.mail(text: "Plain words")
        mail.html = "<p>Rich <b>words</b></p>"
        let parsed = MailMessage(bytes: Array(try mail.rendered().utf8))
        #expect(parsed.root.contentType.mimeType == "multipart/alternative")
        #expect(parsed.text == "Plain words")
        #expect(parsed.part(at: "2")?.text == "<p>Rich <b>words</b></p>")
        #expect(parsed.problems.isEmpty)
    }
}
