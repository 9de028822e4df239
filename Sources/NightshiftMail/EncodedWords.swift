/// RFC 2047 encoded words: non-ASCII text in headers, written `=?charset?B|Q?encoded-text?=`.
///
/// ```swift
/// EncodedWords.decode("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus =?ISO-8859-1?B?S/Zsbg==?=")  // "Grüße aus Köln"
/// EncodedWords.encode("Grüße", encoding: .q)                                      // ["=?utf-8?q?Gr=C3=BC=C3=9Fe?="]
/// ```
public enum EncodedWords {
    /// How ``encode(_:encoding:firstWordLimit:)`` writes the encoded text.
    public enum Encoding: Sendable, Hashable {
        /// `B`: base64.
        case base64
        /// `Q`: quoted-printable's cousin; readable for mostly-ASCII text.
        case q
        /// Whichever of the two is shorter for the text (`Q` on a tie).
        case shortest
    }

    /// The longest an encoded word may be (RFC 2047 §2).
    public static let maximumWordLength = 75

    /// `text` with its encoded words decoded.
    ///
    /// Encoded words are recognised anywhere, also inside a word (`Re:=?utf-8?q?x?=`), as mail
    /// programs do. White space between two encoded words is dropped (RFC 2047 §6.2), and adjacent
    /// words in one charset are decoded together, so a character split between them survives. A
    /// word that cannot be decoded (bad base64 or Q, an unknown charset) is left as written.
    public static func decode(_ text: String) -> String {
        decodeReporting(text).text
    }

    /// One thing ``decodeReporting(_:)`` could not decode.
    struct Issue: Sendable, Hashable {
        var kind: MailParseProblem.Kind
        var message: String
    }

