/// One reply from an SMTP server (RFC 5321 §4.2): a three-digit code, an enhanced status code
/// when the server gives one (RFC 3463, `5.1.1`), and the text of each of its lines.
///
/// A multi-line reply (`250-first`, `250-second`, `250 last`) is one reply with three lines.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    /// An enhanced mail system status code (RFC 3463): class, subject and detail, e.g. `5.1.1`
    /// (bad destination mailbox address).
    public struct EnhancedStatus: Sendable, Hashable, CustomStringConvertible {
        /// `2` success, `4` persistent transient failure, `5` permanent failure.
        public let statusClass: Int
        /// What the status is about: `1` addressing, `2` mailbox, `3` mail system, `4` network,
        /// `5` protocol, `6` content, `7` security or policy.
        public let subject: Int
        /// The detail within the subject.
        public let detail: Int

        /// A status `statusClass.subject.detail`.
        public init(statusClass: Int, subject: Int, detail: Int) {
            self.statusClass = statusClass
            self.subject = subject
            self.detail = detail
        }

        /// `class.subject.detail`, e.g. `5.1.1`.
        public var description: String { "\(statusClass).\(subject).\(detail)" }
    }

    /// The reply code, 200 to 559.
    public let code: Int
    /// The enhanced status code, when the first line starts with one whose class matches the
    /// code's first digit (servers that offer ENHANCEDSTATUSCODES put one on every line).
    public let enhancedStatus: EnhancedStatus?
    /// The text of each line, without the code, the separator and the enhanced status code.
    /// Control characters are replaced by `?` and bytes that are not UTF-8 by U+FFFD, so the text
    /// is safe to log.
    public let lines: [String]

    /// A reply with `code`, `lines` and an optional enhanced status.
    public init(code: Int, enhancedStatus: EnhancedStatus? = nil, lines: [String]) {
        self.code = code
        self.enhancedStatus = enhancedStatus
        self.lines = lines
    }

    /// The lines' text joined by a space: what the server said, e.g. a queue id after the message.
    public var text: String { lines.filter { !$0.isEmpty }.joined(separator: " ") }

    /// 2xx: the command succeeded.
    public var isPositive: Bool { code / 100 == 2 }
    /// 3xx: the server waits for more (354 after DATA, 334 during AUTH).
    public var isIntermediate: Bool { code / 100 == 3 }
    /// 4xx: refused for now; the same command may succeed later.
    public var isTransientFailure: Bool { code / 100 == 4 }
    /// 5xx: refused; repeating the command will not help.
    public var isPermanentFailure: Bool { code / 100 == 5 }

    /// `code status text`, e.g. `550 5.1.1 no such user`.
    public var description: String {
        var parts = [String(code)]
        if let enhancedStatus { parts.append(enhancedStatus.description) }
        if !text.isEmpty { parts.append(text) }
        return parts.joined(separator: " ")
    }

    /// The reply with every occurrence of each secret in its text replaced by `[redacted]`, for a
    /// server that echoes what it was sent (credentials) into its reply.
    func redacting(_ secrets: [String]) -> SMTPReply {
        let secrets = secrets.filter { !$0.isEmpty }
        guard !secrets.isEmpty else { return self }
        let redacted = lines.map { line in
            secrets.reduce(line) { text, secret in text.replacing(secret, with: "[redacted]") }
        }
        return SMTPReply(code: code, enhancedStatus: enhancedStatus, lines: redacted)
    }
}

/// Gathers the lines of one reply, checking each (RFC 5321 §4.2: `Reply-code [SP text]` on the
/// last line, `Reply-code "-" [text]` on the others, the same code on all of them).
struct SMTPReplyParser {
    /// Why a reply could not be read; the text names the problem and shows the line.
    struct Malformed: Error {
        let problem: String
    }

    private let maximumLines: Int
    private var code: Int?
    private var texts: [[UInt8]] = []

    /// A parser that refuses replies of more than `maximumLines` lines.
    init(maximumLines: Int) {
        self.maximumLines = maximumLines
    }

    /// Takes the next line (without its line end); returns the reply when the line was its last.
    mutating func consume(_ line: [UInt8]) throws(Malformed) -> SMTPReply? {
        if texts.count == maximumLines {
            throw Malformed(problem: "a reply of more than \(maximumLines) lines")
        }
        guard let lineCode = Self.replyCode(line) else {
            throw Malformed(problem: "the reply line \(Self.quoted(line)) does not start with a three-digit reply code (200 to 559)")
        }
        if let code, code != lineCode {
            throw Malformed(problem: "the reply line \(Self.quoted(line)) has another code than the reply's first line (\(code))")
        }
        code = lineCode
        let last: Bool
        if line.count == 3 {
            last = true
        } else if line[3] == UInt8(ascii: " ") {
            last = true
        } else if line[3] == UInt8(ascii: "-") {
            last = false
        } else {
            throw Malformed(problem: "the reply line \(Self.quoted(line)) has neither a space nor a hyphen after its code")
        }
        texts.append(line.count > 4 ? Array(line[4...]) : [])
        return last ? finish(lineCode) : nil
    }

    private func finish(_ code: Int) -> SMTPReply {
        var lines = texts.map(Self.safeText)
        let status = Self.enhancedStatus(lines[0], code: code)
        if let status {
            let prefix = status.description
            lines = lines.map { line in
                guard line.hasPrefix(prefix) else { return line }
                let rest = line.dropFirst(prefix.count)
                guard rest.isEmpty || rest.first == " " else { return line }
                return String(rest.drop { $0 == " " })
            }
        }
        return SMTPReply(code: code, enhancedStatus: status, lines: lines)
    }

    /// The code when the line starts with one RFC 5321's grammar allows: `[2-5][0-5][0-9]`.
    private static func replyCode(_ line: [UInt8]) -> Int? {
        guard line.count >= 3 else { return nil }
        let digits = line[0..<3].map { Int($0) - Int(UInt8(ascii: "0")) }
        guard (2...5).contains(digits[0]), (0...5).contains(digits[1]), (0...9).contains(digits[2]) else { return nil }
        return digits[0] * 100 + digits[1] * 10 + digits[2]
    }

    /// `class.subject.detail` at the start of `text` (then a space or the end), its class the
    /// code's first digit; RFC 3463 allows up to three digits for subject and detail.
    private static func enhancedStatus(_ text: String, code: Int) -> SMTPReply.EnhancedStatus? {
        let token = text.prefix { $0 != " " }
        let fields = token.split(separator: ".", omittingEmptySubsequences: false)
        guard fields.count == 3,
            fields.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let statusClass = Int(fields[0]), statusClass == code / 100, fields[0].count == 1,
            let subject = Int(fields[1]), let detail = Int(fields[2])
        else { return nil }
        return SMTPReply.EnhancedStatus(statusClass: statusClass, subject: subject, detail: detail)
    }

    /// The bytes as text fit for a log: control characters as `?`, invalid UTF-8 as U+FFFD.
    static func safeText(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
    }

    /// The line for an error message: safe, quoted, cut at 80 bytes.
    private static func quoted(_ line: [UInt8]) -> String {
        let shown = safeText(Array(line.prefix(80)))
        return "\"" + shown + (line.count > 80 ? "…\"" : "\"")
    }
}
