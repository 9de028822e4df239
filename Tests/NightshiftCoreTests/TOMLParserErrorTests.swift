import NightshiftCore
import Testing

/// One document that must fail, and where and how.
struct TOMLErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var code: TOMLParseError.Code
    var line: Int
    var column: Int
    /// The exact message, when the case pins it down.
    var message: String?

    init(_ name: String, _ text: String, _ code: TOMLParseError.Code, _ line: Int, _ column: Int, _ message: String? = nil) {
        self.name = name
        self.text = text
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    var testDescription: String { name }
}

@Suite("TOML parser: errors and their positions")
struct TOMLParserErrorTests {
    static let structureCases: [TOMLErrorCase] = [
        .init("duplicate key", "a = 1\na = 2\n", .duplicateKey, 2, 1,
              "duplicate key 'a'; it was already defined at 1:1 as an integer"),
        .init("duplicate key under a header", "[t]\nx = 1\n\nx = 2", .duplicateKey, 4, 1,
              "duplicate key 't.x'; it was already defined at 2:1 as an integer"),
        .init("duplicate key in an inline table", "t = { a = 1, a = 2 }", .duplicateKey, 1, 14),
        .init("duplicate dotted key", "a.b = 1\na.b = 2", .duplicateKey, 2, 3),
        .init("duplicate quoted and bare key", "spelling = 1\n\"spelling\" = 2", .duplicateKey, 2, 1),
        .init("redefining a table", "[a]\nb = 1\n[a]\nc = 2", .tableRedefinition, 3, 1,
              "table [a] is already defined at 1:1; each table can have only one header"),
        .init("redefining a table made explicit", "[a.b]\n[a]\n[a]", .tableRedefinition, 3, 1),
        .init("header after dotted keys", "[fruit]\napple.color = \"red\"\n[fruit.apple]", .tableRedefinition, 3, 1,
              "table 'fruit.apple' was already defined by dotted keys at 2:1; a [fruit.apple] header cannot define it again"),
        .init("dotted keys after header", "[a.b]\nx = 1\n[a]\nb.y = 2", .tableRedefinition, 4, 1,
              "table [a.b] is defined by a header at 1:1; add keys under that header instead of with dotted keys"),
        .init("value then table of the same name", "[a]\nb = 1\n[a.b]", .keyTypeConflict, 3, 1,
              "'a.b' already holds an integer (defined at 2:1), so it cannot also be a table"),
        .init("scalar extended by dotted key", "a = 1\na.b = 2", .keyTypeConflict, 2, 1),
        .init("scalar on a header's path", "a = 1\n[a.b]", .keyTypeConflict, 2, 2),
        .init("extending an inline table with a header", "a = { b = 1 }\n[a]", .inlineTableExtension, 2, 1),
        .init("extending an inline table with a sub-table", "a = { b = 1 }\n[a.c]", .inlineTableExtension, 2, 2),
        .init("extending an inline table with a dotted key", "a = { b = 1 }\na.c = 2", .inlineTableExtension, 2, 1,
              "'a' is an inline table (defined at 1:1) and cannot be extended; "
                  + "write all its keys inside its braces, or make it a [a] table"),
        .init("extending an inline table inside braces", "t = { a = { b = 1 }, a.c = 2 }", .inlineTableExtension, 1, 22),
        .init("array of tables after a table", "[a]\n[[a]]", .keyTypeConflict, 2, 1),
        .init("table after an array of tables", "[[a]]\n[a]", .keyTypeConflict, 2, 1),
        .init("array of tables after an array value", "a = []\n[[a]]", .keyTypeConflict, 2, 1,
              "'a' is an array value (defined at 1:1); an array written with [ ] cannot be extended by [[a]]"),
        .init("dotted key into an array of tables", "[[a.b]]\n[a]\nb.y = 2", .keyTypeConflict, 3, 1),
        .init("CRLF lines", "a = 1\r\nb = 2\r\nb = 3", .duplicateKey, 3, 1),
    ]