    /// `text` decoded as ``decode(_:)`` does, with what could not be decoded.
    static func decodeReporting(_ text: String) -> (text: String, issues: [Issue]) {
        let bytes = Array(text.utf8)
        guard bytes.count > 1, containsEncodedWordStart(bytes) else { return (text, []) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var issues: [Issue] = []
        var pendingWhitespace: Range<Int>?
        var pending: (charset: MailCharset, bytes: [UInt8])?
        var lastWasEncoded = false

        func flushPending() {
            guard let word = pending else { return }
            pending = nil
            if let decoded = word.charset.decode(word.bytes) {
                output.append(contentsOf: decoded.utf8)
            } else {
                output.append(contentsOf: replacingDecode(word.bytes).utf8)
                issues.append(
                    Issue(
                        kind: .invalidCharsetData, message: "an encoded word's bytes are not valid \(word.charset); shown with replacement characters"
                    ))
            }
        }

        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "="), let word = parseWord(bytes, at: index) {
                let written = String(decoding: bytes[index..<word.end], as: UTF8.self)
                if let charset = MailCharset(named: word.charset), let payload = decodePayload(bytes[word.payload], q: word.isQ) {
                    pendingWhitespace = nil
                    if let current = pending, current.charset == charset {
                        pending!.bytes.append(contentsOf: payload)
                    } else {
                        flushPending()
                        pending = (charset, payload)
                    }
                    lastWasEncoded = true
                } else {
                    if MailCharset(named: word.charset) == nil {
                        issues.append(
                            Issue(
                                kind: .unknownCharset,
                                message: "unknown charset \"\(word.charset)\" in the encoded word \(abbreviated(written)); left as written"))
                    } else {
                        issues.append(
                            Issue(kind: .malformedEncodedWord, message: "the encoded word \(abbreviated(written)) cannot be decoded; left as written")
                        )
                    }
                    flushPending()
                    if let whitespace = pendingWhitespace { output.append(contentsOf: bytes[whitespace]) }
                    pendingWhitespace = nil
                    output.append(contentsOf: bytes[index..<word.end])
                    lastWasEncoded = false
                }
                index = word.end
                continue
            }
            if lastWasEncoded, byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
                var end = index
                while end < bytes.count, isASCIIWhitespace(bytes[end]) { end += 1 }
                pendingWhitespace = index..<end
                index = end
                lastWasEncoded = false
                continue
            }
            flushPending()
            if let whitespace = pendingWhitespace { output.append(contentsOf: bytes[whitespace]) }
            pendingWhitespace = nil
            lastWasEncoded = false
            output.append(byte)
            index += 1
        }
        flushPending()
        if let whitespace = pendingWhitespace { output.append(contentsOf: bytes[whitespace]) }
        return (String(decoding: output, as: UTF8.self), issues)
    }

    private static func containsEncodedWordStart(_ bytes: [UInt8]) -> Bool {
        for index in 0..<(bytes.count - 1) where bytes[index] == UInt8(ascii: "=") && bytes[index + 1] == UInt8(ascii: "?") {
            return true
        }
        return false
    }

    private struct Word {
        var charset: String
        var isQ: Bool
        var payload: Range<Int>
        var end: Int
    }

    /// The encoded word starting at `start` (at its `=?`), or nil when none does. Each scan stops
    /// at the first `?` or white space, so looking at every `=?` of a line stays linear.
    private static func parseWord(_ bytes: [UInt8], at start: Int) -> Word? {
        guard start + 1 < bytes.count, bytes[start + 1] == UInt8(ascii: "?") else { return nil }
        var index = start + 2
        while index < bytes.count, bytes[index] != UInt8(ascii: "?") {
            guard bytes[index] > 0x20, bytes[index] < 0x7F else { return nil }
            index += 1
        }
        guard index > start + 2, index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: "?") else { return nil }
        let charset = String(decoding: bytes[(start + 2)..<index], as: UTF8.self)
        let isQ: Bool
        switch bytes[index + 1] {
        case UInt8(ascii: "Q"), UInt8(ascii: "q"): isQ = true
        case UInt8(ascii: "B"), UInt8(ascii: "b"): isQ = false
        default: return nil
        }
        let payloadStart = index + 3
        var end = payloadStart
        while end < bytes.count, bytes[end] != UInt8(ascii: "?") {
            guard bytes[end] > 0x20, bytes[end] < 0x7F else { return nil }
            end += 1
        }
        guard end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: "=") else { return nil }
        return Word(charset: charset, isQ: isQ, payload: payloadStart..<end, end: end + 2)
    }

    private static func decodePayload(_ payload: ArraySlice<UInt8>, q: Bool) -> [UInt8]? {
        if !q {
            let decoded = TransferCoding.decodeBase64(payload)
            // Missing padding is common and harmless; anything else means the word is not base64.
            if let problem = decoded.problem, problem != "base64 ends without its padding" { return nil }
            return decoded.bytes
        }
        var output: [UInt8] = []
        output.reserveCapacity(payload.count)
        var index = payload.startIndex
        while index < payload.endIndex {
            let byte = payload[index]
            if byte == UInt8(ascii: "_") {
                output.append(0x20)
                index += 1
            } else if byte == UInt8(ascii: "=") {
                guard index + 2 < payload.endIndex, let high = hexValue(payload[index + 1]), let low = hexValue(payload[index + 2]) else {
                    return nil
                }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    private static func abbreviated(_ word: String) -> String {
        word.count <= 60 ? "\"\(word)\"" : "\"\(word.prefix(57))...\""
    }

    // MARK: Encoding

    /// `text` as UTF-8 encoded words, each at most ``maximumWordLength`` characters and the first
    /// at most `firstWordLimit` (room left on a header's first line), never splitting a character's
    /// UTF-8 bytes between two words.
    ///
    /// Written one after the other, separated by white space or a fold, the words decode to `text`
    /// exactly. `Q` escapes everything but letters, digits and `!*+-/`, so the words are also valid
    /// in a display name (RFC 2047 §5 (3)).
    public static func encode(_ text: String, encoding: Encoding = .shortest, firstWordLimit: Int = maximumWordLength) -> [String] {
        let useQ: Bool
        switch encoding {
        case .q: useQ = true
        case .base64: useQ = false
        case .shortest:
            let bytes = Array(text.utf8)
            let qLength = bytes.reduce(0) { $0 + qWidth($1) }
            useQ = qLength <= (bytes.count + 2) / 3 * 4
        }
        let prefix = useQ ? "=?utf-8?q?" : "=?utf-8?b?"
        let overhead = prefix.utf8.count + 2
        var words: [String] = []
        var current: [UInt8] = []
        var currentWidth = 0
        func width(adding scalarBytes: [UInt8]) -> Int {
            if useQ { return currentWidth + scalarBytes.reduce(0) { $0 + qWidth($1) } }
            return (current.count + scalarBytes.count + 2) / 3 * 4
        }
        func finishWord() {
            words.append(prefix + (useQ ? qEncode(current) : TransferCoding.encodeBase64(current)) + "?=")
            current = []
            currentWidth = 0
        }
        for scalar in text.unicodeScalars {
            let scalarBytes = Array(String(scalar).utf8)
            let limit = (words.isEmpty ? min(firstWordLimit, maximumWordLength) : maximumWordLength) - overhead
            if !current.isEmpty, width(adding: scalarBytes) > limit { finishWord() }
            currentWidth = width(adding: scalarBytes)
            current.append(contentsOf: scalarBytes)
        }
        if !current.isEmpty || words.isEmpty { finishWord() }
        return words
    }

    private static func isQLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"):
            true
        default:
            false
        }
    }

    private static func qWidth(_ byte: UInt8) -> Int {
        isQLiteral(byte) || byte == 0x20 ? 1 : 3
    }

    private static func qEncode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in bytes {
            if isQLiteral(byte) {
                output.append(byte)
            } else if byte == 0x20 {
                output.append(UInt8(ascii: "_"))
            } else {
                output.append(contentsOf: [UInt8(ascii: "="), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
