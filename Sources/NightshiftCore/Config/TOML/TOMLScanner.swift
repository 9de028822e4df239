/// A cursor over the Unicode scalars of a document that knows its line and column.
///
/// Every token the parser reads goes through ``advance()``, so ``location`` is always exact and
/// errors can point at the scalar that caused them.
struct TOMLScanner {
    private let scalars: [Unicode.Scalar]
    private(set) var index = 0
    private(set) var location = SourcePosition.start

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        // A byte order mark is an encoding artefact, not text: skip it without counting a column.
        if scalars.first == "\u{FEFF}" {
            index = 1
        }
    }

    var isAtEnd: Bool { index >= scalars.count }

    /// The scalar `offset` places ahead of the cursor, or `nil` past the end.
    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let position = index + offset
        return position < scalars.count ? scalars[position] : nil
    }

    /// Whether the scalars ahead spell `text`.
    func lookingAt(_ text: String) -> Bool {
        var offset = 0
        for scalar in text.unicodeScalars {
            guard peek(offset) == scalar else { return false }
            offset += 1
        }
        return true
    }

    /// Moves past one scalar and returns it.
    @discardableResult
    mutating func advance() -> Unicode.Scalar? {
        guard index < scalars.count else { return nil }
        let scalar = scalars[index]
        index += 1
        if scalar == "\n" {
            location.line += 1
            location.column = 1
        } else {
            location.column += 1
        }
        return scalar
    }

    /// Moves past `count` scalars.
    mutating func advance(by count: Int) {
        for _ in 0..<count { advance() }
    }

    /// Skips spaces and tabs, the only whitespace TOML allows within a line.
    mutating func skipWhitespace() {
        while let scalar = peek(), scalar == " " || scalar == "\t" {
            advance()
        }
    }

    /// Whether a line ends here: LF, CRLF or the end of the document.
    var isAtLineEnd: Bool {
        isAtEnd || peek() == "\n" || (peek() == "\r" && peek(1) == "\n")
    }

    /// Uppercase hexadecimal digits of `value`, zero-padded to `minimumLength`.
    static func hexDigits(of value: UInt32, minimumLength: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, minimumLength - digits.count)) + digits
    }

    /// Consumes an LF or CRLF and returns `true`, or returns `false` and leaves the cursor alone.
    mutating func consumeNewline() -> Bool {
        if peek() == "\n" {
            advance()
            return true
        }
        if peek() == "\r" && peek(1) == "\n" {
            advance(by: 2)
            return true
        }
        return false
    }
}

extension Unicode.Scalar {
    /// Control characters TOML forbids outside escapes: U+0000–U+001F except tab, and U+007F.
    /// Line feeds are included; callers that accept newlines check for them first.
    var isTOMLControl: Bool {
        (value < 0x20 && value != 0x09) || value == 0x7F
    }

    /// A scalar allowed in a bare key: `A-Z a-z 0-9 - _`.
    var isTOMLBareKeyScalar: Bool {
        switch value {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x5F: true
        default: false
        }
    }

    var isTOMLDigit: Bool { (0x30...0x39).contains(value) }

    var isTOMLHexDigit: Bool {
        isTOMLDigit || (0x41...0x46).contains(value) || (0x61...0x66).contains(value)
    }

    /// The scalar as it should appear in a message: quoted if printable, `U+XXXX` otherwise.
    var tomlQuotedForMessage: String {
        if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) {
            return "U+" + TOMLScanner.hexDigits(of: value, minimumLength: 4)
        }
        return "'\(Character(self))'"
    }
}
