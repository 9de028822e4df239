import NightshiftCore
import Testing

// Swift Testing and NightshiftCore both export a `SourceLocation`, which makes the bare name
// ambiguous in every test file that imports both (as `sourceLocation: SourceLocation =
// #_sourceLocation` parameters do). A declaration in this module wins over imported ones, so the
// bare name means Testing's here; NightshiftCore's is spelled in full, or built with `tomlAt(_:_:)`.
typealias SourceLocation = Testing.SourceLocation

/// A NightshiftCore source location, 1-based.
func tomlAt(_ line: Int, _ column: Int) -> NightshiftCore.SourceLocation {
    NightshiftCore.SourceLocation(line: line, column: column)
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
