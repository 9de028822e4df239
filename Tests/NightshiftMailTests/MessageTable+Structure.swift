import NightshiftMail
import Testing

/// Table cases about the MIME tree: multiparts, boundaries, nesting, attachments, parameters.
extension MessageTableTests {
    static let structure: [ExpectedMessage] = [
        ExpectedMessage(
            name: "nested multipart/mixed > multipart/alternative > text and HTML, with an attachment",
            raw: lf(
                "Subject: report", "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"outer\"", "",
                "--outer", "Content-Type: multipart/alternative; boundary=inner", "",
                "--inner", "Content-Type: text/plain; charset=utf-8", "", "The figures are attached.",
                "--inner", "Content-Type: text/html; charset=utf-8", "", "<p>The <b>figures</b> are attached.</p>",
                "--inner--", "",
                "--outer", "Content-Type: application/pdf; name=\"q3.pdf\"", "Content-Disposition: attachment; filename=\"q3.pdf\"",
                "Content-Transfer-Encoding: base64", "", "JVBERi0xLjQK",
                "--outer--", ""),
            subject: "report", text: "The figures are attached.", textIsFromHTML: false,
            parts: ["root multipart/mixed", "1 multipart/alternative", "1.1 text/plain", "1.2 text/html", "2 application/pdf"],
            attachments: ["2 q3.pdf application/pdf 9"],
            more: { message in
                #expect(message.textParts == ["1.1"])
                #expect(message.part(at: "1.2")?.text == "<p>The <b>figures</b> are attached.</p>")
                #expect(message.part(at: "2")?.body == bytes("%PDF-1.4\n"))
            }
        ),
        ExpectedMessage(
            name: "an alternative whose plain part is empty reads the HTML one",
            raw: lf(
                "Content-Type: multipart/alternative; boundary=b", "",
                "--b", "Content-Type: text/plain", "", "",
                "--b", "Content-Type: text/html", "", "<div>Only here</div>", "--b--"),
            text: "Only here", textIsFromHTML: true
        ),
        ExpectedMessage(
            name: "HTML-only mail is converted to text",
            raw: lf(
                "Content-Type: text/html; charset=utf-8", "",
                "<html><head><style>p { margin: 0 }</style></head><body><p>Hi&nbsp;there,</p><p>Thanks &amp; bye<br>Ann</p></body></html>"),
            text: "Hi there,\n\nThanks & bye\nAnn", textIsFromHTML: true, attachments: []
        ),
        ExpectedMessage(
            name: "message/rfc822 attached: listed as an attachment, its message parsed inside",
            raw: lf(
                "Subject: Fwd: hello", "Content-Type: multipart/mixed; boundary=\"outer\"", "",
                "--outer", "Content-Type: text/plain", "", "See below.",
                "--outer", "Content-Type: message/rfc822", "Content-Disposition: attachment; filename=\"hello.eml\"", "",
                "From: Ann <ann@example.com>", "Subject: hello", "Content-Type: text/plain", "", "Hi Bob",
                "--outer--"),
            subject: "Fwd: hello", text: "See below.",
            parts: ["root multipart/mixed", "1 text/plain", "2 message/rfc822", "2.1 text/plain"],
            attachments: ["2 hello.eml message/rfc822 75"],
            more: { message in
                let inner = message.part(at: "2.1")
                #expect(inner?.headers["Subject"] == "hello")
                #expect(inner?.text == "Hi Bob")
                #expect(message.part(at: "2")?.isEmbeddedMessage == true)
            }
        ),
        ExpectedMessage(
            name: "a base64 message/rfc822 is decoded before it is parsed",
            raw: lf(
                "Content-Type: multipart/mixed; boundary=o", "",
                "--o", "Content-Type: message/rfc822", "Content-Transfer-Encoding: base64", "",
                "U3ViamVjdDogaW5uZXIKCmJvZHk=", "--o--"),
            parts: ["root multipart/mixed", "1 message/rfc822", "1.1 text/plain"],
            more: { message in
                #expect(message.part(at: "1.1")?.headers["subject"] == "inner")
                #expect(message.part(at: "1.1")?.text == "body")
            }
        ),
        ExpectedMessage(
            name: "missing closing boundary: the last part runs to the end",
            raw: lf(
                "Content-Type: multipart/mixed; boundary=zz", "",
                "--zz", "Content-Type: text/plain", "", "first",
                "--zz", "Content-Type: text/plain", "", "second", ""),
            text: "first\n\nsecond\n", parts: ["root multipart/mixed", "1 text/plain", "2 text/plain"],
            problems: [.missingClosingBoundary]
        ),
        ExpectedMessage(
            name: "a boundary that never occurs: the body is read as text",
            raw: lf("Content-Type: multipart/mixed; boundary=\"nope\"", "", "Just text", "--not-the-boundary", ""),
            text: "Just text\n--not-the-boundary\n", parts: ["root multipart/mixed"], attachments: [],
            problems: [.boundaryNotFound]
        ),
        ExpectedMessage(
            name: "a multipart without a boundary parameter is read as text",
            raw: lf("Content-Type: multipart/alternative;", "", "Blah blah blah"),
            text: "Blah blah blah", parts: ["root multipart/alternative"], problems: [.missingBoundary]
        ),
        ExpectedMessage(
            name: "preamble and epilogue are kept apart from the text",
            raw: lf(
                "Content-Type: multipart/mixed; boundary=\"b\"", "", "This is a multi-part message in MIME format.",
                "--b", "Content-Type: text/plain", "", "body", "--b--", "This is the epilogue.", ""),
            text: "body",
            more: { message in
                #expect(message.root.preamble == bytes("This is a multi-part message in MIME format."))
                #expect(message.root.epilogue == bytes("This is the epilogue.\n"))
            }
        ),
        ExpectedMessage(
            name: "delimiter lines one after another give no empty parts; whitespace after a delimiter is allowed",
            raw: lf(
                "Content-Type: multipart/mixed; boundary=ABCDE", "",
                "--ABCDE", "Content-Type: text/x-one", "", "Blah", "",
                "--ABCDE", "--ABCDE  ", "Content-Type: text/plain", "", "Blah two", "",
                "--ABCDE--"),
            text: "Blah two\n", parts: ["root multipart/mixed", "1 text/x-one", "2 text/plain"],
            attachments: ["1 - text/x-one 5"]
        ),
        ExpectedMessage(
            name: "multipart/digest parts default to message/rfc822",
            raw: lf(
                "Content-Type: multipart/digest; boundary=d", "",
                "--d", "", "Subject: first", "", "one",
                "--d", "", "Subject: second", "", "two", "--d--"),
            text: "", parts: ["root multipart/digest", "1 message/rfc822", "1.1 text/plain", "2 message/rfc822", "2.1 text/plain"],
            attachments: ["1 - message/rfc822 19", "2 - message/rfc822 20"]
        ),
        ExpectedMessage(
            name: "a text/plain part with an attachment disposition is not part of the text",
            raw: lf(
                "Content-Type: multipart/mixed; boundary=m", "",
                "--m", "Content-Type: text/plain", "", "Read me.",
                "--m", "Content-Type: text/plain", "Content-Disposition: attachment; filename=notes.txt", "", "not text",
                "--m--"),
            text: "Read me.", attachments: ["2 notes.txt text/plain 8"]
        ),
        ExpectedMessage(
            name: "RFC 2231 file name in sections with a charset",
            raw: lf(
                "Content-Type: multipart/mixed; boundary=b1", "",
                "--b1", "Content-Type: text/plain", "", "See attached.",
                "--b1", "Content-Type: application/octet-stream", "Content-Disposition: attachment;",
                " filename*0*=utf-8''Gr%C3%BC;", " filename*1*=%C3%9Fe%20;", " filename*2=\"aus Koeln.txt\"",
                "Content-Transfer-Encoding: base64", "", "AAECAw==", "--b1--"),
            text: "See attached.", attachments: ["2 Grüße aus Koeln.txt application/octet-stream 4"]
        ),
        ExpectedMessage(
            name: "RFC 2231 single value with charset and language",
            raw: lf("Content-Type: application/pdf", "Content-Disposition: attachment; filename*=iso-8859-1'fr'caf%E9.pdf", "", "x"),
            attachments: ["root café.pdf application/pdf 1"],
            more: { message in
                let parameter = message.root.disposition?.parameters.first { $0.name == "filename" }
                #expect(parameter?.language == "fr")
            }
        ),
        ExpectedMessage(
            name: "an encoded word in a quoted name parameter (as Outlook writes it) is decoded",
            raw: lf(
                "Content-Type: application/pdf; name=\"=?utf-8?b?UmVjaG51bmcgTsKwIDEyLnBkZg==?=\"", "Content-Transfer-Encoding: base64", "", "AAEC"),
            attachments: ["root Rechnung N° 12.pdf application/pdf 3"]
        ),
        ExpectedMessage(
            name: "a Content-Type without a subtype is read as text/plain",
            raw: lf("Content-Type: text", "", "hi"),
            text: "hi", parts: ["root text/plain"], problems: [.malformedContentType]
        ),
    ]
}
