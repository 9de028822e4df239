/// The parameters of a `Content-Type` or `Content-Disposition` field, in the order written, with
/// RFC 2231 continuations joined and charsets decoded.
///
/// ```swift
/// // Content-Disposition: attachment; filename*0*=utf-8''Gr%C3%BC; filename*1="sse.txt"
/// disposition.parameters["filename"]    // "Grüsse.txt"
/// ```
public struct MailParameters: Sendable, Hashable, RandomAccessCollection {
    /// One parameter.
    public struct Parameter: Sendable, Hashable {
        /// The name in lower case, without RFC 2231's `*` and section numbers.
        public var name: String
        /// The value: quotes and escapes undone, RFC 2231 sections joined and percent-decoding and
        /// charset applied, RFC 2047 encoded words (which some mail programs put in file names)
        /// decoded.
        public var value: String
        /// The RFC 2231 language tag, e.g. `en`, when one was given.
        public var language: String?

        /// A parameter called `name` (stored in lower case) with `value`.
        public init(name: String, value: String, language: String? = nil) {
            self.name = name.lowercased()
            self.value = value
            self.language = language
        }
    }

    private var parameters: [Parameter]

    /// The given parameters, in order.
    public init(_ parameters: [Parameter] = []) {
        self.parameters = parameters
    }

    /// The position of the first parameter.
    public var startIndex: Int { parameters.startIndex }
    /// The position after the last parameter.
    public var endIndex: Int { parameters.endIndex }
    /// The parameter at `position`, in the order written.
    public subscript(position: Int) -> Parameter { parameters[position] }

    /// The value of the first parameter called `name` (in any case), or nil.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return parameters.first { $0.name == key }?.value
    }
}

/// A `Content-Type`: the media type of a part and its parameters.
public struct MailContentType: Sendable, Hashable, CustomStringConvertible {
    /// The top-level type in lower case, e.g. `text`, `multipart`.
    public var type: String
    /// The subtype in lower case, e.g. `plain`, `alternative`.
    public var subtype: String
    /// The parameters, e.g. `charset`, `boundary`, `name`.
    public var parameters: MailParameters

    /// A content type `type/subtype` (both stored in lower case) with `parameters`.
    public init(type: String, subtype: String, parameters: MailParameters = MailParameters()) {
        self.type = type.lowercased()
        self.subtype = subtype.lowercased()
        self.parameters = parameters
    }

    /// `type/subtype`, e.g. `text/plain`.
    public var mimeType: String { "\(type)/\(subtype)" }

    /// The `charset` parameter, when there is one.
    public var charset: String? { parameters["charset"] }

    /// The `boundary` parameter of a multipart, without trailing white space.
    public var boundary: String? {
        guard let boundary = parameters["boundary"] else { return nil }
        var end = boundary.endIndex
        while end > boundary.startIndex, boundary[boundary.index(before: end)] == " " || boundary[boundary.index(before: end)] == "\t" {
            end = boundary.index(before: end)
        }
        return String(boundary[..<end])
    }

    /// `text/plain; charset=us-ascii`, RFC 2045's default.
    public static let defaultText = MailContentType(
        type: "text", subtype: "plain", parameters: MailParameters([.init(name: "charset", value: "us-ascii")]))

    /// `message/rfc822`, the default inside `multipart/digest`.
    public static let defaultDigestPart = MailContentType(type: "message", subtype: "rfc822")

    /// `type/subtype`, without parameters.
    public var description: String { mimeType }

    /// The `Content-Type` field value `raw`, or nil and a reason when it has no `type/subtype`.
    static func parse(_ raw: String, problems: inout [String]) -> MailContentType? {
        var scanner = ParameterScanner(raw)
        scanner.skipCommentsAndWhitespace()
        let type = scanner.token()
        scanner.skipCommentsAndWhitespace()
        guard !type.isEmpty, scanner.take(UInt8(ascii: "/")) else {
            problems.append("no type/subtype in \"\(raw.prefix(80))\"")
            return nil
        }
        scanner.skipCommentsAndWhitespace()
        let subtype = scanner.token()
        guard !subtype.isEmpty else {
            problems.append("no subtype in \"\(raw.prefix(80))\"")
            return nil
        }
        let parameters = scanner.parameters(problems: &problems)
        return MailContentType(type: type, subtype: subtype, parameters: parameters)
    }
}

/// A `Content-Disposition`: whether a part is shown inline or is an attachment, and its file name.
public struct MailContentDisposition: Sendable, Hashable {
    /// The disposition in lower case: `inline`, `attachment`, or another token as written.
    public var kind: String
    /// The parameters, e.g. `filename`, `size`.
    public var parameters: MailParameters

