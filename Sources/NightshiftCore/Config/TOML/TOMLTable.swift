/// A TOML table: keys in the order they were first written, each with its source position.
///
/// Lookups scan ``entries`` linearly; configuration tables are small and keeping one array makes
/// the order and the positions impossible to get out of step. Keys compare with `String` equality,
/// so canonically equivalent spellings (`"é"` and `"e\u{301}"`) are the same key.
///
/// ```swift
/// let table = try TOMLParser.parse("[workspace]\nmax_concurrent = 4\n")
/// let workspace = table["workspace"]?.table
/// workspace?["max_concurrent"]?.int           // 4
/// workspace?.entry("max_concurrent")?.keyLocation // 2:1
/// ```
public struct TOMLTable: Sendable, Hashable {
    /// One key of a table, with where the key was written and its value.
    public struct Entry: Sendable, Hashable {
        /// The key, unquoted and unescaped. For a dotted key this is a single segment.
        public var key: String
        /// Where the key segment naming this entry was written. For a table made implicitly by a
        /// header or a dotted key it is the segment that first made it; when a `[header]` later
        /// defines it, the segment in that header.
        public var keyLocation: SourcePosition
        /// The value and where it starts.
        public var node: TOMLNode

        /// Creates an entry.
        public init(key: String, keyLocation: SourcePosition, node: TOMLNode) {
            self.key = key
            self.keyLocation = keyLocation
            self.node = node
        }
    }

    /// The entries, in the order their keys first appeared.
    public var entries: [Entry]
    /// Where the table was opened: the `[` of its header (or `[[` for an array-of-tables element),
    /// the `{` of an inline table, or the key segment that created it implicitly. The root table
    /// is at 1:1.
    public var location: SourcePosition

    /// Creates a table from entries and where it was opened.
    public init(entries: [Entry] = [], location: SourcePosition = .start) {
        self.entries = entries
        self.location = location
    }

    /// The node stored under `key`, or `nil`.
    public subscript(key: String) -> TOMLNode? {
        entry(key)?.node
    }

    /// The entry for `key`, or `nil`.
    public func entry(_ key: String) -> Entry? {
        entries.first { $0.key == key }
    }

    /// The keys, in the order they first appeared.
    public var keys: [String] {
        entries.map(\.key)
    }

    /// Whether the table has no entries.
    public var isEmpty: Bool {
        entries.isEmpty
    }

    /// The node at a path of keys through nested tables, such as `["jobs", "retry"]`; `nil` if any
    /// step is missing or is not a table.
    public subscript(path path: [String]) -> TOMLNode? {
        guard let first = path.first else { return nil }
        var node = self[first]
        for key in path.dropFirst() {
            node = node?.table?[key]
        }
        return node
    }
}
