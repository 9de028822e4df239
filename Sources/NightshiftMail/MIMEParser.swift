/// Builds the MIME tree of a message: headers, content types, boundaries, transfer encodings,
/// charsets. Never fails; every departure from the RFCs is a problem in its log.
///
/// Each level of nesting looks at the bytes of its own body once (finding lines, matching
/// boundaries), so the work is linear in the input times the nesting depth, which
/// ``MailMessage/Limits/maximumDepth`` caps.
struct MIMEParser {
    let limits: MailMessage.Limits
    var problems: ProblemLog
    private var partCount = 0
    private var reportedPartLimit = false

    init(limits: MailMessage.Limits) {
        self.limits = limits
        self.problems = ProblemLog(maximum: limits.maximumProblems)
    }

    /// The entity in `bytes[range]`. `base` is the offset of `bytes[0]` in the whole message, or
    /// nil when `bytes` were decoded from it.
    mutating func parse(
        _ bytes: [UInt8], range: Range<Int>, base: Int?, path: String, depth: Int, defaultType: MailContentType
    ) -> MailPart {
        partCount += 1
        let header = HeaderReader.read(bytes, range: range, part: path, base: base, limits: limits, problems: &problems)
        let body = header.bodyStart..<range.upperBound
        var part = MailPart(path: path, headers: header.headers, contentType: defaultType)
        let offset = base.map { $0 + range.lowerBound }

        if let field = header.headers.first(named: "Content-Type") {
            var complaints: [String] = []
            if let parsed = MailContentType.parse(field.rawValue, problems: &complaints) {
                part.contentType = parsed
                for complaint in complaints { problems.add(.malformedParameter, part: path, header: field.name, offset: field.offset, complaint) }
            } else {
                part.contentType = .defaultText
                let reason = complaints.first ?? "unreadable"
                problems.add(.malformedContentType, part: path, header: field.name, offset: field.offset, "\(reason); read as text/plain")
            }
        }
        if let field = header.headers.first(named: "Content-Disposition") {
            var complaints: [String] = []
            part.disposition = MailContentDisposition.parse(field.rawValue, problems: &complaints)
            for complaint in complaints { problems.add(.malformedParameter, part: path, header: field.name, offset: field.offset, complaint) }
        }
        if let field = header.headers.first(named: "Content-Transfer-Encoding") {
            let name = field.rawValue.split(separator: "(", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            part.transferEncoding = MailTransferEncoding(name: name)
        }

        switch part.contentType.type {
        case "multipart":
            if depth >= limits.maximumDepth {
                problems.add(.limitReached, part: path, offset: offset, "multiparts nested deeper than \(limits.maximumDepth); read as text")
            } else if let boundary = part.contentType.boundary, !boundary.isEmpty {
                if splitMultipart(&part, bytes, body: body, base: base, boundary: boundary, depth: depth) { return part }
            } else {
                problems.add(.missingBoundary, part: path, offset: offset, "\(part.contentType.mimeType) without a boundary parameter; read as text")
            }
            decodeLeaf(&part, bytes[body], offset: offset, asText: true)
        case "message" where part.contentType.subtype == "rfc822" || part.contentType.subtype == "global":
            decodeLeaf(&part, bytes[body], offset: offset, asText: false)
            if depth >= limits.maximumDepth {
                problems.add(.limitReached, part: path, offset: offset, "messages nested deeper than \(limits.maximumDepth); kept unparsed")
            } else if reserveParts(1, path: path, offset: offset) {
                let sameBytes = part.transferEncoding == .sevenBit || part.transferEncoding == .eightBit || part.transferEncoding == .binary
                let embedded =
                    sameBytes
                    ? parse(bytes, range: body, base: base, path: childPath(path, 1), depth: depth + 1, defaultType: .defaultText)
                    : parse(part.body, range: 0..<part.body.count, base: nil, path: childPath(path, 1), depth: depth + 1, defaultType: .defaultText)
                part.children = [embedded]
            }
        default:
            decodeLeaf(&part, bytes[body], offset: offset, asText: part.contentType.type == "text")
        }
        return part
    }

    private func childPath(_ path: String, _ position: Int) -> String {
        path.isEmpty ? "\(position)" : "\(path).\(position)"
    }

    /// Whether `count` more parts fit under ``MailMessage/Limits/maximumParts``; reports the
    /// first time they do not.
    private mutating func reserveParts(_ count: Int, path: String, offset: Int?) -> Bool {
        if partCount + count <= limits.maximumParts { return true }
        if !reportedPartLimit {
            reportedPartLimit = true
            problems.add(.limitReached, part: path, offset: offset, "more than \(limits.maximumParts) parts; the rest not read")
        }
        return false
    }

    // MARK: Multipart

    /// One boundary line in a multipart's body.
    private struct Delimiter {
        /// Where the line break before the delimiter line starts (it belongs to the delimiter).
        var breakStart: Int
        var lineStart: Int
        /// Where the next line starts.
        var contentStart: Int
        var isClose: Bool
    }

    /// Splits `part`'s body at its boundary into children; false when the boundary never occurs.
    ///
    /// Delimiter lines must be `--boundary` or `--boundary--`, followed only by white space
    /// (RFC 2046 §5.1.1). Delimiter lines one after the other give no empty parts between them,
    /// as in Python's parser.
    private mutating func splitMultipart(
        _ part: inout MailPart, _ bytes: [UInt8], body: Range<Int>, base: Int?, boundary: String, depth: Int
    ) -> Bool {
        let marker = Array(("--" + boundary).utf8)
        var delimiters: [Delimiter] = []
        var lineStart = body.lowerBound
        while lineStart < body.upperBound {
            let newline = bytes[lineStart..<body.upperBound].firstIndex(of: UInt8(ascii: "\n"))
            let lineEnd = newline ?? body.upperBound
            let next = newline.map { $0 + 1 } ?? body.upperBound
            if lineEnd - lineStart >= marker.count, bytes[lineStart] == UInt8(ascii: "-"), bytes[lineStart..<lineEnd].starts(with: marker) {
                var rest = lineStart + marker.count
                var isClose = false
                if rest + 2 <= lineEnd, bytes[rest] == UInt8(ascii: "-"), bytes[rest + 1] == UInt8(ascii: "-") {
                    isClose = true
                    rest += 2
                }
                if bytes[rest..<lineEnd].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    delimiters.append(
                        Delimiter(
                            breakStart: breakStart(bytes, before: lineStart, from: body.lowerBound), lineStart: lineStart, contentStart: next,
                            isClose: isClose))
                    if isClose { break }
                }
            }
            lineStart = next
        }
        let offset = base.map { $0 + body.lowerBound }
        guard let first = delimiters.first else {
            problems.add(.boundaryNotFound, part: part.path, offset: offset, "the boundary \"\(boundary.prefix(70))\" never occurs; read as text")
            return false
        }
        part.preamble = Array(bytes[body.lowerBound..<first.breakStart])
        if let last = delimiters.last, last.isClose {
            part.epilogue = Array(bytes[last.contentStart..<body.upperBound])
        } else {
            problems.add(
                .missingClosingBoundary, part: part.path, offset: offset,
                "no closing boundary \"--\(boundary.prefix(70))--\"; the last part runs to the end")
        }
        let childDefault: MailContentType = part.contentType.subtype == "digest" ? .defaultDigestPart : .defaultText
        var children: [MailPart] = []
        for (index, delimiter) in delimiters.enumerated() where !delimiter.isClose {
            let following = index + 1 < delimiters.count ? delimiters[index + 1] : nil
            if let following, following.lineStart == delimiter.contentStart { continue }
            let end = max(delimiter.contentStart, following?.breakStart ?? body.upperBound)
            guard reserveParts(1, path: part.path, offset: base.map { $0 + delimiter.lineStart }) else { break }
            let path = childPath(part.path, children.count + 1)
            children.append(parse(bytes, range: delimiter.contentStart..<end, base: base, path: path, depth: depth + 1, defaultType: childDefault))
        }
        part.children = children
        return true
    }

