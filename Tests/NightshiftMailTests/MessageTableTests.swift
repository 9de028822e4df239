import Foundation
import NightshiftMail
import Testing

/// The parser's table: small messages written inline, each with the fields it must read and the
/// problems it must report (see ``ExpectedMessage``).
@Suite("Message table")
struct MessageTableTests {
    static let all: [ExpectedMessage] = encodings + structure + headers

    @Test("the table holds at least 40 messages with distinct names")
    func tableSize() {
        #expect(Self.all.count >= 40)
        #expect(Set(Self.all.map(\.name)).count == Self.all.count)
    }

    @Test("each message reads as expected", arguments: all)
    func reads(_ expected: ExpectedMessage) {
        expected.check()
    }

    @Test("Data and bytes give the same message")
    func dataAndBytesAgree() {
        let raw = Self.all[0].raw
        #expect(MailMessage(data: .init(raw)) == MailMessage(bytes: raw))
    }

    @Test("a problem names its part, header and byte offset")
    func problemLocation() {
        let raw = lf(
            "Subject: ok", "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain; charset=x-nope", "",
            "text", "--b--")
        let message = MailMessage(bytes: raw)
        let problem = message.problems.first
        #expect(problem?.kind == .unknownCharset)
        #expect(problem?.part == "1")
        #expect(problem?.header == "Content-Type")
        // The part starts after "--b\n", on the line following the message's header.
        let partStart = raw.count - bytes("Content-Type: text/plain; charset=x-nope\n\ntext\n--b--").count
        #expect(problem?.offset == partStart)
        #expect(problem?.description.hasPrefix("part 1, header Content-Type, byte \(partStart): unknown charset") == true)
        #expect(message.part(at: "1")?.charsetProblem == problem)
    }
}
