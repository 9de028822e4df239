public import Foundation

/// A message parsed from its bytes (RFC 5322 and MIME): headers, addresses, ids, date, the MIME
/// tree, the text to read and the attachments.
///
/// ```swift
/// let message = MailMessage(bytes: raw)
/// message.subject            // "Re: Your proposal"
/// message.from.first?.address
/// message.text               // text/plain, or the HTML made readable
/// message.attachments        // name, type, size
/// message.problems           // empty for a well-formed message
/// ```
///
/// Parsing never fails and never traps: a malformed message is read as well as it can be and
/// each problem is recorded in ``problems`` (with the part, header field and byte offset), so it
/// can be stored and shown for review rather than lost. Line endings may be CRLF, LF or mixed.
/// ``Limits`` bound nesting, the number of parts and of header fields; all work is linear in the
/// size of the message (times the nesting depth).
public struct MailMessage: Sendable, Hashable {
    /// Bounds that keep hostile input from exhausting memory or time.
    public struct Limits: Sendable, Hashable {
        /// Multiparts and embedded messages nested deeper than this are not split further.
        public var maximumDepth = 32
        /// Parts past this many (the message itself included) are not read.
        public var maximumParts = 1000
        /// Header fields past this many in one header block are not kept.
        public var maximumHeaderFields = 10_000
        /// Problems past this many are counted, not listed.
        public var maximumProblems = 1000

        /// The default limits.
        public init() {}
    }

    /// The MIME tree; its ``MailPart/headers`` are the message's.
    public var root: MailPart

    /// The message's header fields, in order.
    public var headers: MailHeaders { root.headers }

    /// The first `Subject`, decoded; nil when there is none.
    public var subject: String?

    /// The mailboxes of every `From` field.
    public var from: [MailAddress]
    /// The mailboxes of every `To` field.
    public var to: [MailAddress]
    /// The mailboxes of every `Cc` field.
    public var cc: [MailAddress]
    /// The mailboxes of every `Reply-To` field.
    public var replyTo: [MailAddress]

    /// The `Message-ID`, without angle brackets.
    public var messageID: String?
    /// The ids of `In-Reply-To`, without angle brackets.
    public var inReplyTo: [String]
    /// The ids of `References`, oldest first, without angle brackets.
    public var references: [String]

    /// The `Date`; nil when missing or unreadable (the latter is a problem).
    public var date: Date?

    /// The text to read: the `text/plain` alternative where there is one, else the `text/html`
    /// one made readable (``HTMLText``); the inline text parts of a `multipart/mixed` one after
    /// another. Line breaks are `\n`. Empty when the message has no text.
    public var text: String
    /// Whether any of ``text`` came from HTML.
    public var textIsFromHTML: Bool
    /// The paths of the parts ``text`` came from.
    public var textParts: [String]

    /// The attachments (see ``MailPart/isAttachment``), in order; those of an embedded message
    /// are inside its part, not listed here.
    public var attachments: [MailAttachment]

    /// Everything that was not as the RFCs say, in the order found.
    public var problems: [MailParseProblem]

    /// The problems that make some part's text an approximation (an unknown charset, bytes not
    /// valid in theirs).
    public var charsetProblems: [MailParseProblem] {
        problems.filter { $0.kind == .unknownCharset || $0.kind == .invalidCharsetData }
    }

    /// The message in `bytes`.
    public init(bytes: [UInt8], limits: Limits = Limits()) {
        var parser = MIMEParser(limits: limits)
        root = parser.parse(bytes, range: 0..<bytes.count, base: 0, path: "", depth: 0, defaultType: .defaultText)
        var log = parser.problems
        let headers = root.headers

        subject = headers.first(named: "Subject")?.value
        func addresses(_ name: String) -> [MailAddress] {
            var result: [MailAddress] = []
            for field in headers.all(named: name) {
                let list = MailAddress.parseList(field.rawValue)
                result += list.addresses
                for problem in list.problems { log.add(.malformedAddress, part: "", header: field.name, offset: field.offset, problem) }
            }
            return result
        }
        from = addresses("From")
        to = addresses("To")
        cc = addresses("Cc")
        replyTo = addresses("Reply-To")

        func ids(_ name: String, single: Bool) -> [String] {
            guard let field = headers.first(named: name) else { return [] }
            let found = MessageIDs.parse(field.rawValue)
            if found.malformed || (single && found.ids.count > 1) {
                let what = found.ids.isEmpty ? "no <id>" : (found.malformed ? "ids not written as <id>" : "\(found.ids.count) ids where one belongs")
                log.add(.malformedMessageID, part: "", header: field.name, offset: field.offset, "\(what) in \"\(field.rawValue.prefix(80))\"")
            }
            return found.ids
        }
        messageID = ids("Message-ID", single: true).first
        inReplyTo = ids("In-Reply-To", single: false)
        references = ids("References", single: false)

        date = nil
        if let field = headers.first(named: "Date") {
            date = MailDate.parse(field.rawValue)
            if date == nil {
                log.add(.malformedDate, part: "", header: field.name, offset: field.offset, "cannot read \"\(field.rawValue.prefix(80))\" as a date")
            }
        }

        let reading = MailMessage.readableText(root)
        text = reading?.text ?? ""
        textIsFromHTML = reading?.fromHTML ?? false
        textParts = reading?.paths ?? []
        attachments = MailMessage.attachments(in: root)
        problems = log.finished()
    }

    /// The message in `data`.
    public init(data: Data, limits: Limits = Limits()) {
        self.init(bytes: [UInt8](data), limits: limits)
    }

    /// The part at `path` (see ``MailPart``), or nil.
    public func part(at path: String) -> MailPart? {
        root.part(at: path)
    }
}

/// `Message-ID`, `In-Reply-To` and `References` values: `<id>` lists.
enum MessageIDs {
    /// The ids in `raw`, without angle brackets and white space. Words outside angle brackets
    /// (the obsolete phrases of `In-Reply-To`) are skipped; when there are no brackets at all,
    /// the white-space-separated words are taken as ids and `malformed` is set.
    static func parse(_ raw: String) -> (ids: [String], malformed: Bool) {
        let scalars = Array(raw.unicodeScalars)
        var ids: [String] = []
        var loose: [String] = []
        var word = String.UnicodeScalarView()
        var malformed = false
        var index = 0
        func endWord() {
            if !word.isEmpty { loose.append(String(word)) }
            word = String.UnicodeScalarView()
        }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "<":
                endWord()
                var id = String.UnicodeScalarView()
                index += 1
                var closed = false
                while index < scalars.count {
                    let inner = scalars[index]
                    index += 1
                    if inner == ">" {
                        closed = true
                        break
                    }
                    if inner != " ", inner != "\t", inner != "\r", inner != "\n" { id.append(inner) }
                }
                if !closed { malformed = true }
                if !id.isEmpty { ids.append(String(id)) }
                continue
            case "(":
                endWord()
                var depth = 0
                while index < scalars.count {
                    let inner = scalars[index]
                    index += 1
                    if inner == "\\" {
                        index += 1
                        continue
                    }
                    if inner == "(" { depth += 1 }
                    if inner == ")" { depth -= 1 }
                    if depth == 0 { break }
                }
                continue
            case " ", "\t", "\r", "\n", ",":
                endWord()
            default:
                word.append(scalar)
            }
            index += 1
        }
        endWord()
        if ids.isEmpty, !loose.isEmpty { return (loose, true) }
        return (ids, malformed)
    }
}
