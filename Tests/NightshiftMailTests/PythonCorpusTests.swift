import Foundation
import NightshiftMail
import NightshiftTesting
import Testing

/// CPython's own email test messages (Debian's libpython3.11-testsuite), read by this parser and
/// by Python's `email` package: the same number of header fields, the same multipart structure,
/// the same decoded subject. Skipped (not passed) where the folder or python3 is missing.
@Suite("Python's email test messages")
struct PythonCorpusTests {
    static let folder = "/usr/lib/python3.11/test/test_email/data"
    static let python = "/usr/bin/python3"

    static var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("msg_") && $0.hasSuffix(".txt") }.sorted().map { "\(folder)/\($0)" }
    }

    static var corpusIsPresent: Bool { !files.isEmpty }
    static var pythonIsPresent: Bool { FileManager.default.isExecutableFile(atPath: python) }

    /// Content types whose body Python's parser splits into sub-messages and this one keeps as
    /// one part, deliberately: `message/delivery-status` (RFC 3464) holds groups of status
    /// fields, not messages (Python makes each group a `text/plain` message: msg_16, msg_43), and
    /// `message/external-body` (RFC 2046 §5.2.3) only names content stored elsewhere (Python
    /// parses its body as an embedded message: msg_36). Python's parts below these are left out
    /// of the comparison; everything else must agree.
    static let keptWhole: Set<String> = ["message/delivery-status", "message/external-body"]

    @Test("every msg_*.txt parses", .enabled(if: corpusIsPresent, "needs \(folder) (Debian's libpython3.11-testsuite)"))
    func everyFileParses() throws {
        for file in Self.files {
            let message = MailMessage(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: file))))
            expectInvariants(message)
        }
    }

    /// What `Resources/python-email-view.py` prints for one file (its keys in snake case).
    struct PythonView: Decodable {
        var file: String
        var headers: Int
        var isMultipart: Bool
        var parts: Int
        var subject: String?
        var partsTree: [[Part]]
        var defects: [String]

        /// `[depth, content type]` as the script writes it.
        enum Part: Decodable, Equatable {
            case depth(Int)
            case type(String)

            init(from decoder: any Decoder) throws {
                let value = try decoder.singleValueContainer()
                if let depth = try? value.decode(Int.self) {
                    self = .depth(depth)
                } else {
                    self = .type(try value.decode(String.self))
                }
            }
        }

        /// The tree as `DEPTH TYPE` lines, without what lies below a type in ``keptWhole``.
        var comparableTree: [String] {
            var lines: [String] = []
            var skipBelow: Int?
            for entry in partsTree {
                guard entry.count == 2, case .depth(let depth) = entry[0], case .type(let type) = entry[1] else { continue }
                if let limit = skipBelow {
                    if depth > limit { continue }
                    skipBelow = nil
                }
                lines.append("\(depth) \(type)")
                if PythonCorpusTests.keptWhole.contains(type) { skipBelow = depth }
            }
            return lines
        }
    }

    @Test(
        "header counts, part trees and subjects match Python's email package",
        .enabled(if: corpusIsPresent && pythonIsPresent, "needs \(folder) and \(python)")
    )
    func matchesPython() async throws {
        let script = try #require(Bundle.module.path(forResource: "python-email-view", ofType: "py"))
        // Waited for without holding a thread of the cooperative pool (the network tests need it).
        let result = try await ChildProcess.run(Self.python, [script] + Self.files, environment: ProcessInfo.processInfo.environment, timeout: 120)
        try #require(result.status == 0, "\(result.stderr)")
        let data = Data(result.stdout.utf8)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let views = try decoder.decode([PythonView].self, from: data)
        try #require(views.count == Self.files.count)

        var compared = 0
        for view in views {
            let name = URL(fileURLWithPath: view.file).lastPathComponent
            let message = MailMessage(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: view.file))))
            #expect(message.headers.count == view.headers, "\(name): header fields")
            let isMultipart = message.root.contentType.type == "multipart" || message.root.contentType.type == "message"
            #expect((isMultipart && !message.root.children.isEmpty) == view.isMultipart, "\(name): multipart")
            if view.isMultipart { #expect(message.root.children.count == view.parts, "\(name): direct parts") }
            let tree = message.root.allParts.map { "\($0.path.isEmpty ? 0 : $0.path.split(separator: ".").count) \($0.contentType.mimeType)" }
            #expect(tree == view.comparableTree, "\(name): part tree")
            if let subject = view.subject {
                #expect(collapsed(message.subject ?? "") == collapsed(subject), "\(name): subject")
            }
            compared += 1
        }
        #expect(compared >= 40)
    }

    /// Python's default policy keeps folds in header values (`\n\t`); this parser unfolds them.
    private func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}
