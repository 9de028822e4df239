import NightshiftCore
import Testing

/// A position in a TOML document, 1-based.
func tomlAt(_ line: Int, _ column: Int) -> SourcePosition {
    SourcePosition(line: line, column: column)
}

/// The error parsing `text` throws, or `nil` if it parses.
func tomlParseError(_ text: String) -> TOMLParseError? {
    do {
        _ = try TOMLParser.parse(text)
        return nil
    } catch {
        return error
    }
}

extension TOMLTable {
    /// The node at a dotted path of plain keys, such as `"jobs.retry"`; test shorthand only.
    subscript(dotted path: String) -> TOMLNode? {
        self[path: path.split(separator: ".").map(String.init)]
    }
}
