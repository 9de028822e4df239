/// One thing wrong with a message, and where it is: the parser records it and reads on.
///
/// A message is never refused: whatever the parser could not read as the RFCs say is read as well
/// as it can be, and a problem says what was done instead, e.g.
/// `part 1.2, header Content-Type: unknown charset "x-klingon"; the text is shown as UTF-8 with
/// replacement characters`.
public struct MailParseProblem: Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is, for code that reacts to some of them.
    public var kind: Kind

    /// The path of the MIME part it is in: empty for the message itself, `1.2` for the second part
    /// of the first part (see ``MailPart/path``).
    public var part: String

    /// The header field it is in, as the message spells its name, when it is in one.
    public var header: String?

    /// The byte offset in the whole message where the thing concerned starts (the header field,
    /// the part), when it is known; nil inside content that had to be decoded first (a base64
    /// `message/rfc822` attachment).
    public var offset: Int?

    /// What is wrong and what the parser did, in lower case.
    public var message: String

    /// A problem of `kind` in `part`, optionally in `header`, at `offset`.
    public init(kind: Kind, part: String, header: String? = nil, offset: Int? = nil, message: String) {
        self.kind = kind
        self.part = part
        self.header = header
        self.offset = offset
        self.message = message
    }

    /// `part 1.2, header Subject, byte 120: message`; the message itself is `message`.
    public var description: String {
        var place = part.isEmpty ? "message" : "part \(part)"
        if let header { place += ", header \(header)" }
        if let offset { place += ", byte \(offset)" }
        return "\(place): \(message)"
    }

    /// The kinds of problem; new kinds may be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case malformedHeader = "malformed-header"
            case missingHeaderBodySeparator = "missing-header-body-separator"
            case eightBitHeader = "8bit-header"
            case malformedEncodedWord = "malformed-encoded-word"
            case unknownCharset = "unknown-charset"
            case invalidCharsetData = "invalid-charset-data"
            case malformedContentType = "malformed-content-type"
            case malformedParameter = "malformed-parameter"
            case unknownTransferEncoding = "unknown-transfer-encoding"
            case malformedBase64 = "malformed-base64"
            case malformedQuotedPrintable = "malformed-quoted-printable"
            case missingBoundary = "missing-boundary"
            case boundaryNotFound = "boundary-not-found"
            case missingClosingBoundary = "missing-closing-boundary"
            case malformedAddress = "malformed-address"
            case malformedDate = "malformed-date"
            case malformedMessageID = "malformed-message-id"
            case limitReached = "limit-reached"
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// A header line that is not a field (no name, a name with spaces), or a continuation line
        /// with no field before it; it is skipped.
        public static let malformedHeader = Kind(.malformedHeader)
        /// A line in the header that is not a field and not empty: the body is taken to start there.
        public static let missingHeaderBodySeparator = Kind(.missingHeaderBodySeparator)
        /// A header field with bytes that are neither ASCII nor UTF-8, read as Latin-1.
        public static let eightBitHeader = Kind(.eightBitHeader)
        /// An RFC 2047 encoded word that cannot be decoded; it is left as written.
        public static let malformedEncodedWord = Kind(.malformedEncodedWord)
        /// A charset the parser does not know; the text is shown as UTF-8 with replacement characters.
        public static let unknownCharset = Kind(.unknownCharset)
        /// Bytes that are not valid in their declared charset; how they were shown is said.
        public static let invalidCharsetData = Kind(.invalidCharsetData)
        /// A `Content-Type` that cannot be read; the part is read as `text/plain`.
        public static let malformedContentType = Kind(.malformedContentType)
        /// A parameter of `Content-Type` or `Content-Disposition` that cannot be read as RFC 2045
        /// and RFC 2231 say.
        public static let malformedParameter = Kind(.malformedParameter)
        /// A `Content-Transfer-Encoding` the parser does not know; the body is kept as it is.
        public static let unknownTransferEncoding = Kind(.unknownTransferEncoding)
        /// Base64 with characters outside its alphabet or wrong padding.
        public static let malformedBase64 = Kind(.malformedBase64)
        /// Quoted-printable with an `=` not followed by two hex digits; the `=` is kept.
        public static let malformedQuotedPrintable = Kind(.malformedQuotedPrintable)
        /// A multipart without a `boundary` parameter; its body is read as text.
        public static let missingBoundary = Kind(.missingBoundary)
        /// A multipart whose boundary never occurs in its body; its body is read as text.
        public static let boundaryNotFound = Kind(.boundaryNotFound)
        /// A multipart that ends without its closing boundary; its last part runs to the end.
        public static let missingClosingBoundary = Kind(.missingClosingBoundary)
        /// An address list that cannot be read as RFC 5322 says; what could be read is kept.
        public static let malformedAddress = Kind(.malformedAddress)
        /// A `Date` that cannot be read; the message has no date.
        public static let malformedDate = Kind(.malformedDate)
        /// A `Message-ID`, `In-Reply-To` or `References` not written as `<id>`.
        public static let malformedMessageID = Kind(.malformedMessageID)
        /// A limit of ``MailMessage/Limits`` was reached: what lies past it is not read.
        public static let limitReached = Kind(.limitReached)

        /// The kind's name, e.g. `unknown-charset`.
        public var description: String { code.rawValue }
    }
}

/// Problems collected while parsing one message, with a cap so hostile input cannot make the list
/// itself grow without bound.
struct ProblemLog: Sendable {
    private(set) var problems: [MailParseProblem] = []
    private var dropped = 0
    let maximum: Int

    init(maximum: Int) { self.maximum = maximum }

    mutating func add(_ problem: MailParseProblem) {
        if problems.count < maximum {
            problems.append(problem)
        } else {
            dropped += 1
        }
    }

    mutating func add(_ kind: MailParseProblem.Kind, part: String, header: String? = nil, offset: Int? = nil, _ message: String) {
        add(MailParseProblem(kind: kind, part: part, header: header, offset: offset, message: message))
    }

    /// The problems, followed by one saying how many more there were past the cap.
    func finished() -> [MailParseProblem] {
        guard dropped > 0 else { return problems }
        let more = MailParseProblem(kind: .limitReached, part: "", message: "\(dropped) more problems not listed")
        return problems + [more]
    }
}