    static let stringCases: [TOMLErrorCase] = [
        .init("unterminated basic string", "a = \"abc\nb = 1", .unterminatedString, 1, 5,
              "unterminated string: no closing \" on the same line"),
        .init("unterminated literal string", "x = 1\na = 'abc", .unterminatedString, 2, 5),
        .init("unterminated multi-line basic string", "a = 1\nb = \"\"\"\nabc\n", .unterminatedString, 2, 5,
              "unterminated string: no closing \"\"\" before the end of the file"),
        .init("unterminated multi-line literal string", "b = '''abc''", .unterminatedString, 1, 5),
        .init("unterminated quoted key", "\"abc = 1", .unterminatedString, 1, 1),
        .init("unknown escape", "a = \"x\\qy\"", .invalidEscape, 1, 7),
        .init("TOML 1.1 escape", "a = \"\\e\"", .invalidEscape, 1, 6),
        .init("short unicode escape", "a = \"\\u12\"", .invalidEscape, 1, 6,
              "\\u must be followed by exactly 4 hexadecimal digits"),
        .init("surrogate escape", "a = \"\\uD800\"", .invalidEscape, 1, 6),
        .init("escape past U+10FFFF", "a = \"\\U00110000\"", .invalidEscape, 1, 6),
        .init("backslash before a space in a multi-line string", "a = \"\"\"x\\ y\"\"\"", .invalidEscape, 1, 9),
        .init("backslash at the end of a single-line string", "a = \"x\\\n\"", .invalidEscape, 1, 7),
        .init("control character in a string", "a = \"x\u{7}y\"", .controlCharacter, 1, 7,
              "control character U+0007 is not allowed in a string; write it as \\u0007 in a basic string"),
        .init("control character in a literal string", "a = 'x\u{1F}'", .controlCharacter, 1, 7),
        .init("delete in a multi-line string", "a = \"\"\"\n\u{7F}\"\"\"", .controlCharacter, 2, 1),
    ]

    static let numberAndDateCases: [TOMLErrorCase] = [
        .init("leading zero", "a = 012", .invalidNumber, 1, 5,
              "invalid number '012': leading zeros are not allowed (write 0o… for an octal integer)"),
        .init("double underscore", "a = 1__0", .invalidNumber, 1, 5,
              "invalid number '1__0': each underscore must be between two digits"),
        .init("trailing underscore", "a = 1_", .invalidNumber, 1, 5),
        .init("trailing decimal point", "a = 1.", .invalidNumber, 1, 5),
        .init("leading decimal point", "a = .5", .invalidNumber, 1, 5),
        .init("empty exponent", "a = 1e", .invalidNumber, 1, 5),
        .init("signed hexadecimal", "a = +0x10", .invalidNumber, 1, 5),
        .init("integer overflow", "a = 9223372036854775808", .invalidNumber, 1, 5),
        .init("hexadecimal overflow", "a = 0x8000000000000000", .invalidNumber, 1, 5),
        .init("bad binary digit", "a = 0b102", .invalidNumber, 1, 5),
        .init("float with leading zero", "a = -01.5", .invalidNumber, 1, 5),
        .init("number under a header", "[t]\nport = 08080", .invalidNumber, 2, 8),
        .init("February 29 in a common year", "a = 2023-02-29", .invalidDateTime, 1, 5),
        .init("hour 25", "a = 1979-05-27T25:00:00", .invalidDateTime, 1, 5),
        .init("time without seconds", "a = 07:32", .invalidDateTime, 1, 5),
        .init("offset out of range", "a = 1979-05-27T07:32:00+25:00", .invalidDateTime, 1, 5),
        .init("month 13", "x = [\n  1979-13-01,\n]", .invalidDateTime, 2, 3),
    ]

