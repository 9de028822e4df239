/// A part's `Content-Transfer-Encoding`: how its body is written on the wire.
public enum MailTransferEncoding: Sendable, Hashable, CustomStringConvertible {
    /// `7bit`, the default: the body is as written.
    case sevenBit
    /// `8bit`: the body is as written.
    case eightBit
    /// `binary`: the body is as written.
    case binary
    /// `quoted-printable` (RFC 2045 §6.7).
    case quotedPrintable
    /// `base64` (RFC 2045 §6.8).
    case base64
    /// A name this parser does not decode (e.g. `x-uuencode`), in lower case; the body is kept as
    /// written.
    case other(String)

    /// The encoding named `name`, in any case and with surrounding white space.
    public init(name: String) {
        switch name.trimmingASCIIWhitespace().lowercased() {
        case "", "7bit": self = .sevenBit
        case "8bit": self = .eightBit
        case "binary": self = .binary
        case "quoted-printable": self = .quotedPrintable
        case "base64": self = .base64
        case let other: self = .other(other)
        }
    }

    /// The name as a header writes it, e.g. `quoted-printable`.
    public var description: String {
        switch self {
        case .sevenBit: "7bit"
        case .eightBit: "8bit"
        case .binary: "binary"
        case .quotedPrintable: "quoted-printable"
        case .base64: "base64"
        case .other(let name): name
        }
    }
}

/// Decoding and encoding of quoted-printable and base64, leniently when decoding: every input
/// gives bytes, and what was wrong is said once.
enum TransferCoding {
    /// Bytes decoded, and a problem when the input was not well-formed.
    struct Decoded {
        var bytes: [UInt8]
        var problem: String?
    }

    // MARK: Base64

    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()

    /// Base64 decoded, skipping line breaks and white space. Other characters are skipped and
    /// reported; `=` ends a group of four early (so concatenated base64 still decodes), and a group
    /// cut short without padding gives the bytes it holds.
    static func decodeBase64<Bytes: Collection<UInt8>>(_ input: Bytes) -> Decoded {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3 + 3)
        var accumulator: UInt32 = 0
        var count = 0
        var garbage = 0
        var strayCharacter = false
        var missingPadding = false
        func flush() {
            switch count {
            case 1: strayCharacter = true
            case 2: output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
            case 3:
                output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
                output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
            default: break
            }
            count = 0
            accumulator = 0
        }
        for byte in input {
            let value = base64Values[Int(byte)]
            if value != 0xFF {
                accumulator = accumulator << 6 | UInt32(value)
                count += 1
                if count == 4 {
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                    output.append(UInt8(truncatingIfNeeded: accumulator))
                    count = 0
                    accumulator = 0
                }
            } else if byte == UInt8(ascii: "=") {
                flush()
            } else if !isASCIIWhitespace(byte) {
                garbage += 1
            }
        }
        if count > 1 { missingPadding = true }
        flush()
        var complaints: [String] = []
        if garbage > 0 { complaints.append("\(garbage) characters outside the base64 alphabet skipped") }
        if strayCharacter { complaints.append("a lone base64 character (6 bits) dropped") }
        if missingPadding { complaints.append("base64 ends without its padding") }
        return Decoded(bytes: output, problem: complaints.isEmpty ? nil : complaints.joined(separator: "; "))
    }

    /// `bytes` in base64, on one line.
    static func encodeBase64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(remaining > 1 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: Quoted-printable

    /// Quoted-printable decoded: `=XX` (either case) is a byte, `=` at the end of a line a soft
    /// line break, and white space at the end of a line is dropped (RFC 2045 §6.7: transports add
    /// it). An `=` followed by anything else is kept and reported. Hard line breaks keep their
    /// CRLF or LF.
    static func decodeQuotedPrintable(_ input: ArraySlice<UInt8>) -> Decoded {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var badEscapes = 0
        var lineStart = input.startIndex
        while lineStart < input.endIndex {
            let newline = input[lineStart...].firstIndex(of: UInt8(ascii: "\n"))
            let lineEnd = newline ?? input.endIndex
            var contentEnd = lineEnd
            let hadCR = contentEnd > lineStart && input[contentEnd - 1] == UInt8(ascii: "\r")
            while contentEnd > lineStart, isASCIIWhitespace(input[contentEnd - 1]) { contentEnd -= 1 }
            var soft = false
            if contentEnd > lineStart, input[contentEnd - 1] == UInt8(ascii: "=") {
                soft = true
                contentEnd -= 1
            }
            var index = lineStart
            while index < contentEnd {
                let byte = input[index]
                if byte == UInt8(ascii: "="), index + 2 < contentEnd,
                    let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
                {
                    output.append(high << 4 | low)
                    index += 3
                } else {
                    if byte == UInt8(ascii: "=") { badEscapes += 1 }
                    output.append(byte)
                    index += 1
                }
            }
            if newline != nil, !soft {
                if hadCR { output.append(UInt8(ascii: "\r")) }
                output.append(UInt8(ascii: "\n"))
            }
            lineStart = newline.map { $0 + 1 } ?? input.endIndex
        }
        let problem = badEscapes > 0 ? "\(badEscapes) \"=\" not followed by two hex digits kept as they are" : nil
        return Decoded(bytes: output, problem: problem)
    }

    /// `text` in quoted-printable with CRLF line endings and lines of at most 76 characters.
    ///
    /// Any line break in `text` (CRLF, LF, CR) becomes CRLF. Space and tab at the end of a line,
    /// `=`, controls and every byte above 0x7E are escaped; so is the `F` of a line starting with
    /// `From `, which some mail stores would otherwise rewrite to `>From `. When `text` does not end
    /// in a line break, the output ends in a soft line break so that it decodes to `text` exactly.
    static func encodeQuotedPrintable(_ text: String) -> String {
        var output: [UInt8] = []
        let lines = splitLines(text)
        for (lineNumber, line) in lines.enumerated() {
            let isLastLine = lineNumber == lines.count - 1
            if isLastLine && line.isEmpty { break }
            let bytes = Array(line.utf8)
            var length = 0
            let startsWithFrom = bytes.starts(with: Array("From ".utf8))
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal: Bool
                if byte == 0x20 || byte == 0x09 {
                    literal = !isLast
                } else {
                    literal = byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=") && !(index == 0 && startsWithFrom)
                }
                let width = literal ? 1 : 3
                // Room for the soft break's "=" unless this is the line's last character.
                let limit = isLast ? 76 : 75
                if length + width > limit {
                    output.append(contentsOf: Array("=\r\n".utf8))
                    length = 0
                }
                if literal {
                    output.append(byte)
                } else {
                    output.append(UInt8(ascii: "="))
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0x0F)])
                }
                length += width
            }
            output.append(contentsOf: isLastLine ? Array("=\r\n".utf8) : Array("\r\n".utf8))
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}

