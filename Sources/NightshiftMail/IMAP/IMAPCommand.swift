/// A command to send, without its tag: its name (what errors show) and its pieces, sent
/// separated by spaces.
struct IMAPCommand: Sendable {
    enum Piece: Sendable {
        /// Sent as it is: the command's words, atoms, sets, parenthesised lists the client built.
        case raw(String)
        /// A string argument (a mailbox, a user name, a password): quoted when it is 7-bit
        /// without line breaks, a literal otherwise.
        case string([UInt8])
        /// Always a literal (a message for APPEND).
        case literal([UInt8])
    }

    /// What one write sends: text, then maybe a literal the server must agree to first.
    struct Segment: Equatable {
        var text: [UInt8]
        var literal: [UInt8]?
        /// Whether the server must answer `+` before the literal (not with LITERAL+).
        var waitsForContinuation: Bool
    }

    /// The name errors show (`LOGIN`, `UID FETCH`); never its arguments.
    let name: String
    let pieces: [Piece]

    /// The command `name`, with `arguments` after it.
    init(_ name: String, _ arguments: Piece...) {
        self.name = name
        self.pieces = [.raw(name)] + arguments
    }

    init(_ name: String, arguments: [Piece]) {
        self.name = name
        self.pieces = [.raw(name)] + arguments
    }

    /// The command as it goes on the wire after `tag`: a segment per literal, then the last line.
    /// With `literalPlus` (the server's LITERAL+, RFC 7888) literals are sent as `{n+}` without
    /// waiting.
    func segments(tag: String, literalPlus: Bool) -> [Segment] {
        var segments: [Segment] = []
        var text = Array(tag.utf8)
        for piece in pieces {
            text.append(UInt8(ascii: " "))
            let literal: [UInt8]
            switch piece {
            case .raw(let word):
                text += Array(word.utf8)
                continue
            case .string(let bytes):
                if let quoted = Self.quoted(bytes) {
                    text += quoted
                    continue
                }
                literal = bytes
            case .literal(let bytes):
                literal = bytes
            }
            text += Array("{\(literal.count)\(literalPlus ? "+" : "")}\r\n".utf8)
            segments.append(Segment(text: text, literal: literal, waitsForContinuation: !literalPlus))
            text = []
        }
        segments.append(Segment(text: text + [0x0D, 0x0A], literal: nil, waitsForContinuation: false))
        return segments
    }

    /// `bytes` as a quoted string, or nil when only a literal can carry them (8-bit bytes, NUL,
    /// CR, LF).
    static func quoted(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.allSatisfy({ (0x01...0x7F).contains($0) && $0 != 0x0D && $0 != 0x0A }) else { return nil }
        var result: [UInt8] = [UInt8(ascii: "\"")]
        for byte in bytes {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { result.append(UInt8(ascii: "\\")) }
            result.append(byte)
        }
        result.append(UInt8(ascii: "\""))
        return result
    }

    /// `uids` as a sequence set, runs joined: `[1, 2, 3, 7, 9, 10]` is `1:3,7,9:10`.
    static func uidSet(_ uids: [UInt32]) -> String {
        let sorted = Array(Set(uids)).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index]):\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
