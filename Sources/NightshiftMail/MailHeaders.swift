/// One header field of a message or a MIME part, unfolded.
public struct MailHeader: Sendable, Hashable {
    /// The field name as written, e.g. `Subject` (or `SUBJECT`).
    public var name: String

    /// The value unfolded (each line break before white space removed) and without the white
    /// space around it; encoded words are left as written. Bytes that are not UTF-8 are read as
    /// Latin-1 (and reported).
    public var rawValue: String

    /// ``rawValue`` with its RFC 2047 encoded words decoded.
    public var value: String

    /// The byte offset of the field's first line in the whole message, when known.
    public var offset: Int?

    /// A field called `name` whose value is `rawValue`, decoded into ``value``.
    public init(name: String, rawValue: String, offset: Int? = nil) {
        self.name = name
        self.rawValue = rawValue
        self.value = EncodedWords.decode(rawValue)
        self.offset = offset
    }

    init(name: String, rawValue: String, value: String, offset: Int?) {
        self.name = name
        self.rawValue = rawValue
        self.value = value
        self.offset = offset
    }

    /// Whether the field is called `name`, ignoring ASCII case.
    public func isNamed(_ name: String) -> Bool {
        self.name.utf8.count == name.utf8.count && self.name.lowercased() == name.lowercased()
    }
}

/// The header fields of a message or a MIME part, in the order written; names are looked up
/// ignoring case.
///
/// ```swift
/// message.headers["subject"]                 // the first Subject, decoded
/// message.headers.values(named: "Received")  // every Received, in order
/// ```
public struct MailHeaders: Sendable, Hashable, RandomAccessCollection {
    private var fields: [MailHeader]

    /// The given fields, in order.
    public init(_ fields: [MailHeader] = []) {
        self.fields = fields
    }

    /// The position of the first field.
    public var startIndex: Int { fields.startIndex }
    /// The position after the last field.
    public var endIndex: Int { fields.endIndex }
    /// The field at `position`, in the order written.
    public subscript(position: Int) -> MailHeader { fields[position] }

    /// The decoded value of the first field called `name`, or nil when there is none.
    public subscript(name: String) -> String? {
        first(named: name)?.value
    }

    /// The first field called `name`, or nil.
    public func first(named name: String) -> MailHeader? {
        fields.first { $0.isNamed(name) }
    }

    /// Every field called `name`, in order.
    public func all(named name: String) -> [MailHeader] {
        fields.filter { $0.isNamed(name) }
    }

    /// The decoded values of every field called `name`, in order.
    public func values(named name: String) -> [String] {
        all(named: name).map(\.value)
    }
}

/// Reads the header block of a message or a part: field lines up to the first empty line.
struct HeaderReader {
    /// The fields read and where the body starts.
    struct Result {
        var headers: MailHeaders
        var bodyStart: Int
    }

    /// Reads `bytes[range]`'s header. Offsets are made absolute with `base` (nil: not known).
    ///
    /// A first line starting with `From ` (an mbox envelope) is skipped. A line that is neither a
    /// field, nor a continuation, nor empty starts the body, as Python's parser and most mail
    /// programs have it. Each byte is looked at a bounded number of times whatever the lines'
    /// lengths.
    static func read(
        _ bytes: [UInt8], range: Range<Int>, part: String, base: Int?, limits: MailMessage.Limits, problems: inout ProblemLog
    ) -> Result {
        var fields: [MailHeader] = []
        var current: (name: String, value: [UInt8], start: Int)?
        var index = range.lowerBound
        var droppedFields = 0

        func finishField() {
            guard let field = current else { return }
            current = nil
            if fields.count >= limits.maximumHeaderFields {
                droppedFields += 1
                return
            }
            let offset = base.map { $0 + field.start }
            var value = field.value[...]
            while let first = value.first, isASCIIWhitespace(first) { value = value.dropFirst() }
            while let last = value.last, isASCIIWhitespace(last) { value = value.dropLast() }
            let decoded = decodeHeaderBytes(value)
            if decoded.wasLatin1 {
                problems.add(.eightBitHeader, part: part, header: field.name, offset: offset, "bytes that are not UTF-8; read as Latin-1")
            }
            let words = EncodedWords.decodeReporting(decoded.text)
            for issue in words.issues { problems.add(issue.kind, part: part, header: field.name, offset: offset, issue.message) }
            fields.append(MailHeader(name: field.name, rawValue: decoded.text, value: words.text, offset: offset))
        }

        func finished(_ fields: [MailHeader], dropped: Int) -> MailHeaders {
            if dropped > 0 {
                problems.add(
                    .limitReached, part: part, offset: base.map { $0 + range.lowerBound },
                    "more than \(limits.maximumHeaderFields) header fields; \(dropped) not kept")
            }
            return MailHeaders(fields)
        }

        var isFirstLine = true
        while index < range.upperBound {
            let lineStart = index
            let newline = bytes[index..<range.upperBound].firstIndex(of: UInt8(ascii: "\n"))
            let next = newline.map { $0 + 1 } ?? range.upperBound
            var lineEnd = newline ?? range.upperBound
            if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            defer { isFirstLine = false }

            if lineEnd == lineStart {
                finishField()
                index = next
                return Result(headers: finished(fields, dropped: droppedFields), bodyStart: index)
            }
            let first = bytes[lineStart]
            if first == 0x20 || first == 0x09 {
                if current != nil {
                    current!.value.append(contentsOf: bytes[lineStart..<lineEnd])
                } else {
                    problems.add(
                        .malformedHeader, part: part, offset: base.map { $0 + lineStart }, "a continuation line with no field before it; skipped")
                }
                index = next
                continue
            }
            finishField()
            if bytes[lineStart..<lineEnd].starts(with: fromLine) {
                if !isFirstLine {
                    problems.add(
                        .malformedHeader, part: part, offset: base.map { $0 + lineStart }, "an mbox \"From \" line inside the header; skipped")
                }
                index = next
                continue
            }
            guard let colon = bytes[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: ":")) else {
                problems.add(
                    .missingHeaderBodySeparator, part: part, offset: base.map { $0 + lineStart },
                    "a header line that is not a field; the body is taken to start there")
                return Result(headers: finished(fields, dropped: droppedFields), bodyStart: lineStart)
            }
            var nameEnd = colon
            // RFC 5322's obsolete syntax allows white space before the colon.
            while nameEnd > lineStart, bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09 { nameEnd -= 1 }
            let name = bytes[lineStart..<nameEnd]
            guard !name.isEmpty, name.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                if name.isEmpty {
                    problems.add(.malformedHeader, part: part, offset: base.map { $0 + lineStart }, "a field with no name; skipped")
                    index = next
                    continue
                }
                problems.add(
                    .missingHeaderBodySeparator, part: part, offset: base.map { $0 + lineStart },
                    "a header line that is not a field; the body is taken to start there")
                return Result(headers: finished(fields, dropped: droppedFields), bodyStart: lineStart)
            }
            current = (String(decoding: name, as: UTF8.self), Array(bytes[(colon + 1)..<lineEnd]), lineStart)
            index = next
        }
        finishField()
        return Result(headers: finished(fields, dropped: droppedFields), bodyStart: range.upperBound)
    }

    private static let fromLine = Array("From ".utf8)
}
