import NightshiftMail
import Testing

/// Table cases about the header: folding, duplicates, addresses, ids, dates, malformed lines.
extension MessageTableTests {
    static let headers: [ExpectedMessage] = [
        ExpectedMessage(
            name: "folded headers are unfolded, keeping the white space of the continuation",
            raw: bytes("Subject: a long\r\n\tfolded\r\n  subject\r\nX-Empty:\r\n\r\nbody"),
            subject: "a long\tfolded  subject", text: "body", headerCount: 2,
            more: { message in #expect(message.headers["x-empty"] == "") }
        ),
        ExpectedMessage(
            name: "duplicate headers: all kept in order, the first one used, address fields concatenated",
            raw: lf(
                "Received: from a by b", "Subject: first", "To: one@example.com", "Received: from c by d", "Subject: second",
                "TO: two@example.com", "", ""),
            subject: "first", to: ["one@example.com", "two@example.com"], headerCount: 6,
            more: { message in
                #expect(message.headers.values(named: "received") == ["from a by b", "from c by d"])
                #expect(message.headers.all(named: "SUBJECT").map(\.value) == ["first", "second"])
            }
        ),
        ExpectedMessage(
            name: "a message of headers only, without the blank line",
            raw: crlf("Subject: only headers", "From: a@b.example"),
            subject: "only headers", from: ["a@b.example"], text: "", headerCount: 2
        ),
        ExpectedMessage(
            name: "an mbox From line before the header is skipped",
            raw: lf("From ann@example.com Tue Jul  1 10:52:37 2003", "Subject: boxed", "", "body"),
            subject: "boxed", text: "body", headerCount: 1
        ),
        ExpectedMessage(
            name: "a header line that is not a field starts the body",
            raw: lf("From: a@b.example", "Subject: s", "counter to RFC 5322, no blank line", "more", ""),
            subject: "s", text: "counter to RFC 5322, no blank line\nmore\n", headerCount: 2,
            problems: [.missingHeaderBodySeparator]
        ),
        ExpectedMessage(
            name: "a continuation line before any field is skipped",
            raw: lf(" leading continuation", "Subject: s", "", "b"),
            subject: "s", text: "b", headerCount: 1, problems: [.malformedHeader]
        ),
        ExpectedMessage(
            name: "display names: encoded words, quoted strings, encoded words inside quotes",
            raw: lf(
                "From: =?utf-8?q?Zo=C3=AB_Night?= <zoe@example.com>",
                "To: \"Doe, Jane\" <jane@example.org>, \"=?utf-8?b?w4lsaXNl?=\" <elise@example.net>,",
                " =?iso-8859-1?q?Ren=E9?= =?iso-8859-1?q?_Dupont?= <rene@example.fr>", "", ""),
            from: ["Zoë Night <zoe@example.com>"],
            to: ["Doe, Jane <jane@example.org>", "Élise <elise@example.net>", "René Dupont <rene@example.fr>"]
        ),
        ExpectedMessage(
            name: "groups, an empty group, bare addresses and an old-style comment name",
            raw: lf(
                "To: undisclosed-recipients:;",
                "Cc: team: a@example.com, \"B. Bee\" <b@example.com>;, plain@example.org (Old Style)", "", ""),
            to: [], cc: ["a@example.com", "B. Bee <b@example.com>", "Old Style <plain@example.org>"],
            more: { message in
                #expect(message.cc.map(\.group) == ["team", "team", nil])
                #expect(message.cc[1].name == "B. Bee")
            }
        ),
        ExpectedMessage(
            name: "malformed addresses are kept as well as they can be read, reported",
            raw: lf("To: John Doe john@example.com, <open@example.com", "", ""),
            to: ["John Doe <john@example.com>", "open@example.com"], problems: [.malformedAddress, .malformedAddress]
        ),
        ExpectedMessage(
            name: "addresses: obsolete route, quoted local part, comments, case kept",
            raw: lf("From: Ann (the boss) <@relay.example:Ann.Boss@Example.COM>", "Reply-To: \"ann boss\"@example.com", "", ""),
            from: ["Ann <Ann.Boss@Example.COM>"],
            more: { message in #expect(message.replyTo.map(\.address) == ["\"ann boss\"@example.com"]) }
        ),
        ExpectedMessage(
            name: "In-Reply-To with a phrase and folded References give ids without brackets",
            raw: lf(
                "Message-ID: <child@example.com>", "In-Reply-To: Your message of Monday <parent@example.com>",
                "References: <root@example.com>", " <mid@example.com>\t<parent@example.com>", "", ""),
            messageID: "child@example.com", inReplyTo: ["parent@example.com"],
            references: ["root@example.com", "mid@example.com", "parent@example.com"]
        ),
        ExpectedMessage(
            name: "a Message-ID without angle brackets is taken, reported",
            raw: lf("Message-ID: bare-id@example.com", "", ""),
            messageID: "bare-id@example.com", problems: [.malformedMessageID]
        ),
        ExpectedMessage(
            name: "an obsolete date: two-digit year, no seconds, a US zone name",
            raw: lf("Date: Fri, 4 May 01 14:05 EDT", "", ""),
            date: "2001-05-04T18:05:00Z"
        ),
        ExpectedMessage(
            name: "an unreadable date gives no date, reported",
            raw: lf("Date: sometime next week", "", ""),
            date: "none", problems: [.malformedDate]
        ),
    ]
}
