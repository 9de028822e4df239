/// The state of one parse: the cursor, the tables built so far and the table that keys go into.
///
/// The work is split by topic across `TOMLDocumentParser+*.swift`: keys and tables, values,
/// strings, numbers, and dates and times.
struct TOMLDocumentParser {
    /// How deeply arrays and inline tables may nest; keeps hostile input from exhausting the stack.
    static let maximumNesting = 100

    var scanner: TOMLScanner
    /// The document's root table.
    let root = TOMLTableBuilder(origin: .root, location: .start)
    /// The table that `key = value` lines go into: the root, or that of the last header.
    var current: TOMLTableBuilder
    /// The key path of ``current``, for messages.
    var currentPath: [String] = []
    /// How many arrays and inline tables enclose the cursor.
    var depth = 0

    init(_ text: String) {
        scanner = TOMLScanner(text)
        current = root
    }

    /// Parses line by line: each line is blank, a comment, a header or a key/value pair.
    mutating func parseDocument() throws(TOMLParseError) -> TOMLTable {
        while !scanner.isAtEnd {
            scanner.skipWhitespace()
            if scanner.peek() == "[" {
                try parseHeader()
                try finishLine(after: "the table header")
            } else if scanner.isAtLineEnd || scanner.peek() == "#" {
                try finishLine(after: "whitespace")
            } else {
                try parseKeyValue(into: current, path: currentPath)
                try finishLine(after: "the value")
            }
        }
        return root.build()
    }

    /// Consumes trailing whitespace, an optional comment and the line break (or the end of input).
    mutating func finishLine(after what: String) throws(TOMLParseError) {
        scanner.skipWhitespace()
        if scanner.peek() == "#" {
            try skipComment()
        }
        if scanner.isAtEnd || scanner.consumeNewline() {
            return
        }
        let scalar = scanner.peek()!
        if scalar.isTOMLControl {
            throw controlCharacterError(scalar, in: "a document")
        }
        throw TOMLParseError(
            .unexpectedCharacter,
            at: scanner.location,
            "unexpected \(scalar.tomlQuotedForMessage) after \(what); "
                + "put each key = value pair on its own line and start comments with '#'"
        )
    }

    /// Skips a `#` comment up to, not including, the line break.
    mutating func skipComment() throws(TOMLParseError) {
        scanner.advance()
        while !scanner.isAtLineEnd, let scalar = scanner.peek() {
            if scalar.isTOMLControl {
                throw controlCharacterError(scalar, in: "a comment")
            }
            scanner.advance()
        }
    }

    /// Enters an array or inline table, refusing to nest past ``maximumNesting``.
    mutating func enterNesting(at location: SourcePosition) throws(TOMLParseError) {
        depth += 1
        if depth > Self.maximumNesting {
            throw TOMLParseError(
                .nestingTooDeep,
                at: location,
                "arrays and inline tables are nested more than \(Self.maximumNesting) levels deep"
            )
        }
    }

    mutating func leaveNesting() {
        depth -= 1
    }

    /// An error for a forbidden control character at the cursor.
    func controlCharacterError(_ scalar: Unicode.Scalar, in context: String) -> TOMLParseError {
        if scalar == "\r" {
            return TOMLParseError(
                .controlCharacter,
                at: scanner.location,
                "carriage return (U+000D) not followed by a line feed in \(context); "
                    + "lines must end with LF or CRLF"
            )
        }
        return TOMLParseError(
            .controlCharacter,
            at: scanner.location,
            "control character \(scalar.tomlQuotedForMessage) is not allowed in \(context)"
        )
    }

    /// An error describing what was found at the cursor when something else was expected.
    func unexpected(_ code: TOMLParseError.Code, expected: String) -> TOMLParseError {
        guard let scalar = scanner.peek() else {
            return TOMLParseError(code, at: scanner.location, "expected \(expected), found the end of the file")
        }
        if scanner.isAtLineEnd {
            return TOMLParseError(code, at: scanner.location, "expected \(expected), found the end of the line")
        }
        if scalar.isTOMLControl {
            return controlCharacterError(scalar, in: "a document")
        }
        return TOMLParseError(code, at: scanner.location, "expected \(expected), found \(scalar.tomlQuotedForMessage)")
    }
}
