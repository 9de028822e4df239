import Foundation
import NightshiftMail
import Testing

/// What the writer renders, the parser reads back: the same subject, addresses, ids, date and
/// text, over random messages with non-ASCII text, long words, `From ` and `.` lines, trailing
/// white space and everything a header must quote or encode.
@Suite("Writer and parser round trip")
struct RoundTripTests {
    static let cases = 600

    /// Pieces random values are made of: plain words, words that need quoting or encoding.
    static let words = [
        "Hello", "re:", "Ünïcödé", "Grüße", "日本語", "😀", "e\u{301}", "a,b", "\"quoted\"", "back\\slash", "=?utf-8?q?x?=", "semi;colon",
        "<angle>", "(paren)", "tab\there", "x", "dots.in.it", "ünd", "Ελληνικά", "русский", "~!#$%&'*+-/=?^_`{|}",
        String(repeating: "long", count: 25), String(repeating: "é", count: 50), "€", "",
    ]

    static func phrase(_ random: inout SplitMix64, maxWords: Int) -> String {
        let count = Int.random(in: 0...maxWords, using: &random)
        let separator = random.chance(1, in: 5) ? "  " : " "
        var text = (0..<count).map { _ in random.pick(words) }.joined(separator: separator)
        if random.chance(1, in: 8) { text = " " + text }
        if random.chance(1, in: 8) { text += " " }
        return text
    }

    static func address(_ random: inout SplitMix64) -> String {
        let locals = ["ann", "bob.smith", "x_y+tag", "o'neil", "\"john doe\"", "a1"]
        let domains = ["example.com", "mail.example.org", "sub-domain.example.net", "[192.0.2.7]"]
        return random.pick(locals) + "@" + random.pick(domains)
    }

    static func mailbox(_ random: inout SplitMix64) -> MailAddress {
        MailAddress(name: random.chance(1, in: 4) ? nil : phrase(&random, maxWords: 4), address: address(&random))
    }

    static func text(_ random: inout SplitMix64) -> String {
        let lines = [
            "From the start", ".", "..", "trailing spaces   ", "tab at end\t", "", "a=b and =3D", "Grüße 😀 日本語",
            String(repeating: "0123456789", count: 20), String(repeating: "é", count: 90), " leading", "=", "From ", "plain line",
        ]
        var text = (0..<Int.random(in: 0...8, using: &random)).map { _ in random.pick(lines) }.joined(separator: random.pick(["\n", "\r\n", "\r"]))
        if random.chance(1, in: 2) { text += "\n" }
        return text
    }

    static func id(_ random: inout SplitMix64) throws -> String {
        try OutgoingMail.makeMessageID(domain: random.pick(["example.com", "a.example"]), using: &random)
    }

    /// The display name the parser gives back: trimmed, nil when nothing is left.
    static func expectedName(_ name: String?) -> String? {
        let trimmed = name?.trimmingCharacters(in: .whitespaces) ?? ""
        return trimmed.isEmpty ? nil : trimmed
    }

    @Test("600 random messages read back as written")
    func roundTrip() throws {
        var random = SplitMix64(seed: 2024)
        for number in 0..<Self.cases {
            var mail = OutgoingMail(
                from: Self.mailbox(&random), to: (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.mailbox(&random) },
                subject: Self.phrase(&random, maxWords: 12), text: Self.text(&random), messageID: try Self.id(&random),
                date: Date(timeIntervalSince1970: TimeInterval(Int.random(in: 0...4_000_000_000, using: &random))))
            mail.cc = (0..<Int.random(in: 0...2, using: &random)).map { _ in Self.mailbox(&random) }
            mail.replyTo = random.chance(1, in: 3) ? [Self.mailbox(&random)] : []
            mail.secondsFromGMT = Int.random(in: -12 * 60...14 * 60, using: &random) * 60
            mail.inReplyTo = random.chance(1, in: 2) ? [try Self.id(&random)] : []
            mail.references = try (0..<Int.random(in: 0...5, using: &random)).map { _ in try Self.id(&random) }
            mail.headerEncoding = random.pick([.shortest, .q, .base64])
            if random.chance(1, in: 3) { mail.html = "<p>" + Self.text(&random) + "</p>" }

            let rendered = try mail.rendered()
            let context = Comment(rawValue: "case \(number):\n\(rendered)")
            let (header, body) = try #require(split(rendered), context)
            for line in header { #expect(line.utf8.count <= 78, context) }
            for word in encodedWords(in: header.joined(separator: "\n")) { #expect(word.utf8.count <= 75, context) }
            for line in body where !line.hasPrefix("--=_") { #expect(line.utf8.count <= 76, context) }
            #expect(rendered.utf8.allSatisfy { $0 < 0x80 }, context)

            let parsed = MailMessage(bytes: Array(rendered.utf8))
            #expect(parsed.problems.isEmpty, context)
            #expect(parsed.subject == mail.subject, context)
            for (got, sent) in [(parsed.from, [mail.from]), (parsed.to, mail.to), (parsed.cc, mail.cc), (parsed.replyTo, mail.replyTo)] {
                #expect(got.map(\.address) == sent.map(\.address), context)
                #expect(got.map(\.name) == sent.map { Self.expectedName($0.name) }, context)
            }
            #expect(parsed.messageID == mail.messageID, context)
            #expect(parsed.inReplyTo == mail.inReplyTo, context)
            #expect(parsed.references == mail.references, context)
            #expect(parsed.date == mail.date, context)
            if let html = mail.html {
                #expect(parsed.part(at: "1")?.text == normalized(mail.text), context)
                #expect(parsed.part(at: "2")?.text == normalized(html), context)
                // A plain alternative of white space only does not count: the HTML is read instead,
                // unless it is as empty.
                let htmlText = HTMLText.plainText(normalized(html))
                let readsHTML = mail.text.allSatisfy(\.isWhitespace) && !htmlText.isEmpty
                #expect(parsed.text == (readsHTML ? htmlText : normalized(mail.text)), context)
                #expect(parsed.textIsFromHTML == readsHTML, context)
            } else {
                #expect(parsed.text == normalized(mail.text), context)
            }
        }
    }

    private func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// The header's lines and the body's lines of a rendered message.
    private func split(_ rendered: String) -> (header: [String], body: [String])? {
        guard let blank = rendered.range(of: "\r\n\r\n") else { return nil }
        return (
            rendered[..<blank.lowerBound].components(separatedBy: "\r\n"),
            rendered[blank.upperBound...].components(separatedBy: "\r\n")
        )
    }

    /// The `=?…?=` words in `text`.
    private func encodedWords(in text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\"" || $0 == "," }).filter { $0.hasPrefix("=?") && $0.hasSuffix("?=") }
    }
}
