import Foundation
import NightshiftMail
import Testing

/// Any message classifies, whatever it holds: random bytes, random damage to real replies,
/// megabyte lines built to make scanners backtrack or recurse, deep nesting, huge reports. The
/// tests check that a class comes back and the result is consistent; how fast belongs in
/// Benchmarks/, not here.
@Suite("Reply robustness")
struct ReplyRobustnessTests {
    static let classifier = RuleReplyClassifier()

    static func classify(_ bytes: [UInt8]) -> ReplyClassification {
        classifier.classification(of: MailMessage(bytes: bytes), reference: ReplyMail.wednesday)
    }

    static func expectConsistent(_ result: ReplyClassification, _ context: String) {
        #expect(ReplyClass.allCases.contains(result.replyClass), "\(context)")
        #expect(!result.signals.isEmpty, "\(context): a class without a reason")
        if result.replyClass != .bounce { #expect(result.bounces.isEmpty || result.replyClass == .unknown, "\(context)") }
        if result.replyClass != .complaint { #expect(result.complaint == nil, "\(context)") }
        #expect(result.text.unicodeScalars.count <= classifier.configuration.maximumTextLength, "\(context)")
    }

    @Test("1,000 seeded random byte strings classify")
    func randomBytes() {
        var random = SplitMix64(seed: 0x7265_706C_79)
        for round in 0..<1_000 {
            let length = Int.random(in: 0..<3_000, using: &random)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            Self.expectConsistent(Self.classify(bytes), "round \(round)")
        }
    }

    /// Bytes that mean something to the classifier's scanners.
    static let interesting: [UInt8] = Array("\r\n>@.:;-_/()<>0123456789 \t'".utf8) + [0xC3, 0xA9, 0xE2, 0x80, 0xA6]

    @Test("3,000 seeded mutations of corpus replies classify")
    func mutatedCorpus() throws {
        let folder = try #require(Bundle.module.url(forResource: "replies", withExtension: nil))
        let seeds = [
            "bounce/05-en-sendmail-one-failed-one-delayed.eml", "complaint/01-en-arf-abuse-full-message.eml",
            "ooo/06-de-abwesenheitsnotiz-exchange.eml", "referral/02-en-cc-colleague.eml", "interested/05-en-html-only-set-up-a-meeting.eml",
        ]
        .compactMap { FileManager.default.contents(atPath: folder.appendingPathComponent($0).path).map { [UInt8]($0) } }
        #expect(seeds.count == 5)
        var random = SplitMix64(seed: 0x6D75_7461_7465)
        for round in 0..<3_000 {
            var bytes = random.pick(seeds)
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[position] = random.pick(Self.interesting)
                case 1: bytes.insert(random.pick(Self.interesting), at: position)
                case 2: bytes.remove(at: position)
                default:
                    let end = min(bytes.count, position + Int.random(in: 1...200, using: &random))
                    bytes.insert(contentsOf: bytes[position..<end], at: position)
                }
            }
            Self.expectConsistent(Self.classify(bytes), "round \(round)")
        }
    }

    static func hostile(_ body: String, headers: [String] = []) -> [UInt8] {
        let head = (["From: a@customer.example", "To: m@seller.example", "Subject: Re: offer"] + headers + ["", ""]).joined(separator: "\r\n")
        return Array(head.utf8) + Array(body.utf8)
    }

    @Test("megabyte lines and repetitions built against the scanners")
    func hostileTexts() {
        let cases: [(String, [UInt8])] = [
            ("5 MB on one line", Self.hostile(String(repeating: "x", count: 5_000_000))),
            ("a@ repeated on one line", Self.hostile(String(repeating: "a@", count: 1_000_000))),
            ("address-like runs", Self.hostile(String(repeating: "first.last@", count: 200_000) + "example.com")),
            (
                "weekdays repeated in an automatic reply",
                Self.hostile(String(repeating: "until monday ", count: 300_000), headers: ["Auto-Submitted: auto-replied"])
            ),
            (
                "dates repeated",
                Self.hostile(String(repeating: "14.12.2025 bis 15. Dezember ", count: 100_000), headers: ["Auto-Submitted: auto-replied"])
            ),
            (
                "status codes from a mail server",
                Self.hostile(String(repeating: "550 5.1.1 <x@y.example> ", count: 100_000), headers: ["From: MAILER-DAEMON@mx.example"])
            ),
            ("phrases repeated", Self.hostile(String(repeating: "not interested, please contact ", count: 150_000))),
            ("attribution lines", Self.hostile(String(repeating: "On Monday Bob wrote:\n> x\n", count: 200_000))),
            ("quote markers only", Self.hostile(String(repeating: ">", count: 3_000_000))),
            ("a million line breaks", Self.hostile(String(repeating: "\n", count: 1_000_000))),
            ("header-like lines", Self.hostile(String(repeating: "From: x\nSent: y\n", count: 200_000))),
            ("closings", Self.hostile(String(repeating: "Best regards,\n", count: 300_000))),
            ("gap phrases", Self.hostile(String(repeating: "passt passt passt passt ", count: 200_000))),
        ]
        for (name, bytes) in cases {
            Self.expectConsistent(Self.classify(bytes), name)
        }
    }

    @Test("deeply nested multiparts and a report with thousands of recipients")
    func structure() {
        var nested = ""
        for depth in 0..<200 { nested += "Content-Type: multipart/mixed; boundary=\"b\(depth)\"\r\n\r\n--b\(depth)\r\n" }
        nested += "Content-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        Self.expectConsistent(Self.classify(Self.hostile(nested)), "nested")

        var report = "Reporting-MTA: dns; mx\r\n\r\n"
        for index in 0..<20_000 { report += "Final-Recipient: rfc822; u\(index)@b.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" }
        let bytes = Self.hostile(
            "--r\r\nContent-Type: message/delivery-status\r\n\r\n" + report + "--r--\r\n",
            headers: ["MIME-Version: 1.0", "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\""])
        let result = Self.classify(bytes)
        #expect(result.replyClass == .bounce)
        #expect(result.bounces.count == 499, "at most 500 field groups are read: the per-message one and 499 recipients")
    }
}
