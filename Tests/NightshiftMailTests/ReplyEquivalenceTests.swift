import Foundation
import NightshiftMail
import Testing

/// The classifier and ``ReplyText`` give exactly what they gave when
/// `Resources/replies/equivalence.txt` was recorded (before the classifier was made faster): for
/// the labelled corpus, CPython's email test messages, 2,000 messages of
/// `Benchmarks/mail/make-maildir.py` (seed 7) and 1,500 texts of ``ReplyVariations``. Each line
/// of the file is `input <TAB> class <TAB> digest`, the digest an FNV-1a hash of every field of
/// the classification (class, signals, bounces, dates, referrals, unsubscribe, text, signature,
/// contact, language) or of the body, signature and quoted part.
///
/// `NIGHTSHIFT_RECORD_REPLY_DIGESTS=/path` writes the lines there instead of comparing (with
/// `NIGHTSHIFT_REPLY_DIGEST_COUNT` and `…_SEED` for another generated folder), so two versions can
/// be compared on any input with `diff`.
@Suite("Reply classification equivalence")
struct ReplyEquivalenceTests {
    static let reference = Date(timeIntervalSince1970: 1_764_547_200)
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let generator = repository.appendingPathComponent("Benchmarks/mail/make-maildir.py").path
    static let python = "/usr/bin/python3"
    static let classifier = RuleReplyClassifier()
    static let pythonCorpus = "/usr/lib/python3.11/test/test_email/data"

    @Test("every input classifies as it did before")
    func sameAsRecorded() throws {
        let environment = ProcessInfo.processInfo.environment
        let count = Int(environment["NIGHTSHIFT_REPLY_DIGEST_COUNT"] ?? "") ?? 2_000
        let seed = Int(environment["NIGHTSHIFT_REPLY_DIGEST_SEED"] ?? "") ?? 7
        var digests: [(key: String, value: String)] = []
        digests += try corpusDigests()
        digests += try pythonCorpusDigests()
        digests += variationDigests()
        digests += try generatedDigests(count: count, seed: seed)
        let lines = digests.map { "\($0.key)\t\($0.value)" }

        if let path = environment["NIGHTSHIFT_RECORD_REPLY_DIGESTS"] {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let folder = try #require(Bundle.module.url(forResource: "replies", withExtension: nil))
        let url = folder.appendingPathComponent("equivalence.txt")
        var expected: [String: String] = [:]
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            expected[String(fields[0])] = String(fields[1])
        }
        var compared = 0
        var differing: [String] = []
        for (key, value) in digests {
            let recorded = try #require(expected[key], "\(key) is not in equivalence.txt")
            compared += 1
            if recorded != value { differing.append("\(key): \(recorded) before, \(value) now") }
        }
        #expect(differing.isEmpty, "\(differing.count) of \(compared) differ:\n\(differing.prefix(30).joined(separator: "\n"))")
        #expect(compared >= 1_500 + 94)
    }

    // MARK: Inputs

    func corpusDigests() throws -> [(key: String, value: String)] {
        let folder = try #require(Bundle.module.url(forResource: "replies", withExtension: nil))
        var result: [(key: String, value: String)] = []
        for label in ReplyClass.allCases {
            let directory = folder.appendingPathComponent(label.rawValue)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".eml") {
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                result.append(("corpus/\(label.rawValue)/\(name)", Self.digest(MailMessage(data: data))))
            }
        }
        return result
    }

    func pythonCorpusDigests() throws -> [(key: String, value: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.pythonCorpus)) ?? []
        return try names.filter { $0.hasPrefix("msg_") }.sorted().map { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.pythonCorpus)/\(name)"))
            return ("python/\(name)", Self.digest(MailMessage(data: data)))
        }
    }

    func variationDigests() -> [(key: String, value: String)] {
        var generator = SplitMix64(seed: 20_251_201)
        var result: [(key: String, value: String)] = []
        for number in 0..<1_500 {
            let text = ReplyVariations.text(using: &generator)
            let reply = ReplyText(text)
            result.append(("text/\(number)", "-\t" + Self.fnv1a("\(reply.body)\u{0}\(reply.signature)\u{0}\(reply.quoted)")))
            let extra: [String] =
                switch number % 4 {
                case 0: []
                case 1: ["Cc: David Brown <david.brown@customer.example>"]
                case 2: ["Auto-Submitted: auto-replied"]
                default: ["X-Auto-Response-Suppress: All"]
                }
            result.append(("mail/\(number)", Self.digest(ReplyMail.human(text, extra: extra))))
        }
        return result
    }

    /// The messages `make-maildir.py` writes for `count` and `seed`; none without python3.
    func generatedDigests(count: Int, seed: Int) throws -> [(key: String, value: String)] {
        guard FileManager.default.isExecutableFile(atPath: Self.python), FileManager.default.fileExists(atPath: Self.generator) else { return [] }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nightshift-equivalence-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.generator, folder.path, "--count", "\(count)", "--seed", "\(seed)"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "make-maildir.py failed")
        let new = folder.appendingPathComponent("new")
        return try FileManager.default.contentsOfDirectory(atPath: new.path).sorted().enumerated().map { number, name in
            let data = try Data(contentsOf: new.appendingPathComponent(name))
            return ("generated-\(count)-\(seed)/\(number)", Self.digest(MailMessage(data: data)))
        }
    }

    // MARK: Digests

    /// `class <TAB> hash` of everything the classifier says about `message`.
    static func digest(_ message: MailMessage) -> String {
        let result = classifier.classification(of: message, reference: message.date ?? reference)
        return "\(result.replyClass.rawValue)\t" + fnv1a(String(reflecting: result))
    }

    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