    /// The start of the line break (CRLF or LF) that ends just before `lineStart`, or `lineStart`
    /// when it is the first line of the body.
    private func breakStart(_ bytes: [UInt8], before lineStart: Int, from bodyStart: Int) -> Int {
        guard lineStart > bodyStart, bytes[lineStart - 1] == UInt8(ascii: "\n") else { return lineStart }
        if lineStart - 2 >= bodyStart, bytes[lineStart - 2] == UInt8(ascii: "\r") { return lineStart - 2 }
        return lineStart - 1
    }

    // MARK: Leaves

    /// Decodes the transfer encoding into ``MailPart/body`` and, for text, the charset into
    /// ``MailPart/text``.
    private mutating func decodeLeaf(_ part: inout MailPart, _ content: ArraySlice<UInt8>, offset: Int?, asText: Bool) {
        let encodingField = part.headers.first(named: "Content-Transfer-Encoding")?.name
        switch part.transferEncoding {
        case .sevenBit, .eightBit, .binary:
            part.body = Array(content)
        case .quotedPrintable:
            let decoded = TransferCoding.decodeQuotedPrintable(content)
            part.body = decoded.bytes
            if let problem = decoded.problem {
                problems.add(.malformedQuotedPrintable, part: part.path, header: encodingField, offset: offset, problem)
            }
        case .base64:
            let decoded = TransferCoding.decodeBase64(content)
            part.body = decoded.bytes
            if let problem = decoded.problem { problems.add(.malformedBase64, part: part.path, header: encodingField, offset: offset, problem) }
        case .other(let name):
            part.body = Array(content)
            problems.add(
                .unknownTransferEncoding, part: part.path, header: encodingField, offset: offset,
                "unknown transfer encoding \"\(name.prefix(40))\"; body kept as written")
        }
        guard asText else { return }
        decodeText(&part, offset: offset)
    }

