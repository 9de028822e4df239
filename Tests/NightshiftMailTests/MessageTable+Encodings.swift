import NightshiftMail
import Testing

/// Table cases about bytes: line endings, transfer encodings, charsets, RFC 2047 encoded words.
extension MessageTableTests {
    static let encodings: [ExpectedMessage] = [
        ExpectedMessage(
            name: "plain 7bit message with CRLF line endings",
            raw: crlf(
                "From: Ann Example <ann@example.com>", "To: bob@example.org", "Subject: Lunch?",
                "Date: Tue, 1 Jul 2003 10:52:37 +0200", "Message-ID: <lunch.1@example.com>", "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=us-ascii", "", "Shall we meet at noon?", ""),
            subject: "Lunch?", from: ["Ann Example <ann@example.com>"], to: ["bob@example.org"], messageID: "lunch.1@example.com",
            date: "2003-07-01T08:52:37Z", text: "Shall we meet at noon?\n", textIsFromHTML: false, headerCount: 7, parts: ["root text/plain"],
            attachments: []
        ),
        ExpectedMessage(
            name: "LF line endings",
            raw: lf("From: ann@example.com", "Subject: Unix mail", "", "line one", "line two"),
            subject: "Unix mail", from: ["ann@example.com"], text: "line one\nline two", headerCount: 2
        ),
        ExpectedMessage(
            name: "mixed CRLF and LF line endings",
            raw: bytes("Subject: mixed\r\nTo: a@b.example\nContent-Type: text/plain\r\n\nline one\r\nline two\nline three"),
            subject: "mixed", to: ["a@b.example"], text: "line one\nline two\nline three", headerCount: 3
        ),
        ExpectedMessage(
            name: "8bit UTF-8 body",
            raw: lf("Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit", "", "Grüße, Zoë"),
            text: "Grüße, Zoë"
        ),
        ExpectedMessage(
            name: "quoted-printable with soft line breaks and escapes",
            raw: lf(
                "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
                "Caf=C3=A9 au lait, c'est tr=C3=A8s =", "bon; a=3Db"),
            text: "Café au lait, c'est très bon; a=b"
        ),
        ExpectedMessage(
            name: "quoted-printable with lower-case hex, a bad escape and transport-added trailing spaces",
            raw: lf(
                "Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: Quoted-Printable", "",
                "caf=e9 =ZZ 100=   ", "% sure   ", ""),
            text: "café =ZZ 100% sure\n", problems: [.malformedQuotedPrintable]
        ),
        ExpectedMessage(
            name: "base64 body over two lines",
            raw: lf("Content-Type: text/plain", "Content-Transfer-Encoding: base64", "", "SGVsbG8s", "IHdvcmxkIQ==", ""),
            text: "Hello, world!"
        ),
        ExpectedMessage(
            name: "base64 without its padding still decodes, reported",
            raw: lf("Content-Transfer-Encoding: base64", "", "SGVsbG8sIHdvcmxkIQ"),
            text: "Hello, world!", problems: [.malformedBase64]
        ),
        ExpectedMessage(
            name: "base64 with garbage characters skips them, reported",
            raw: lf("Content-Transfer-Encoding: BASE64", "", "SGVs*bG8h", "~~"),
            text: "Hello!", problems: [.malformedBase64]
        ),
        ExpectedMessage(
            name: "Windows-1252 smart quotes, dash and euro sign",
            raw: bytes("Content-Type: text/plain; charset=windows-1252\n\n") + [0x93] + bytes("quoted") + [0x94, 0x20, 0x96, 0x20, 0x80, 0x35],
            text: "“quoted” – €5"
        ),
        ExpectedMessage(
            name: "ISO-8859-1 body",
            raw: bytes("Content-Type: text/plain; charset=\"ISO-8859-1\"\n\ncaf") + [0xE9, 0x20, 0xE0, 0x20, 0xDF],
            text: "café à ß"
        ),
        ExpectedMessage(
            name: "an unknown charset is reported, its bytes kept and shown as UTF-8 with replacement",
            raw: bytes("Content-Type: text/plain; charset=x-klingon\n\nQapla") + [0xFF, 0x27],
            text: "Qapla\u{FFFD}'", problems: [.unknownCharset],
            more: { message in
                #expect(message.root.body == bytes("Qapla") + [0xFF, 0x27])
                #expect(message.root.charsetProblem?.kind == .unknownCharset)
                #expect(message.root.charsetProblem?.message.contains("x-klingon") == true)
                #expect(message.root.charset == nil)
                #expect(message.charsetProblems.count == 1)
            }
        ),
        ExpectedMessage(
            name: "8-bit bytes in a us-ascii part are read as UTF-8, reported",
            raw: bytes("Content-Type: text/plain\n\nZoë"),
            text: "Zoë", problems: [.invalidCharsetData],
            more: { message in #expect(message.root.charsetProblem?.kind == .invalidCharsetData) }
        ),
        ExpectedMessage(
            name: "an unknown transfer encoding keeps the body as written",
            raw: lf("Content-Transfer-Encoding: x-uuencode", "", "begin 644 a.txt"),
            text: "begin 644 a.txt", problems: [.unknownTransferEncoding]
        ),
        ExpectedMessage(
            name: "RFC 2047 Q subject",
            raw: lf("Subject: =?UTF-8?Q?Caf=C3=A9_au_lait?=", "", ""),
            subject: "Café au lait",
            more: { message in #expect(message.headers.first(named: "subject")?.rawValue == "=?UTF-8?Q?Caf=C3=A9_au_lait?=") }
        ),
        ExpectedMessage(
            name: "RFC 2047 B subject in ISO-8859-1",
            raw: lf("Subject: =?ISO-8859-1?B?S/ZsbiBpc3QgY29vbA==?=", "", ""),
            subject: "Köln ist cool"
        ),
        ExpectedMessage(
            name: "adjacent encoded words are joined without the white space between them",
            raw: lf("Subject: =?utf-8?q?one?= =?utf-8?q?two?=", "  =?utf-8?q?_three?= and =?utf-8?q?four?= five", "", ""),
            subject: "onetwo three and four five"
        ),
        ExpectedMessage(
            name: "a character split between two encoded words survives",
            raw: lf("Subject: =?utf-8?b?ww==?= =?utf-8?b?qQ==?=", "", ""),
            subject: "é"
        ),
        ExpectedMessage(
            name: "malformed encoded words are left as written",
            raw: lf("Subject: =?utf-8?x?abc?= =?utf-8?q?bad=ZZ?= =?x-unknown?q?abc?= =?utf-8?q?unterminated ok", "", ""),
            subject: "=?utf-8?x?abc?= =?utf-8?q?bad=ZZ?= =?x-unknown?q?abc?= =?utf-8?q?unterminated ok",
            problems: [.malformedEncodedWord, .unknownCharset]
        ),
        ExpectedMessage(
            name: "8-bit UTF-8 in headers is read as UTF-8 without a problem",
            raw: lf("Subject: Grüße", "From: Zoë <zoe@example.com>", "", ""),
            subject: "Grüße", from: ["Zoë <zoe@example.com>"]
        ),
        ExpectedMessage(
            name: "8-bit bytes that are not UTF-8 in a header are read as Latin-1, reported",
            raw: bytes("Subject: Gr") + [0xFC, 0xDF] + bytes("e\n\nbody"),
            subject: "Grüße", text: "body", problems: [.eightBitHeader]
        ),
        ExpectedMessage(
            name: "an empty message",
            raw: [],
            text: "", headerCount: 0, parts: ["root text/plain"], attachments: []
        ),
        ExpectedMessage(
            name: "a 1 MB single-line body",
            raw: bytes("Subject: big\r\n\r\n" + String(repeating: "x", count: 1_000_000)),
            subject: "big",
            more: { message in #expect(message.text.utf8.count == 1_000_000) }
        ),
        ExpectedMessage(
            name: "a 1 MB header line",
            raw: bytes("Subject: " + String(repeating: "y", count: 1_000_000) + "\r\n\r\nbody"),
            text: "body",
            more: { message in #expect(message.subject?.utf8.count == 1_000_000) }
        ),
    ]
}
