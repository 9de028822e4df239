extension TOMLDocumentParser {
    /// Parses a single-line basic string, `"…"`, resolving escapes.
    mutating func parseBasicString() throws(TOMLParseError) -> String {
        let open = scanner.location
        scanner.advance()
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = scanner.peek(), !scanner.isAtLineEnd else {
                throw unterminated(at: open, closing: "\"")
            }
            switch scalar {
            case "\"":
                scanner.advance()
                return String(result)
            case "\\":
                try parseEscape(into: &result)
            default:
                try appendPlain(scalar, to: &result)
            }
        }
    }

    /// Parses a single-line literal string, `'…'`, taken exactly as written.
    mutating func parseLiteralString() throws(TOMLParseError) -> String {
        let open = scanner.location
        scanner.advance()
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = scanner.peek(), !scanner.isAtLineEnd else {
                throw unterminated(at: open, closing: "'")
            }
            if scalar == "'" {
                scanner.advance()
                return String(result)
            }
            try appendPlain(scalar, to: &result)
        }
    }

    /// Parses a multi-line basic string, `"""…"""`: a line break right after the opening quotes
    /// is dropped, CRLF becomes LF, and a backslash at the end of a line removes the line break
    /// and all whitespace that follows it.
    mutating func parseMultilineBasicString() throws(TOMLParseError) -> String {
        let open = scanner.location
        scanner.advance(by: 3)
        _ = scanner.consumeNewline()
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = scanner.peek() else {
                throw unterminated(at: open, closing: "\"\"\"")
            }
            if scalar == "\"" {
                if closeMultiline(quote: "\"", into: &result) {
                    return String(result)
                }
            } else if scalar == "\\" {
                if !skipLineEndingBackslash() {
                    try parseEscape(into: &result)
                }
            } else if scanner.consumeNewline() {
                result.append("\n")
            } else {
                try appendPlain(scalar, to: &result)
            }
        }
    }

    /// Parses a multi-line literal string, `'''…'''`, taken as written apart from a line break
    /// right after the opening quotes and CRLF becoming LF.
    mutating func parseMultilineLiteralString() throws(TOMLParseError) -> String {
        let open = scanner.location
        scanner.advance(by: 3)
        _ = scanner.consumeNewline()
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = scanner.peek() else {
                throw unterminated(at: open, closing: "'''")
            }
            if scalar == "'" {
                if closeMultiline(quote: "'", into: &result) {
                    return String(result)
                }
            } else if scanner.consumeNewline() {
                result.append("\n")
            } else {
                try appendPlain(scalar, to: &result)
            }
        }
    }

    /// Consumes a run of quotes in a multi-line string. Fewer than three are content; three or
    /// more close the string, the first one or two of up to five being content. Any further
    /// quotes are left for the caller to reject as text after the value.
    private mutating func closeMultiline(quote: Unicode.Scalar, into result: inout String.UnicodeScalarView) -> Bool {
        var run = 0
        while scanner.peek(run) == quote {
            run += 1
        }
        let content = run < 3 ? run : min(run - 3, 2)
        for _ in 0..<content {
            result.append(quote)
        }
        scanner.advance(by: run < 3 ? run : content + 3)
        return run >= 3
    }

    /// Skips a backslash that ends a line (optionally followed by spaces or tabs) together with
    /// all whitespace and line breaks after it. Returns `false`, consuming nothing, otherwise.
    private mutating func skipLineEndingBackslash() -> Bool {
        var offset = 1
        while scanner.peek(offset) == " " || scanner.peek(offset) == "\t" {
            offset += 1
        }
        guard scanner.peek(offset) == "\n" || (scanner.peek(offset) == "\r" && scanner.peek(offset + 1) == "\n") else {
            return false
        }
        scanner.advance(by: offset)
        while true {
            scanner.skipWhitespace()
            if !scanner.consumeNewline() {
                return true
            }
        }
    }

    /// Appends an unescaped scalar, rejecting control characters other than tab.
    private mutating func appendPlain(
        _ scalar: Unicode.Scalar,
        to result: inout String.UnicodeScalarView
    ) throws(TOMLParseError) {
        if scalar.isTOMLControl {
            var error = controlCharacterError(scalar, in: "a string")
            if scalar != "\r" {
                error.message += "; write it as \\u" + TOMLScanner.hexDigits(of: scalar.value, minimumLength: 4) + " in a basic string"
            }
            throw error
        }
        result.append(scalar)
        scanner.advance()
    }

    /// Parses one escape sequence, starting at its backslash.
    private mutating func parseEscape(into result: inout String.UnicodeScalarView) throws(TOMLParseError) {
        let start = scanner.location
        scanner.advance()
        switch scanner.peek() {
        case "u":
            result.append(try parseUnicodeEscape(digits: 4, at: start))
        case "U":
            result.append(try parseUnicodeEscape(digits: 8, at: start))
        case let letter? where Self.simpleEscapes[letter] != nil:
            result.append(Self.simpleEscapes[letter]!)
            scanner.advance()
        case nil:
            throw TOMLParseError(.invalidEscape, at: start, "the file ends in the middle of an escape sequence")
        case _ where scanner.isAtLineEnd:
            throw TOMLParseError(
                .invalidEscape,
                at: start,
                "a backslash at the end of a line continues only multi-line strings; "
                    + "use \"\"\" quotes to split a string across lines"
            )
        case let other?:
            let shown = other.isTOMLControl ? other.tomlQuotedForMessage : "'\\\(Character(other))'"
            throw TOMLParseError(
                .invalidEscape,
                at: start,
                "invalid escape \(shown); basic strings allow \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and "
                    + "\\UXXXXXXXX (use a literal string in single quotes to keep backslashes as written)"
            )
        }
    }

    /// The one-letter escapes of TOML 1.0 and what they stand for.
    private static let simpleEscapes: [Unicode.Scalar: Unicode.Scalar] = [
        "b": "\u{08}", "t": "\t", "n": "\n", "f": "\u{0C}", "r": "\r", "\"": "\"", "\\": "\\",
    ]

    /// Reads the hex digits of a `\u` or `\U` escape; the cursor is on the `u`.
    private mutating func parseUnicodeEscape(digits: Int, at start: SourcePosition) throws(TOMLParseError) -> Unicode.Scalar {
        var value: UInt32 = 0
        for offset in 1...digits {
            guard let digit = scanner.peek(offset), digit.isTOMLHexDigit else {
                throw TOMLParseError(
                    .invalidEscape,
                    at: start,
                    "\\\(digits == 4 ? "u" : "U") must be followed by exactly \(digits) hexadecimal digits"
                )
            }
            value = value << 4 | UInt32(Character(digit).hexDigitValue!)
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw TOMLParseError(
                .invalidEscape,
                at: start,
                "\\\(digits == 4 ? "u" : "U")\(TOMLScanner.hexDigits(of: value, minimumLength: digits)) is not a Unicode scalar value "
                    + "(surrogates and values above 10FFFF are not allowed)"
            )
        }
        scanner.advance(by: digits + 1)
        return scalar
    }

    private func unterminated(at open: SourcePosition, closing: String) -> TOMLParseError {
        let place = closing.count == 3 ? "before the end of the file" : "on the same line"
        return TOMLParseError(
            .unterminatedString,
            at: open,
            "unterminated string: no closing \(closing) \(place)"
        )
    }
}