    private mutating func decodeText(_ part: inout MailPart, offset: Int?) {
        var name = part.contentType.charset?.trimmingASCIIWhitespace() ?? ""
        if name.isEmpty { name = "us-ascii" }
        let field = part.headers.first(named: "Content-Type")?.name
        var text: String
        var problem: MailParseProblem?
        if let charset = MailCharset(named: name) {
            part.charset = charset
            if let decoded = charset.decode(part.body) {
                text = decoded
            } else if charset == .ascii {
                if let utf8 = MailCharset.utf8.decode(part.body) {
                    text = utf8
                    problem = MailParseProblem(
                        kind: .invalidCharsetData, part: part.path, header: field, offset: offset,
                        message: "8-bit bytes in a us-ascii part; read as UTF-8")
                } else {
                    text = Windows1252.decode(part.body)
                    problem = MailParseProblem(
                        kind: .invalidCharsetData, part: part.path, header: field, offset: offset,
                        message: "8-bit bytes in a us-ascii part that are not UTF-8; read as Windows-1252")
                }
            } else {
                text = replacingDecode(part.body)
                problem = MailParseProblem(
                    kind: .invalidCharsetData, part: part.path, header: field, offset: offset,
                    message: "bytes not valid \(charset); the bytes are kept, the text shows them as UTF-8 with replacement characters")
            }
        } else {
            text = replacingDecode(part.body)
            problem = MailParseProblem(
                kind: .unknownCharset, part: part.path, header: field, offset: offset,
                message: "unknown charset \"\(name.prefix(40))\"; the bytes are kept, the text shows them as UTF-8 with replacement characters")
        }
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        part.text = normalizingLineBreaks(text)
        if let problem {
            part.charsetProblem = problem
            problems.add(problem)
        }
    }
}
