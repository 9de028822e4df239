/// One entity of a message's MIME tree: the message itself, a part of a multipart, or the message
/// inside a `message/rfc822` part.
///
/// Paths name parts as `1`, `2`, `1.2` (the second part of the first part): the message itself
/// is the empty path, a part's path is its parent's with its 1-based position appended, and the
/// message inside a `message/rfc822` part is that part's only child (`2.1`, its parts `2.1.1`…).
/// Unlike IMAP section numbers, a message that is not multipart is not also part `1`.
public struct MailPart: Sendable, Hashable {
    /// Where the part is in the tree (see the type's description).
    public var path: String

    /// The part's own header fields (for the message itself, the message's).
    public var headers: MailHeaders

    /// The content type: from `Content-Type`, or the default (`text/plain; charset=us-ascii`, or
    /// `message/rfc822` inside `multipart/digest`) when the field is missing or unreadable.
    public var contentType: MailContentType

    /// The `Content-Disposition`, when there is one.
    public var disposition: MailContentDisposition?

    /// The `Content-Transfer-Encoding` the body was decoded from.
    public var transferEncoding: MailTransferEncoding

    /// The decoded content: base64 or quoted-printable undone, charset not applied. Empty for a
    /// multipart that was split into ``children``; a `message/rfc822` part holds the whole
    /// embedded message.
    public var body: [UInt8]

    /// The content as text, for `text/*` parts and for a multipart whose boundary could not be
    /// used (read as text so nothing is lost): decoded with its charset, every line break made
    /// `\n`. Nil for other parts.
    public var text: String?

    /// The charset ``text`` was decoded with; nil when the part is not text or its charset is
    /// not known.
    public var charset: MailCharset?

    /// Why ``text`` is not a faithful decoding, when it is not: an unknown charset, or bytes not
    /// valid in the declared one. The bytes are kept unchanged in ``body``; the text shows them as
    /// UTF-8 (or, for 8-bit bytes in a `us-ascii` part, as UTF-8 or Windows-1252) and says so here.
    public var charsetProblem: MailParseProblem?

    /// The parts of a multipart, or the embedded message of a `message/rfc822` part.
    public var children: [MailPart]

    /// The bytes before a multipart's first boundary, which mail programs do not show.
    public var preamble: [UInt8]

    /// The bytes after a multipart's closing boundary.
    public var epilogue: [UInt8]

    /// A part with the given fields; the parser makes these, tests and writers may too.
    public init(
        path: String, headers: MailHeaders = MailHeaders(), contentType: MailContentType = .defaultText,
        disposition: MailContentDisposition? = nil, transferEncoding: MailTransferEncoding = .sevenBit, body: [UInt8] = [],
        text: String? = nil, charset: MailCharset? = nil, charsetProblem: MailParseProblem? = nil, children: [MailPart] = [],
        preamble: [UInt8] = [], epilogue: [UInt8] = []
    ) {
        self.path = path
        self.headers = headers
        self.contentType = contentType
        self.disposition = disposition
        self.transferEncoding = transferEncoding
        self.body = body
        self.text = text
        self.charset = charset
        self.charsetProblem = charsetProblem
        self.children = children
        self.preamble = preamble
        self.epilogue = epilogue
    }

    /// The file name: the disposition's `filename`, else the content type's `name`.
    public var filename: String? {
        disposition?.filename ?? contentType.parameters["name"]
    }

    /// Whether the part is a `message/rfc822` (or `message/global`) holding a parsed message.
    public var isEmbeddedMessage: Bool {
        contentType.type == "message" && !children.isEmpty
    }

    /// Whether the part is an attachment rather than text to read: a disposition of
    /// `attachment`; a file name without an `inline` disposition; an embedded message; or any
    /// content that is neither `text/plain` nor `text/html` nor a multipart.
    public var isAttachment: Bool {
        if disposition?.isAttachment == true { return true }
        if isEmbeddedMessage { return true }
        if contentType.type == "multipart" { return false }
        if filename != nil, disposition?.kind != "inline" { return true }
        return contentType.mimeType != "text/plain" && contentType.mimeType != "text/html"
    }

    /// The part at `path` in this part's subtree (paths as in the type's description), or nil.
    public func part(at path: String) -> MailPart? {
        if path == self.path { return self }
        for child in children {
            if path == child.path || path.hasPrefix(child.path + ".") { return child.part(at: path) }
        }
        return nil
    }

    /// This part and every part below it, depth first, in order.
    public var allParts: [MailPart] {
        var result: [MailPart] = []
        var stack: [MailPart] = [self]
        while let next = stack.popLast() {
            result.append(next)
            stack.append(contentsOf: next.children.reversed())
        }
        return result
    }
}

/// An attachment of a message, as the review queue and the classifier list it.
public struct MailAttachment: Sendable, Hashable {
    /// The path of its part (see ``MailPart``), to fetch its ``MailPart/body``.
    public var path: String
    /// Its file name, when the message gives one.
    public var filename: String?
    /// Its media type, e.g. `application/pdf`.
    public var mimeType: String
    /// The size of its decoded content in bytes.
    public var size: Int

    /// An attachment at `path`.
    public init(path: String, filename: String?, mimeType: String, size: Int) {
        self.path = path
        self.filename = filename
        self.mimeType = mimeType
        self.size = size
    }
}
