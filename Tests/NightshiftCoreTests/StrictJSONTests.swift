import Foundation
import NightshiftCore
import Testing

/// `StrictJSON`: JSON as RFC 8259 writes it, and nothing Foundation lets through besides
/// (issue 11, item 16).
@Suite("Strict JSON")
struct StrictJSONTests {
    @Test(arguments: [
        (#"{"a": 1, "a": 2}"#, "1:10: duplicate key \"a\""),
        (#"{"a": {"b": 1, "b": 1}}"#, "1:16: duplicate key \"b\""),
        ("{\n  \"a\": [1,\n    2],\n  \"a\": 3\n}", "4:3: duplicate key \"a\""),
        (#"[1, 2,]"#, "1:6: trailing comma before ']'"),
        (#"{"a": 1,}"#, "1:8: trailing comma before '}'"),
        (#"{"a": 1 , }"#, "1:9: trailing comma before '}'"),
        ("", "1:1: expected a value, found the end of the text"),
        ("   ", "1:4: expected a value, found the end of the text"),
        (#"{"a" 1}"#, "1:6: expected ':' after the key, found '1'"),
        (#"{a: 1}"#, "1:2: expected a key in double quotes, found 'a'"),
        (#"['a']"#, "1:2: expected a value, found '''"),
        ("+1", "1:1: a number may not start with '+'"),
        ("01", "1:1: a number may not have a leading zero"),
        ("1.", "1:1: a decimal point must be followed by a digit"),
        (".5", "1:1: expected a value, found '.'"),
        ("1e", "1:1: an exponent must have digits"),
        ("-", "1:1: '-' must be followed by a digit"),
        ("0x10", "1:2: unexpected 'x' after the JSON value"),
        ("1e400", "1:1: 1e400 is too large for a number"),
        ("NaN", "1:1: expected a value, found 'N'"),
        ("Infinity", "1:1: expected a value, found 'I'"),
        ("tru", "1:1: expected a value, found 't'"),
        ("nulll", "1:5: unexpected 'l' after the JSON value"),
        ("1 2", "1:3: unexpected '2' after the JSON value"),
        ("\"a\tb\"", "1:3: control character U+0009 inside a string; write it as an escape such as \\n or \\u0000"),
        (#""\x""#, #"1:2: unknown escape: a backslash followed by 'x'; use \" \\ \/ \b \f \n \r \t or \uXXXX"#),
        (#""\u12""#, #"1:2: a \u escape needs four hexadecimal digits"#),
        (#""\uD800""#, #"1:2: lone surrogate \uD800: a high surrogate must be followed by a low one"#),
        (#""\uDC00""#, #"1:2: lone surrogate \uDC00: a low surrogate must follow a high one"#),
        (#""abc"#, "1:1: unterminated string"),
        (#"[1, 2"#, "1:6: unterminated array: expected ',' or ']'"),
        (#"{"é": 1, "é": 2}"#, "1:10: duplicate key \"é\""),
        ("\u{FEFF}{}", "1:1: expected a value, found '\u{FEFF}'"),
        (#"{"a": 1} // comment"#, "1:10: unexpected '/' after the JSON value"),
    ])
    func refuses(_ text: String, _ expected: String) {
        do {
            let value = try StrictJSON.parse(text)
            Issue.record("accepted \(text) as \(value)")
        } catch {
            #expect(error.description == expected, "\(text)")
        }
    }

    @Test func acceptsWhatRFC8259Writes() throws {
        let text = #" { "n": -12, "f": 0.5e-3, "big": 12345678901234567890, "s": "t\u00e9\n\/\ud83d\ude00", "a": [true, false, null, {}], "o": {"x": []} } "#
        let value = try StrictJSON.parse(text)
        #expect(value == .object([
            "n": .integer(-12), "f": .number(0.0005), "big": .number(12_345_678_901_234_567_890), "s": .string("té\n/😀"),
            "a": .array([.bool(true), .bool(false), .null, .object([:])]), "o": .object(["x": .array([])]),
        ]))
        #expect(try StrictJSON.parse("9223372036854775807") == .integer(.max))
        #expect(try StrictJSON.parse("-9223372036854775808") == .integer(.min))
        #expect(try StrictJSON.parse("1.0") == .number(1))
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "[", count: StrictJSON.maximumDepth) + String(repeating: "]", count: StrictJSON.maximumDepth)
        #expect(throws: Never.self) { try StrictJSON.parse(deep) }
        let tooDeep = String(repeating: "[", count: 100_000)
        let error = try #require(throws: JSONSyntaxError.self) { try StrictJSON.parse(tooDeep) }
        #expect(error.code == .tooDeep)
        #expect(error.offset == StrictJSON.maximumDepth)
    }

    @Test func invalidUTF8IsNamedByPosition() throws {
        let data = Data(Array("{\"a\":\n \"b".utf8) + [0xC3, 0x28] + Array("\"}".utf8))
        let error = try #require(throws: JSONSyntaxError.self) { try StrictJSON.parse(data) }
        #expect(error.description == "2:4: invalid UTF-8 (byte 0xC3)")
        #expect(error.offset == 9)
    }

    /// Output of a command or step with a duplicate key has no one meaning, so it is no object.
    @Test func lastObjectIsStrict() {
        #expect(JSONValue.lastObject(in: "noise\n{\"status\": \"ok\", \"status\": \"failed\"}\n") == nil)
        #expect(JSONValue.lastObject(in: "noise\n{\"status\": \"ok\"}\n") == .object(["status": .string("ok")]))
    }

    @Test func stepOutputNamesTheProblem() {
        guard case .failure(let error) = StepOutput.parse("NIGHTSHIFT_OUTPUT {\"a\": 1, \"a\": 2}\n") else {
            Issue.record("a duplicate key was accepted")
            return
        }
        #expect(error.description.contains("duplicate key \"a\""), "\(error)")
        #expect(error.line == 1)
    }
}
