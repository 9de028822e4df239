import Foundation
import NightshiftMail
import Testing

/// No input crashes the parser or makes it slow: every prefix of real messages, thousands of
/// seeded random mutations, hostile megabytes, and the limits on nesting, parts and fields.
@Suite("Parser robustness")
struct ParserRobustnessTests {
    /// Messages with most of what the parser reads: nesting, encodings, parameters, addresses.
    static let seeds: [[UInt8]] = [
        MessageTableTests.structure[0].raw,
        MessageTableTests.structure[3].raw,
        MessageTableTests.structure[12].raw,
        MessageTableTests.headers[6].raw + MessageTableTests.headers[10].raw,
        lf(
            "From: \"Q\" <q@example.com>", "Subject: =?utf-8?b?R3LDvMOfZSBhdXMgS8O2bG4=?=", "Date: Tue, 1 Jul 2003 10:52:37 +0200",
            "Content-Type: multipart/alternative; boundary=\"=_x\"", "", "--=_x", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable", "", "Gr=C3=BC=C3=9Fe =", "aus K=C3=B6ln", "--=_x",
            "Content-Type: text/html; charset=windows-1252", "Content-Transfer-Encoding: base64", "",
            "PHA+SGkgJmFtcDsgYnllPC9wPg==", "--=_x--", ""),
    ]

    @Test("every prefix of several messages parses")
    func everyPrefix() {
        for seed in Self.seeds {
            for length in 0...seed.count {
                expectInvariants(MailMessage(bytes: Array(seed[..<length])))
            }
        }
    }

    /// Bytes that mean something to one of the parser's layers.
    static let interesting: [UInt8] = Array("\r\n-=?:;\"<>()@,*'%_ \t\\[]&#/".utf8) + [0x00, 0x80, 0xC3, 0xFF]

    @Test("5,000 seeded random mutations parse")
    func randomMutations() {
        var random = SplitMix64(seed: 0x6D61_696C)
        for round in 0..<5_000 {
            var input = random.pick(Self.seeds)
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                mutate(&input, using: &random)
            }
            let message = MailMessage(bytes: input)
            expectInvariants(message)
            if round % 1_000 == 0 { #expect(message.root.path.isEmpty) }
        }
    }

    private func mutate(_ input: inout [UInt8], using random: inout SplitMix64) {
        let position = input.isEmpty ? 0 : Int.random(in: 0..<input.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0 where !input.isEmpty:
            input[position] = UInt8.random(in: 0...255, using: &random)
        case 1 where !input.isEmpty:
            input[position] = random.pick(Self.interesting)
        case 2:
            input.insert(random.pick(Self.interesting), at: position)
        case 3 where !input.isEmpty:
            input.remove(at: position)
        case 4 where !input.isEmpty:
            // Repeat a chunk: boundaries, headers and encoded words appear twice.
            let end = min(input.count, position + Int.random(in: 1...40, using: &random))
            input.insert(contentsOf: input[position..<end], at: position)
        default:
            input = Array(input[..<position])
        }
    }

    // MARK: Hostile input

    /// Inputs built to hit each scanner's worst case; each is about a megabyte.
    static let hostile: [(String, [UInt8])] = [
        ("encoded-word starts", bytes("Subject: " + String(repeating: "=?", count: 500_000) + "\n\n")),
        ("encoded words without ends", bytes("Subject: " + String(repeating: "=?utf-8?q?a", count: 100_000) + "\n\n")),
        ("nested comments in an address field", bytes("To: " + String(repeating: "(", count: 1_000_000) + "\n\n")),
        ("open quotes and angles", bytes("To: " + String(repeating: "\"<a@b", count: 200_000) + "\n\n")),
        ("100,000 header fields", bytes(String(repeating: "X-A: b\n", count: 100_000) + "\nbody")),
        ("200,000 delimiter lines", bytes("Content-Type: multipart/mixed; boundary=b\n\n" + String(repeating: "--b\nx\n", count: 200_000))),
        ("a boundary-like megabyte", bytes("Content-Type: multipart/mixed; boundary=bbbb\n\n" + String(repeating: "-", count: 1_000_000))),
        ("base64 garbage", bytes("Content-Transfer-Encoding: base64\n\n" + String(repeating: "*=", count: 500_000))),
        ("quoted-printable escapes", bytes("Content-Transfer-Encoding: quoted-printable\n\n" + String(repeating: "=", count: 1_000_000))),
        ("HTML markup starts", bytes("Content-Type: text/html\n\n" + String(repeating: "<a &#", count: 200_000))),
        ("RFC 2231 sections", bytes("Content-Type: text/plain; " + (0..<50_000).map { "name*\($0 % 9999)*=x%4" }.joined(separator: ";") + "\n\n")),
        ("lone CRs", [UInt8](repeating: 0x0D, count: 1_000_000)),
        (
            "10,000 nested multiparts",
            bytes((0..<10_000).map { "Content-Type: multipart/mixed; boundary=b\($0)\n\n--b\($0)\n" }.joined())
        ),
        ("10,000 nested messages", bytes(String(repeating: "Content-Type: message/rfc822\n\n", count: 10_000))),
    ]

    /// Each parses to a message that keeps the invariants. No time is asserted (speed is measured
    /// in Benchmarks/); quadratic behaviour on a megabyte would keep this test running for hours.
    @Test("hostile megabytes parse to messages that keep the invariants", arguments: 0..<hostile.count)
    func hostileInput(_ index: Int) {
        let (_, input) = Self.hostile[index]
        expectInvariants(MailMessage(bytes: input))
    }

    // MARK: Limits

    @Test("nesting deeper than the limit is read as text, reported")
    func depthLimit() {
        let input = bytes(
            (0..<40).map { "Content-Type: multipart/mixed; boundary=b\($0)\n\n--b\($0)\n" }.joined() + "Content-Type: text/plain\n\ndeep")
        let message = MailMessage(bytes: input)
        expectInvariants(message)
        #expect(message.problems.contains { $0.kind == .limitReached && $0.message.contains("deeper than 32") })
        let deepest = message.root.allParts.map { $0.path.split(separator: ".").count }.max()
        #expect(deepest == 32)
    }

    @Test("parts past the limit are not read, reported once")
    func partLimit() {
        var limits = MailMessage.Limits()
        limits.maximumParts = 50
        let input = bytes("Content-Type: multipart/mixed; boundary=b\n\n" + String(repeating: "--b\n\npart\n", count: 80) + "--b--\n")
        let message = MailMessage(bytes: input, limits: limits)
        expectInvariants(message, limits: limits)
        #expect(message.root.allParts.count == 50)
        #expect(message.problems.filter { $0.kind == .limitReached }.count == 1)
    }

    @Test("header fields past the limit are not kept, reported")
    func headerLimit() {
        let message = MailMessage(bytes: bytes(String(repeating: "X-A: b\n", count: 10_050) + "Subject: late\n\nbody"))
        #expect(message.headers.count == 10_000)
        #expect(message.subject == nil)
        #expect(message.text == "body")
        #expect(message.problems.map(\.kind) == [.limitReached])
    }

    @Test("problems past the limit are counted in a last one")
    func problemLimit() {
        var limits = MailMessage.Limits()
        limits.maximumProblems = 10
        let message = MailMessage(bytes: bytes(String(repeating: "Subject: =?x-no?q?a?=\n", count: 25) + "\n"), limits: limits)
        #expect(message.problems.count == 11)
        #expect(message.problems.last?.message == "15 more problems not listed")
    }
}