    /// A disposition of `kind` (stored in lower case) with `parameters`.
    public init(kind: String, parameters: MailParameters = MailParameters()) {
        self.kind = kind.lowercased()
        self.parameters = parameters
    }

    /// Whether the disposition is `attachment`.
    public var isAttachment: Bool { kind == "attachment" }

    /// The `filename` parameter, when there is one.
    public var filename: String? { parameters["filename"] }

    /// The `Content-Disposition` field value `raw`; a value without a leading token is `inline`
    /// with the parameters that could be read.
    static func parse(_ raw: String, problems: inout [String]) -> MailContentDisposition {
        var scanner = ParameterScanner(raw)
        scanner.skipCommentsAndWhitespace()
        var kind = scanner.token()
        if kind.isEmpty {
            problems.append("no disposition type in \"\(raw.prefix(80))\"; read as inline")
            kind = "inline"
        }
        return MailContentDisposition(kind: kind, parameters: scanner.parameters(problems: &problems))
    }
}

/// Reads `token`s, quoted strings, comments and `;`-separated `name=value` parameters from a
/// field value, one pass over its bytes.
struct ParameterScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    private var atEnd: Bool { index >= bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard !atEnd, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Skips white space and (nested) comments.
    mutating func skipCommentsAndWhitespace() {
        while !atEnd {
            let byte = bytes[index]
            if isASCIIWhitespace(byte) {
                index += 1
            } else if byte == UInt8(ascii: "(") {
                var depth = 0
                while !atEnd {
                    let inner = bytes[index]
                    if inner == UInt8(ascii: "\\") {
                        index += 2
                        continue
                    }
                    if inner == UInt8(ascii: "(") { depth += 1 }
                    if inner == UInt8(ascii: ")") { depth -= 1 }
                    index += 1
                    if depth == 0 { break }
                }
                index = min(index, bytes.count)
            } else {
                return
            }
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        guard byte > 0x20, byte != 0x7F else { return false }
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"), UInt8(ascii: ","),
            UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "/"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "="):
            return false
        default:
            return true
        }
    }

    /// A run of token bytes (RFC 2045 §5.1), in lower case.
    mutating func token() -> String {
        let start = index
        while !atEnd, ParameterScanner.isTokenByte(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self).lowercased()
    }

    /// A quoted string's content with its escapes undone; the scanner is at its opening quote.
    /// `closed` is false when the input ended first.
    private mutating func quotedString() -> (value: [UInt8], closed: Bool) {
        index += 1
        var value: [UInt8] = []
        while !atEnd {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return (value, true)
            }
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                value.append(bytes[index + 1])
                index += 2
                continue
            }
            value.append(byte)
            index += 1
        }
        return (value, false)
    }

    /// One parameter as written, before RFC 2231 is applied.
    private struct RawParameter {
        var name: String
        var value: [UInt8]
    }

    /// The `; name=value` list from here to the end, with RFC 2231 applied. A value that is not a
    /// quoted string runs to the next `;` (trimmed), so unquoted file names with spaces are read
    /// as their senders meant.
    mutating func parameters(problems: inout [String]) -> MailParameters {
        var raw: [RawParameter] = []
        while !atEnd {
            skipCommentsAndWhitespace()
            if take(UInt8(ascii: ";")) { continue }
            if atEnd { break }
            let nameStart = index
            while !atEnd, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ";") { index += 1 }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).trimmingASCIIWhitespace().lowercased()
            guard take(UInt8(ascii: "=")), !name.isEmpty else {
                if !name.isEmpty { problems.append("parameter \"\(name.prefix(40))\" without a value skipped") }
                continue
            }
            skipCommentsAndWhitespace()
            var value: [UInt8]
            if !atEnd, bytes[index] == UInt8(ascii: "\"") {
                let quoted = quotedString()
                value = quoted.value
                if !quoted.closed { problems.append("parameter \"\(name.prefix(40))\": quoted value without its closing quote") }
                let afterQuote = index
                while !atEnd, bytes[index] != UInt8(ascii: ";") { index += 1 }
                if bytes[afterQuote..<index].contains(where: { !isASCIIWhitespace($0) && $0 != UInt8(ascii: "(") && $0 != UInt8(ascii: ")") }) {
                    problems.append("parameter \"\(name.prefix(40))\": text after the quoted value ignored")
                }
            } else {
                let start = index
                while !atEnd, bytes[index] != UInt8(ascii: ";") { index += 1 }
                value = Array(String(decoding: bytes[start..<index], as: UTF8.self).trimmingASCIIWhitespace().utf8)
                // A trailing comment, as in RFC 2045's own `charset=us-ascii (Plain text)`.
                if value.last == UInt8(ascii: ")"),
                    let open = value.indices.first(where: { $0 > 0 && value[$0] == UInt8(ascii: "(") && isASCIIWhitespace(value[$0 - 1]) })
                {
                    value = Array(String(decoding: value[..<open], as: UTF8.self).trimmingASCIIWhitespace().utf8)
                }
            }
            raw.append(RawParameter(name: name, value: value))
        }
        return ParameterScanner.joinSections(raw, problems: &problems)
    }

    /// Applies RFC 2231: `name*=charset'lang'%XX`, `name*0=`, `name*1*=`… become one parameter.
    private static func joinSections(_ raw: [RawParameter], problems: inout [String]) -> MailParameters {
        struct Section {
            var number: Int
            var encoded: Bool
            var value: [UInt8]
        }
        var order: [String] = []
        var plain: [String: [UInt8]] = [:]
        var sections: [String: [Section]] = [:]
        for parameter in raw {
            guard let star = parameter.name.firstIndex(of: "*") else {
                if plain[parameter.name] == nil, sections[parameter.name] == nil { order.append(parameter.name) }
                if plain[parameter.name] == nil { plain[parameter.name] = parameter.value }
                continue
            }
            let base = String(parameter.name[..<star])
            var rest = parameter.name[parameter.name.index(after: star)...]
            var encoded = false
            if rest.hasSuffix("*") {
                encoded = true
                rest = rest.dropLast()
            }
            let number: Int
            if rest.isEmpty {
                number = 0
                encoded = true
            } else if rest.count <= 4, let parsed = Int(rest), parsed >= 0 {
                number = parsed
            } else {
                problems.append("parameter \"\(parameter.name.prefix(40))\": section number not readable; skipped")
                continue
            }
            if plain[base] == nil, sections[base] == nil { order.append(base) }
            sections[base, default: []].append(Section(number: number, encoded: encoded, value: parameter.value))
        }
        var result: [MailParameters.Parameter] = []
        for name in order {
            guard var parts = sections[name] else {
                let value = String(decoding: plain[name] ?? [], as: UTF8.self)
                result.append(.init(name: name, value: value.contains("=?") ? EncodedWords.decode(value) : value))
                continue
            }
            parts.sort { $0.number < $1.number }
            var seen = Set<Int>()
            parts = parts.filter { seen.insert($0.number).inserted }
            if parts.first?.number != 0 || parts.last!.number != parts.count - 1 {
                problems.append("parameter \"\(name)\": RFC 2231 sections missing; joined the ones present")
            }
            var charsetName = ""
            var language: String?
            var joined: [UInt8] = []
            for (position, part) in parts.enumerated() {
                var value = part.value[...]
                if position == 0, part.encoded {
                    let quotes = value.indices.filter { value[$0] == UInt8(ascii: "'") }.prefix(2)
                    if quotes.count == 2 {
                        charsetName = String(decoding: value[..<quotes[0]], as: UTF8.self)
                        let lang = String(decoding: value[(quotes[0] + 1)..<quotes[1]], as: UTF8.self)
                        language = lang.isEmpty ? nil : lang
                        value = value[(quotes[1] + 1)...]
                    } else {
                        problems.append("parameter \"\(name)\": no charset'language' before an RFC 2231 value")
                    }
                }
                joined.append(contentsOf: part.encoded ? percentDecoded(value) : Array(value))
            }
            let value: String
            if charsetName.isEmpty {
                value = String(decoding: joined, as: UTF8.self)
            } else if let charset = MailCharset(named: charsetName) {
                if let decoded = charset.decode(joined) {
                    value = decoded
                } else {
                    value = replacingDecode(joined)
                    problems.append("parameter \"\(name)\": bytes not valid \(charset); shown with replacement characters")
                }
            } else {
                value = replacingDecode(joined)
                problems.append("parameter \"\(name)\": unknown charset \"\(charsetName.prefix(40))\"; shown as UTF-8 with replacement characters")
            }
            result.append(.init(name: name, value: value, language: language))
        }
        return MailParameters(result)
    }

    private static func percentDecoded(_ value: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        var index = value.startIndex
        while index < value.endIndex {
            if value[index] == UInt8(ascii: "%"), index + 2 < value.endIndex, let high = hexValue(value[index + 1]),
                let low = hexValue(value[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(value[index])
                index += 1
            }
        }
        return output
    }
}
