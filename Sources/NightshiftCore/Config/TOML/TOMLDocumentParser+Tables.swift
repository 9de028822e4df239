extension TOMLDocumentParser {
    /// Parses a `[table]` or `[[array.of.tables]]` header and makes its table the current one.
    mutating func parseHeader() throws(TOMLParseError) {
        let open = scanner.location
        scanner.advance()
        let isArray = scanner.peek() == "["
        if isArray {
            scanner.advance()
        }
        scanner.skipWhitespace()
        let key = try parseKey()
        scanner.skipWhitespace()
        let closing = isArray ? "]]" : "]"
        guard scanner.lookingAt(closing) else {
            let what = isArray ? "array-of-tables header" : "table header"
            throw unexpected(.unexpectedCharacter, expected: "'\(closing)' to close the \(what)")
        }
        scanner.advance(by: closing.unicodeScalars.count)
        let parent = try enterHeaderPrefix(key)
        current = isArray
            ? try appendArrayElement(key, at: open, in: parent)
            : try defineTable(key, at: open, in: parent)
        currentPath = key.map(\.name)
    }

    /// Walks all but the last segment of a header's key from the root, creating implicit tables
    /// and entering the last element of arrays of tables.
    private func enterHeaderPrefix(_ key: [TOMLKeySegment]) throws(TOMLParseError) -> TOMLTableBuilder {
        var table = root
        var path: [String] = []
        for segment in key.dropLast() {
            path.append(segment.name)
            guard let entry = table.entry(segment.name) else {
                let created = TOMLTableBuilder(origin: .implicit, location: segment.location)
                table.insert(segment.name, at: segment.location, .table(created))
                table = created
                continue
            }
            switch entry.slot {
            case .table(let existing):
                table = existing
            case .arrayOfTables(let array):
                table = array.elements[array.elements.count - 1]
            case .value(let node):
                throw Self.cannotUseAsTable(node, path: path, keyLocation: entry.keyLocation, at: segment.location)
            }
        }
        return table
    }

    /// Defines the table a `[header]` names, which may exist only as an implicit table.
    private func defineTable(
        _ key: [TOMLKeySegment],
        at open: SourcePosition,
        in parent: TOMLTableBuilder
    ) throws(TOMLParseError) -> TOMLTableBuilder {
        let last = key[key.count - 1]
        let path = key.map(\.name)
        guard let entry = parent.entry(last.name) else {
            let table = TOMLTableBuilder(origin: .header, location: open)
            parent.insert(last.name, at: last.location, .table(table))
            return table
        }
        switch entry.slot {
        case .table(let existing) where existing.origin == .implicit:
            existing.origin = .header
            existing.location = open
            parent.moveKey(last.name, to: last.location)
            return existing
        case .table(let existing) where existing.origin == .dotted:
            throw TOMLParseError(
                .tableRedefinition,
                at: open,
                "table '\(Self.display(path))' was already defined by dotted keys at \(entry.keyLocation); "
                    + "a [\(Self.display(path))] header cannot define it again"
            )
        case .table(let existing):
            throw TOMLParseError(
                .tableRedefinition,
                at: open,
                "table [\(Self.display(path))] is already defined at \(existing.location); "
                    + "each table can have only one header"
            )
        case .arrayOfTables(let array):
            throw TOMLParseError(
                .keyTypeConflict,
                at: open,
                "'\(Self.display(path))' is an array of tables (first [[\(Self.display(path))]] at \(array.location)); "
                    + "write [[\(Self.display(path))]] to add an element"
            )
        case .value(let node):
            throw Self.cannotUseAsTable(node, path: path, keyLocation: entry.keyLocation, at: open)
        }
    }

    /// Adds an element to the array of tables a `[[header]]` names, creating the array if needed.
    private func appendArrayElement(
        _ key: [TOMLKeySegment],
        at open: SourcePosition,
        in parent: TOMLTableBuilder
    ) throws(TOMLParseError) -> TOMLTableBuilder {
        let last = key[key.count - 1]
        let path = key.map(\.name)
        let element = TOMLTableBuilder(origin: .arrayElement, location: open)
        guard let entry = parent.entry(last.name) else {
            parent.insert(last.name, at: last.location, .arrayOfTables(.init(first: element)))
            return element
        }
        switch entry.slot {
        case .arrayOfTables(let array):
            array.elements.append(element)
            return element
        case .table(let existing):
            throw TOMLParseError(
                .keyTypeConflict,
                at: open,
                "'\(Self.display(path))' is already a table (defined at \(existing.location)); "
                    + "[[\(Self.display(path))]] can only add to an array of tables"
            )
        case .value(let node):
            if case .array = node.value {
                throw TOMLParseError(
                    .keyTypeConflict,
                    at: open,
                    "'\(Self.display(path))' is an array value (defined at \(entry.keyLocation)); "
                        + "an array written with [ ] cannot be extended by [[\(Self.display(path))]]"
                )
            }
            throw Self.cannotUseAsTable(
                node, path: path, as: "an array of tables", keyLocation: entry.keyLocation, at: open
            )
        }
    }
}