    static let syntaxCases: [TOMLErrorCase] = [
        .init("missing equals before a value", "name \"x\"", .missingEquals, 1, 6,
              "expected '=' after the key 'name', found '\"'"),
        .init("key alone on its line", "name\n", .missingEquals, 1, 5,
              "expected '=' after the key 'name', found the end of the line"),
        .init("dotted key without equals", "a.b 1", .missingEquals, 1, 5),
        .init("second pair on the same line", "a = 1 b = 2", .unexpectedCharacter, 1, 7,
              "unexpected 'b' after the value; put each key = value pair on its own line and start comments with '#'"),
        .init("text after a string", "a = \"x\" y", .unexpectedCharacter, 1, 9),
        .init("text after a header", "[a] b = 1", .unexpectedCharacter, 1, 5),
        .init("bracket after an array", "a = [1, 2] ]", .unexpectedCharacter, 1, 12),
        .init("control character in a comment", "# bell \u{7}", .controlCharacter, 1, 8),
        .init("bare carriage return", "a = 1\rb = 2", .controlCharacter, 1, 6),
        .init("null after a value", "a = 1\u{0}", .controlCharacter, 1, 6),
        .init("newline in an inline table", "a = { b = 1,\n c = 2 }", .newlineInInlineTable, 1, 13),
        .init("newline right after the brace", "a = {\n}", .newlineInInlineTable, 1, 6),
        .init("trailing comma in an inline table", "a = { b = 1, }", .unexpectedCharacter, 1, 12),
        .init("missing value", "a =\n", .invalidValue, 1, 4, "expected a value, found the end of the line"),
        .init("missing value at the end of the file", "a = ", .invalidValue, 1, 5, "expected a value, found the end of the file"),
        .init("unquoted string", "a = hello", .invalidValue, 1, 5,
              "'hello' is not a TOML value; strings must be quoted, as in \"hello\""),
        .init("double comma in an array", "a = [1,,2]", .invalidValue, 1, 8),
        .init("comment instead of a value", "a = # nothing", .invalidValue, 1, 5),
        .init("missing key", "= 1", .invalidKey, 1, 1),
        .init("non-ASCII bare key", "ké = 1", .invalidKey, 1, 2),
        .init("multi-line string as a key", "\"\"\"k\"\"\" = 1", .invalidKey, 1, 1),
        .init("empty header", "[]", .invalidKey, 1, 2),
        .init("dotted key ending in a dot", "a. = 1", .invalidKey, 1, 4),
        .init("unclosed header", "[a\nb = 1", .unexpectedCharacter, 1, 3,
              "expected ']' to close the table header, found the end of the line"),
        .init("unclosed array-of-tables header", "[[a]", .unexpectedCharacter, 1, 4),
        .init("unterminated array", "a = [1, 2", .unexpectedEndOfInput, 1, 5),
        .init("missing comma in an array", "a = [1 2]", .unexpectedCharacter, 1, 8,
              "expected ',' or ']' after an array element, found '2'"),
        .init("array missing its closing bracket", "cmd = [\"a\",\n  \"b\"\nenv = []", .unexpectedCharacter, 3, 1,
              "expected ',' or ']' after an array element, found 'e' (is the ']' missing for the array opened at 1:7?)"),
        .init("array missing its closing bracket after a comma", "cmd = [\"a\",\nenv = []", .invalidValue, 2, 1,
              "'env' is not a TOML value; strings must be quoted, as in \"env\" (is the ']' missing for the array opened at 1:7?)"),
        .init("unterminated inline table", "a = { b = 1", .unexpectedEndOfInput, 1, 5),
        .init("arrays nested too deep", "a = " + String(repeating: "[", count: 101), .nestingTooDeep, 1, 105),
    ]

    @Test(arguments: structureCases + stringCases + numberAndDateCases + syntaxCases)
    func reportsTheErrorWhereItHappens(_ errorCase: TOMLErrorCase) throws {
        let error = try #require(tomlParseError(errorCase.text))
        #expect(error.code == errorCase.code)
        #expect(error.location == tomlAt(errorCase.line, errorCase.column))
        if let message = errorCase.message {
            #expect(error.message == message)
        }
        #expect(error.description == "\(errorCase.line):\(errorCase.column): \(error.message)")
    }

    @Test func codesHaveReadableNames() {
        #expect(TOMLParseError.Code.duplicateKey.description == "duplicate key")
        #expect(TOMLParseError.Code.newlineInInlineTable != .duplicateKey)
    }

    @Test func nestingUpToTheLimitIsAllowed() throws {
        let text = "a = " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        var node = try #require(try TOMLParser.parse(text)["a"])
        var depth = 0
        while let inner = node.array?.first {
            node = inner
            depth += 1
        }
        #expect(depth == 99)
    }
}
