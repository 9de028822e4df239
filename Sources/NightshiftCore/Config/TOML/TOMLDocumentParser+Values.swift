extension TOMLDocumentParser {
    /// Parses the value at the cursor: a string, number, boolean, date/time, array or inline table.
    mutating func parseValue() throws(TOMLParseError) -> TOMLNode {
        let start = scanner.location
        switch scanner.peek() {
        case "\"":
            let string = scanner.lookingAt("\"\"\"") ? try parseMultilineBasicString() : try parseBasicString()
            return TOMLNode(.string(string), at: start)
        case "'":
            let string = scanner.lookingAt("'''") ? try parseMultilineLiteralString() : try parseLiteralString()
            return TOMLNode(.string(string), at: start)
        case "[":
            return try parseArray()
        case "{":
            return try parseInlineTable()
        case let scalar? where Self.isTokenScalar(scalar):
            let token = readToken()
            return TOMLNode(try parseToken(token, at: start), at: start)
        default:
            throw unexpected(.invalidValue, expected: "a value")
        }
    }

    /// Scalars that can make up a number, boolean, date or time.
    private static func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isTOMLBareKeyScalar || scalar == "+" || scalar == "." || scalar == ":"
    }

    /// Reads a bare token, joining a date and a time separated by one space.
    private mutating func readToken() -> [UInt8] {
        var token: [UInt8] = []
        while let scalar = scanner.peek() {
            if Self.isTokenScalar(scalar) {
                token.append(UInt8(truncatingIfNeeded: scalar.value))
                scanner.advance()
            } else if scalar == " ", TOMLDateTime.isFullDate(token), scanner.peek(1)?.isTOMLDigit == true,
                scanner.peek(2)?.isTOMLDigit == true, scanner.peek(3) == ":"
            {
                token.append(UInt8(ascii: " "))
                scanner.advance()
            } else {
                break
            }
        }
        return token
    }

    /// Interprets a bare token as a boolean, a date/time or a number.
    private func parseToken(_ token: [UInt8], at start: SourcePosition) throws(TOMLParseError) -> TOMLValue {
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        default: break
        }
        if TOMLDateTime.looksLikeDateTime(token) {
            return try TOMLDateTime.parse(token, at: start)
        }
        let startsLikeNumber = token.first.map { "+-.0123456789".utf8.contains($0) } ?? false
        if startsLikeNumber || text == "inf" || text == "nan" {
            return try TOMLNumber.parse(token, at: start)
        }
        throw TOMLParseError(
            .invalidValue,
            at: start,
            "'\(text)' is not a TOML value; strings must be quoted, as in \"\(text)\""
        )
    }

    /// Parses `[ … ]`, allowing line breaks, comments and a trailing comma between elements.
    mutating func parseArray() throws(TOMLParseError) -> TOMLNode {
        let open = scanner.location
        try enterNesting(at: open)
        defer { leaveNesting() }
        scanner.advance()
        var elements: [TOMLNode] = []
        while true {
            try skipArrayTrivia()
            if scanner.peek() == "]" {
                break
            }
            if scanner.isAtEnd {
                throw TOMLParseError(.unexpectedEndOfInput, at: open, "unterminated array: no closing ']' for this '['")
            }
            do {
                elements.append(try parseValue())
            } catch {
                throw Self.hintingAtMissingBracket(error, open: open)
            }
            try skipArrayTrivia()
            if scanner.peek() == "," {
                scanner.advance()
            } else if scanner.peek() == "]" {
                break
            } else if scanner.isAtEnd {
                throw TOMLParseError(.unexpectedEndOfInput, at: open, "unterminated array: no closing ']' for this '['")
            } else {
                let error = unexpected(.unexpectedCharacter, expected: "',' or ']' after an array element")
                throw Self.hintingAtMissingBracket(error, open: open)
            }
        }
        scanner.advance()
        return TOMLNode(.array(elements), at: open)
    }

    /// Adds a hint to errors on a later line than an array's `[`: the usual cause is a missing `]`,
    /// which makes the next `key = value` line look like an array element.
    private static func hintingAtMissingBracket(_ error: TOMLParseError, open: SourcePosition) -> TOMLParseError {
        guard error.location.line > open.line,
            error.code == .invalidValue || error.code == .unexpectedCharacter,
            !error.message.contains("is the ']'")
        else {
            return error
        }
        var hinted = error
        hinted.message += " (is the ']' missing for the array opened at \(open)?)"
        return hinted
    }

    /// Skips whitespace, line breaks and comments inside an array.
    private mutating func skipArrayTrivia() throws(TOMLParseError) {
        while true {
            scanner.skipWhitespace()
            if scanner.peek() == "#" {
                try skipComment()
            }
            if !scanner.consumeNewline() {
                return
            }
        }
    }

    /// Parses `{ key = value, … }`, which must fit on one line (values inside may span lines).
    mutating func parseInlineTable() throws(TOMLParseError) -> TOMLNode {
        let open = scanner.location
        try enterNesting(at: open)
        defer { leaveNesting() }
        scanner.advance()
        let table = TOMLTableBuilder(origin: .dotted, location: open)
        try skipInlineTableWhitespace(open: open)
        if scanner.peek() == "}" {
            scanner.advance()
            return TOMLNode(.table(table.build()), at: open)
        }
        while true {
            try parseKeyValue(into: table, path: [])
            try skipInlineTableWhitespace(open: open)
            if scanner.peek() == "}" {
                scanner.advance()
                return TOMLNode(.table(table.build()), at: open)
            }
            guard scanner.peek() == "," else {
                throw unexpected(.unexpectedCharacter, expected: "',' or '}' in the inline table")
            }
            let comma = scanner.location
            scanner.advance()
            try skipInlineTableWhitespace(open: open)
            if scanner.peek() == "}" {
                throw TOMLParseError(
                    .unexpectedCharacter,
                    at: comma,
                    "trailing comma in an inline table; TOML 1.0 allows none after the last key = value pair"
                )
            }
        }
    }

    /// Skips spaces and tabs inside an inline table, where a line break is an error.
    private mutating func skipInlineTableWhitespace(open: SourcePosition) throws(TOMLParseError) {
        scanner.skipWhitespace()
        if scanner.isAtEnd {
            throw TOMLParseError(.unexpectedEndOfInput, at: open, "unterminated inline table: no closing '}' for this '{'")
        }
        if scanner.isAtLineEnd {
            throw TOMLParseError(
                .newlineInInlineTable,
                at: scanner.location,
                "line break inside an inline table; an inline table must close on the line it opens "
                    + "(use a [table] header for longer tables)"
            )
        }
    }
}
