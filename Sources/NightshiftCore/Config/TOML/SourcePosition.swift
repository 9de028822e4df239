/// A position in a source text: 1-based line and 1-based column.
///
/// Columns count Unicode scalars, not bytes and not grapheme clusters, so `é` written as
/// `e` + U+0301 takes two columns and a tab takes one. Lines are separated by LF; a CRLF pair
/// ends a line like a lone LF.
///
/// ```swift
/// let location = SourcePosition(line: 3, column: 14)
/// print("nightshift.toml:\(location): unknown key") // nightshift.toml:3:14: unknown key
/// ```
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column, counted in Unicode scalars from the start of the line.
    public var column: Int

    /// Creates a location from a 1-based line and column.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The start of a document: line 1, column 1.
    public static var start: SourcePosition { SourcePosition(line: 1, column: 1) }

    /// `LINE:COLUMN`, ready to be prefixed with a file name.
    public var description: String { "\(line):\(column)" }

    /// Orders locations by line, then column.
    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}
