import Foundation
import NightshiftMail
import Testing

/// One message of the parser's table and what it must read from it. Fields left nil are not
/// checked, except ``problems``: every case says which kinds of problem it expects (none by
/// default), so a well-formed message that starts reporting problems fails.
struct ExpectedMessage: Sendable, CustomTestStringConvertible {
    var name: String
    var raw: [UInt8]
    var subject: String?
    var from: [String]?
    var to: [String]?
    var cc: [String]?
    var messageID: String?
    var inReplyTo: [String]?
    var references: [String]?
    /// `date` as ISO 8601 in UTC, e.g. `2003-07-01T08:52:37Z`; `"none"` for no date.
    var date: String?
    var text: String?
    var textIsFromHTML: Bool?
    var headerCount: Int?
    /// Each part as `PATH TYPE/SUBTYPE`, the message itself as `root`, depth first.
    var parts: [String]?
    /// Each attachment as `PATH NAME TYPE/SUBTYPE SIZE` (`root` for the message itself, `-` for
    /// no name).
    var attachments: [String]?
    /// The kinds of problem, in any order.
    var problems: [MailParseProblem.Kind] = []
    /// Further checks of its own.
    var more: (@Sendable (MailMessage) -> Void)?

    var testDescription: String { name }

    /// Parses ``raw`` and checks every expectation that is set.
    func check() {
        let message = MailMessage(bytes: raw)
        if let subject { #expect(message.subject == subject) }
        if let from { #expect(message.from.map(\.description) == from) }
        if let to { #expect(message.to.map(\.description) == to) }
        if let cc { #expect(message.cc.map(\.description) == cc) }
        if let messageID { #expect(message.messageID == messageID) }
        if let inReplyTo { #expect(message.inReplyTo == inReplyTo) }
        if let references { #expect(message.references == references) }
        if let date { #expect((message.date.map { $0.ISO8601Format() } ?? "none") == date) }
        if let text { #expect(message.text == text) }
        if let textIsFromHTML { #expect(message.textIsFromHTML == textIsFromHTML) }
        if let headerCount { #expect(message.headers.count == headerCount) }
        if let parts {
            #expect(message.root.allParts.map { "\($0.path.isEmpty ? "root" : $0.path) \($0.contentType.mimeType)" } == parts)
        }
        if let attachments {
            #expect(
                message.attachments.map { "\($0.path.isEmpty ? "root" : $0.path) \($0.filename ?? "-") \($0.mimeType) \($0.size)" } == attachments)
        }
        let kinds = message.problems.map(\.kind.description).sorted()
        #expect(kinds == problems.map(\.description).sorted(), "problems: \(message.problems)")
        more?(message)
    }
}

/// The UTF-8 bytes of `lines` joined by CRLF.
func crlf(_ lines: String...) -> [UInt8] {
    Array(lines.joined(separator: "\r\n").utf8)
}

/// The UTF-8 bytes of `lines` joined by LF.
func lf(_ lines: String...) -> [UInt8] {
    Array(lines.joined(separator: "\n").utf8)
}

/// The UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
