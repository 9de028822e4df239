/// A syntax or structure error found while parsing a TOML document.
///
/// `description` is `LINE:COLUMN: message`, so a caller only has to prefix the file name:
///
/// ```swift
/// do {
///     _ = try TOMLParser.parse(text)
/// } catch {
///     print("nightshift.toml:\(error)") // nightshift.toml:4:7: duplicate key 'name' ...
/// }
/// ```
public struct TOMLParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem, for callers that react differently to different errors.
    public var code: Code
    /// Where the problem is.
    public var location: SourcePosition
    /// What is wrong and, where it helps, what to do about it. Never prefixed with the location.
    public var message: String

    /// Creates an error of the given kind at a location.
    public init(_ code: Code, at location: SourcePosition, _ message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    /// `LINE:COLUMN: message`.
    public var description: String { "\(location): \(message)" }
}

extension TOMLParseError {
    /// The kind of a ``TOMLParseError``. New kinds may be added; switch with a `default`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unexpectedCharacter = "unexpected character"
            case unexpectedEndOfInput = "unexpected end of input"
            case controlCharacter = "control character"
            case invalidKey = "invalid key"
            case missingEquals = "missing equals sign"
            case invalidValue = "invalid value"
            case unterminatedString = "unterminated string"
            case invalidEscape = "invalid escape"
            case invalidNumber = "invalid number"
            case invalidDateTime = "invalid date-time"
            case duplicateKey = "duplicate key"
            case tableRedefinition = "table redefinition"
            case inlineTableExtension = "inline table extension"
            case keyTypeConflict = "key type conflict"
            case newlineInInlineTable = "newline in inline table"
            case nestingTooDeep = "nesting too deep"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A character that cannot appear where it was found, such as text after a value.
        public static var unexpectedCharacter: Code { Code(.unexpectedCharacter) }
        /// The document ended inside a construct, such as an unclosed array.
        public static var unexpectedEndOfInput: Code { Code(.unexpectedEndOfInput) }
        /// A control character (U+0000–U+001F except tab, or U+007F) outside an escape.
        public static var controlCharacter: Code { Code(.controlCharacter) }
        /// A key is empty, missing or contains characters that need quoting.
        public static var invalidKey: Code { Code(.invalidKey) }
        /// A key is not followed by `=`.
        public static var missingEquals: Code { Code(.missingEquals) }
        /// A value is missing or is not any TOML value, such as an unquoted word.
        public static var invalidValue: Code { Code(.invalidValue) }
        /// A string has no closing quote on its line (or, for multi-line strings, at all).
        public static var unterminatedString: Code { Code(.unterminatedString) }
        /// A backslash escape that TOML 1.0 does not define, or a `\u` escape that is not a scalar.
        public static var invalidEscape: Code { Code(.invalidEscape) }
        /// A malformed or out-of-range integer or float.
        public static var invalidNumber: Code { Code(.invalidNumber) }
        /// A malformed or impossible date or time.
        public static var invalidDateTime: Code { Code(.invalidDateTime) }
        /// A key written twice in the same table.
        public static var duplicateKey: Code { Code(.duplicateKey) }
        /// A table defined twice, by two headers or by a header and dotted keys.
        public static var tableRedefinition: Code { Code(.tableRedefinition) }
        /// An inline table extended after its closing brace; inline tables are complete as written.
        public static var inlineTableExtension: Code { Code(.inlineTableExtension) }
        /// A key used as a table that already holds a different kind of value, or the reverse.
        public static var keyTypeConflict: Code { Code(.keyTypeConflict) }
        /// A line break between the braces of an inline table, outside any value.
        public static var newlineInInlineTable: Code { Code(.newlineInInlineTable) }
        /// Arrays and inline tables nested deeper than the parser allows.
        public static var nestingTooDeep: Code { Code(.nestingTooDeep) }

        /// A short human-readable name, such as `duplicate key`.
        public var description: String { base.rawValue }
    }
}
