/// One segment of a dotted key, as written.
struct TOMLKeySegment {
    var name: String
    var location: SourcePosition
}

extension TOMLDocumentParser {
    /// Parses a possibly dotted key such as `a."b.c".d`; whitespace around the dots is allowed.
    mutating func parseKey() throws(TOMLParseError) -> [TOMLKeySegment] {
        var segments = [try parseSimpleKey()]
        while true {
            scanner.skipWhitespace()
            guard scanner.peek() == "." else { return segments }
            scanner.advance()
            scanner.skipWhitespace()
            segments.append(try parseSimpleKey())
        }
    }

    /// Parses one bare, basic-quoted or literal-quoted key segment.
    mutating func parseSimpleKey() throws(TOMLParseError) -> TOMLKeySegment {
        let start = scanner.location
        switch scanner.peek() {
        case "\"":
            if scanner.lookingAt("\"\"\"") {
                throw TOMLParseError(.invalidKey, at: start, "a multi-line string cannot be used as a key")
            }
            return TOMLKeySegment(name: try parseBasicString(), location: start)
        case "'":
            if scanner.lookingAt("'''") {
                throw TOMLParseError(.invalidKey, at: start, "a multi-line string cannot be used as a key")
            }
            return TOMLKeySegment(name: try parseLiteralString(), location: start)
        default:
            break
        }
        var name = String.UnicodeScalarView()
        while let scalar = scanner.peek(), scalar.isTOMLBareKeyScalar {
            name.append(scalar)
            scanner.advance()
        }
        if name.isEmpty {
            throw unexpected(.invalidKey, expected: "a key")
        }
        if let next = scanner.peek(), !Self.canFollowBareKey(next), !scanner.isAtLineEnd, !next.isTOMLControl {
            throw TOMLParseError(
                .invalidKey,
                at: scanner.location,
                "\(next.tomlQuotedForMessage) is not allowed in a bare key; bare keys use only A-Z a-z 0-9 - _, "
                    + "so put keys with other characters in quotes"
            )
        }
        return TOMLKeySegment(name: String(name), location: start)
    }

    private static func canFollowBareKey(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", ".", "=", "]", "}", ",", "#": true
        default: false
        }
    }

    /// Parses `key = value` and stores it in `table`, whose key path is `path`.
    mutating func parseKeyValue(into table: TOMLTableBuilder, path: [String]) throws(TOMLParseError) {
        let key = try parseKey()
        scanner.skipWhitespace()
        guard scanner.peek() == "=" else {
            throw unexpected(.missingEquals, expected: "'=' after the key '\(Self.display(key.map(\.name)))'")
        }
        scanner.advance()
        scanner.skipWhitespace()
        let node = try parseValue()
        try assign(node, to: key, in: table, path: path)
    }

    /// Stores a value under a dotted key, creating or entering the tables its prefix names.
    func assign(
        _ node: TOMLNode,
        to key: [TOMLKeySegment],
        in table: TOMLTableBuilder,
        path: [String]
    ) throws(TOMLParseError) {
        var target = table
        var fullPath = path
        for segment in key.dropLast() {
            fullPath.append(segment.name)
            guard let entry = target.entry(segment.name) else {
                let created = TOMLTableBuilder(origin: .dotted, location: segment.location)
                target.insert(segment.name, at: segment.location, .table(created))
                target = created
                continue
            }
            switch entry.slot {
            case .table(let existing) where existing.origin == .dotted || existing.origin == .implicit:
                // Once dotted keys have added to a table, no header may define it any more.
                existing.origin = .dotted
                target = existing
            case .table(let existing):
                throw TOMLParseError(
                    .tableRedefinition,
                    at: segment.location,
                    "table [\(Self.display(fullPath))] is defined by a header at \(existing.location); "
                        + "add keys under that header instead of with dotted keys"
                )
            case .arrayOfTables(let array):
                throw TOMLParseError(
                    .keyTypeConflict,
                    at: segment.location,
                    "'\(Self.display(fullPath))' is an array of tables (first [[\(Self.display(fullPath))]] at "
                        + "\(array.location)); dotted keys cannot add to it"
                )
            case .value(let existing):
                throw Self.cannotUseAsTable(existing, path: fullPath, keyLocation: entry.keyLocation, at: segment.location)
            }
        }
        let last = key[key.count - 1]
        fullPath.append(last.name)
        if let existing = target.entry(last.name) {
            throw TOMLParseError(
                .duplicateKey,
                at: last.location,
                "duplicate key '\(Self.display(fullPath))'; it was already defined at \(existing.keyLocation) "
                    + "as \(existing.slot.kindDescription)"
            )
        }
        target.insert(last.name, at: last.location, .value(node))
    }

    /// The error for using a finished value (scalar, array or inline table) as a table.
    static func cannotUseAsTable(
        _ node: TOMLNode,
        path: [String],
        as wanted: String = "a table",
        keyLocation: SourcePosition,
        at location: SourcePosition
    ) -> TOMLParseError {
        if case .table = node.value {
            return TOMLParseError(
                .inlineTableExtension,
                at: location,
                "'\(display(path))' is an inline table (defined at \(keyLocation)) and cannot be extended; "
                    + "write all its keys inside its braces, or make it a [\(display(path))] table"
            )
        }
        return TOMLParseError(
            .keyTypeConflict,
            at: location,
            "'\(display(path))' already holds \(node.value.typeNameWithArticle) (defined at \(keyLocation)), "
                + "so it cannot also be \(wanted)"
        )
    }

    /// A key path as TOML would write it, quoting segments that are not bare keys.
    static func display(_ path: [String]) -> String {
        path.map { segment in
            if !segment.isEmpty, segment.unicodeScalars.allSatisfy(\.isTOMLBareKeyScalar) {
                return segment
            }
            var quoted = "\""
            for scalar in segment.unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                case _ where scalar.isTOMLControl:
                    quoted += "\\u" + TOMLScanner.hexDigits(of: scalar.value, minimumLength: 4)
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            return quoted + "\""
        }
        .joined(separator: ".")
    }
}
