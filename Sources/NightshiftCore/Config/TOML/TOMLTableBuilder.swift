/// A table under construction, with the bookkeeping TOML needs to reject redefinitions.
///
/// A reference type because headers reach back into tables made earlier (`[a.b]` after `[a]`,
/// `[jobs.retry]` after `[[jobs]]`) and must change them in place. It never leaves the parser.
final class TOMLTableBuilder {
    /// How a table came to exist, which decides how it may still be extended.
    enum Origin {
        /// The document root.
        case root
        /// Named on the way to another table by a header, as `a` in `[a.b]`; a later `[a]` may
        /// still define it, and dotted keys may still add to it.
        case implicit
        /// Defined by its own `[header]`; only sub-table headers may add to it from now on.
        case header
        /// An element of an array of tables, opened by `[[header]]`.
        case arrayElement
        /// Made by dotted keys such as `a.b = 1`; no header may define it, though sub-table headers may.
        case dotted
    }

    /// An array of tables made by `[[header]]`s, which may keep growing (unlike an array value).
    final class ArrayOfTables {
        var elements: [TOMLTableBuilder]
        let location: SourcePosition

        init(first: TOMLTableBuilder) {
            elements = [first]
            location = first.location
        }
    }

    /// What a key holds.
    enum Slot {
        /// A finished value: a scalar, an array value or an inline table. Never extended.
        case value(TOMLNode)
        /// A table that may still grow.
        case table(TOMLTableBuilder)
        /// An array of tables that may still grow.
        case arrayOfTables(ArrayOfTables)
    }

    struct Entry {
        let key: String
        var keyLocation: SourcePosition
        var slot: Slot
    }

    var origin: Origin
    var location: SourcePosition
    private(set) var entries: [Entry] = []
    private var indexByKey: [String: Int] = [:]

    init(origin: Origin, location: SourcePosition) {
        self.origin = origin
        self.location = location
    }

    func entry(_ key: String) -> Entry? {
        indexByKey[key].map { entries[$0] }
    }

    /// Adds a new key; the caller has checked that it is not present.
    func insert(_ key: String, at keyLocation: SourcePosition, _ slot: Slot) {
        indexByKey[key] = entries.count
        entries.append(Entry(key: key, keyLocation: keyLocation, slot: slot))
    }

    /// Records that a header has now explicitly defined an implicitly made sub-table.
    func moveKey(_ key: String, to keyLocation: SourcePosition) {
        guard let index = indexByKey[key] else { return }
        entries[index].keyLocation = keyLocation
    }

    /// The finished, immutable table.
    func build() -> TOMLTable {
        TOMLTable(
            entries: entries.map { entry in
                TOMLTable.Entry(key: entry.key, keyLocation: entry.keyLocation, node: entry.slot.node)
            },
            location: location
        )
    }
}

extension TOMLTableBuilder.Slot {
    /// The finished node for this slot.
    var node: TOMLNode {
        switch self {
        case .value(let node):
            node
        case .table(let table):
            TOMLNode(.table(table.build()), at: table.location)
        case .arrayOfTables(let array):
            TOMLNode(
                .array(array.elements.map { TOMLNode(.table($0.build()), at: $0.location) }),
                at: array.location
            )
        }
    }

    /// A short description of what the slot holds, for conflict messages.
    var kindDescription: String {
        switch self {
        case .value(let node): node.value.typeNameWithArticle
        case .table: "a table"
        case .arrayOfTables: "an array of tables"
        }
    }
}