/// The lines of `text`, split at CRLF, LF or a lone CR; text ending in a line break has an empty
/// last line.
func splitLines(_ text: String) -> [Substring] {
    var lines: [Substring] = []
    let utf8 = text.utf8
    var start = utf8.startIndex
    var index = utf8.startIndex
    while index < utf8.endIndex {
        let byte = utf8[index]
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            lines.append(text[start..<index])
            var next = utf8.index(after: index)
            if byte == UInt8(ascii: "\r"), next < utf8.endIndex, utf8[next] == UInt8(ascii: "\n") { next = utf8.index(after: next) }
            start = next
            index = next
        } else {
            index = utf8.index(after: index)
        }
    }
    lines.append(text[start...])
    return lines
}

/// `text` with every line break (CRLF, lone CR) made LF.
func normalizingLineBreaks(_ text: String) -> String {
    let hasCR = text.utf8.withContiguousStorageIfAvailable { $0.contains(UInt8(ascii: "\r")) } ?? text.utf8.contains(UInt8(ascii: "\r"))
    guard hasCR else { return text }
    var output: [UInt8] = []
    output.reserveCapacity(text.utf8.count)
    var previousWasCR = false
    for byte in text.utf8 {
        if byte == UInt8(ascii: "\r") {
            output.append(UInt8(ascii: "\n"))
            previousWasCR = true
        } else {
            if !(byte == UInt8(ascii: "\n") && previousWasCR) { output.append(byte) }
            previousWasCR = false
        }
    }
    return String(decoding: output, as: UTF8.self)
}

func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    default: nil
    }
}

func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
}

extension StringProtocol {
    /// The text without spaces, tabs, CR and LF at either end.
    func trimmingASCIIWhitespace() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end, isASCIIWhitespace(bytes[start]) { start += 1 }
        while end > start, isASCIIWhitespace(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
