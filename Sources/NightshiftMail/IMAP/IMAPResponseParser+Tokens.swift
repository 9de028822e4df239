extension IMAPResponseParser {
    /// The byte at the cursor; nil at the end of the line (where a literal may follow).
    func peek() -> UInt8? {
        let bytes = raw.lines[line]
        return offset < bytes.count ? bytes[offset] : nil
    }

    var atLineEnd: Bool { offset >= raw.lines[line].count }

    func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    mutating func space() throws(IMAPError) {
        try expect(UInt8(ascii: " "), "a space")
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(IMAPError) {
        guard peek() == byte else { throw failure(what) }
        offset += 1
    }

    /// Throws unless the response ends here.
    func end() throws(IMAPError) {
        guard line == raw.lines.count - 1, atLineEnd else { throw failure("the end of the response") }
    }

    /// The rest of the line as text; a status response's text, which has no literals.
    mutating func restOfLine() throws(IMAPError) -> String {
        guard line == raw.lines.count - 1 else { throw failure("text without a literal") }
        let bytes = raw.lines[line]
        let text = String(decoding: bytes[min(offset, bytes.count)...], as: UTF8.self)
        offset = bytes.count
        return text
    }

    /// An atom: bytes up to a space, a parenthesis, a quote, `{` or `]`. A `[section]` (its own
    /// spaces and parentheses included) and a `<partial>` may follow its first characters, as
    /// in `BODY[HEADER.FIELDS (SUBJECT)]<0>`. With `mailboxName`, `]` belongs to the atom (an
    /// astring may hold it).
    mutating func atom(mailboxName: Bool = false) throws(IMAPError) -> String {
        let bytes = raw.lines[line]
        let start = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "["), offset > start, !mailboxName {
                try skipBracketed(open: UInt8(ascii: "["), close: UInt8(ascii: "]"))
                if peek() == UInt8(ascii: "<") { try skipBracketed(open: UInt8(ascii: "<"), close: UInt8(ascii: ">")) }
                break
            }
            let special = byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "{") || (byte == UInt8(ascii: "]") && !mailboxName)
            if special { break }
            offset += 1
        }
        guard offset > start else { throw failure("an atom") }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    private mutating func skipBracketed(open: UInt8, close: UInt8) throws(IMAPError) {
        let bytes = raw.lines[line]
        var level = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            if byte == open { level += 1 }
            if byte == close {
                level -= 1
                if level == 0 { return }
            }
        }
        throw failure("\(Character(Unicode.Scalar(close))) closing a section")
    }

    /// A number that fits 32 bits.
    mutating func number() throws(IMAPError) -> UInt32 {
        let bytes = raw.lines[line]
        let start = offset
        while offset < bytes.count, isDigit(bytes[offset]), offset - start < 10 { offset += 1 }
        guard offset > start, let value = UInt32(String(decoding: bytes[start..<offset], as: UTF8.self)),
            peek().map({ !isDigit($0) }) ?? true
        else { throw failure("a number below 2^32") }
        return value
    }

    /// Any value: a list, a quoted string, a literal, NIL or an atom.
    mutating func value(mailboxName: Bool = false) throws(IMAPError) -> IMAPValue {
        switch peek() {
        case UInt8(ascii: "("): return try list()
        case UInt8(ascii: "\""): return .string(try quoted())
        case UInt8(ascii: "{"): return .string(try literal())
        case nil: throw failure("a value")
        default:
            let word = try atom(mailboxName: mailboxName)
            return word.uppercased() == "NIL" ? .nilValue : .atom(word)
        }
    }

    /// `(value value …)`, at most ``maxDepth`` deep.
    mutating func list() throws(IMAPError) -> IMAPValue {
        try expect(UInt8(ascii: "("), "( opening a list")
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("lists nested at most \(Self.maxDepth) deep") }
        var items: [IMAPValue] = []
        while peek() != UInt8(ascii: ")") {
            if !items.isEmpty { try space() }
            items.append(try value())
        }
        offset += 1
        depth -= 1
        return .list(items)
    }

    /// `"…"` with `\"` and `\\` escaped; any other escaped byte is kept as itself.
    mutating func quoted() throws(IMAPError) -> [UInt8] {
        let bytes = raw.lines[line]
        offset += 1
        var result: [UInt8] = []
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""): return result
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { throw failure("a character after \\ in a quoted string") }
                result.append(bytes[offset])
                offset += 1
            default: result.append(byte)
            }
        }
        throw failure("\" closing a quoted string")
    }

    /// `{n}` at the end of the line: the literal read after it; the cursor moves to the next line.
    mutating func literal() throws(IMAPError) -> [UInt8] {
        let bytes = raw.lines[line]
        guard bytes.last == UInt8(ascii: "}"), let open = bytes.lastIndex(of: UInt8(ascii: "{")), open == offset,
            line < raw.literals.count, line + 1 < raw.lines.count
        else { throw failure("a literal's {size} at the end of the line") }
        let literal = raw.literals[line]
        line += 1
        offset = 0
        return literal
    }

    /// A malformed-response error naming what was expected, where, and the bytes around it.
    func failure(_ expected: String) -> IMAPError {
        let bytes = raw.lines[line]
        let at = min(offset, bytes.count)
        let from = max(0, at - 30)
        let to = min(bytes.count, at + 30)
        let shown = bytes[from..<to].map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "." }.joined()
        let place = raw.lines.count > 1 ? "line \(line + 1), byte \(at + 1)" : "byte \(at + 1)"
        return IMAPError(.malformedResponse, "expected \(expected) at \(place) of a response: \(shown.debugDescription)")
    }
}
