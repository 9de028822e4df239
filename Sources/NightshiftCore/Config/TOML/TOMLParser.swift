/// Parses TOML 1.0 documents into tables that remember where every key and value was written.
///
/// ```swift
/// let table = try TOMLParser.parse("""
///     [workspace]
///     max_concurrent = 4
///     """)
/// let node = table["workspace"]?.table?["max_concurrent"]
/// node?.int      // 4
/// node?.location // 2:18
/// ```
///
/// Parsing stops at the first error; the error's ``TOMLParseError/location`` points at the
/// character that made the document invalid (for an unterminated string, its opening quote).
public enum TOMLParser {
    /// Parses a whole TOML 1.0 document and returns its root table.
    ///
    /// - Throws: ``TOMLParseError`` for the first syntax error or conflicting definition.
    public static func parse(_ text: String) throws(TOMLParseError) -> TOMLTable {
        var parser = TOMLDocumentParser(text)
        return try parser.parseDocument()
    }
}
