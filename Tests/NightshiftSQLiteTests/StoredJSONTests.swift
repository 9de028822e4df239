import Foundation
import NightshiftCore
@testable import NightshiftSQLite
import Testing

/// Stored JSON columns are read with StrictJSON instead of Foundation's JSONDecoder; these pin that
/// every text reads as the same value it did before (or, not being JSON, fails as it did).
@Suite("StoredJSON")
struct StoredJSONTests {
    static let texts: [String] = [
        "{}", "[]", "null", "true", "false", "0", "-0", "1", "-1", "1.0", "-0.0", "1.5", "1e2", "1E2", "1e+16", "1e-3", "0.1e1",
        "1.0000000000000001", "2.5e0", "9007199254740993", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "12345678901234567890", "1e300", "-1e300", "0.30000000000000004", "5e-324",
        #""""#, #""tab\there ✓""#, #""\u00e9\ud83d\ude00""#, #""a\/b""#, #""quote \" backslash \\""#,
        #"[1,2.5,"x",null,true,{"a":[]}]"#, #"{"priority":"high","impact":7,"effort":3}"#, #"["task_9","task_2","a/b"]"#,
        #" { "a" : 1 } "#, "\n[\t1 ]\n", #"[1e+16, 2.0, {"x": -0.0, "y": [3.0]}]"#,
        // Read by Foundation, refused by StrictJSON: read as before.
        #"{"a":1,"a":2}"#, "[1,]", #"{"a":1,}"#,
        // Not JSON.
        "", "{", "nope", "[1 2]", "1E400", "NaN", "'a'", "01", "[1]x",
    ]

    @Test(arguments: texts)
    func readsAsJSONDecoderDoes(_ text: String) {
        let before = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(StoredJSON.parse(text) == before)
    }

    /// What the store writes: the canonical encoding of a value.
    @Test func canonicalTextsReadAsBefore() {
        let numbers: [JSONValue] = [
            .integer(0), .integer(-7), .integer(.max), .integer(.min), .number(0.5), .number(-2.25), .number(1e16), .number(-9.5e15),
            .number(1e300), .number(5e-324), .number(0.1), .number(123_456.789), .number(9.0e15), .number(8.999_999_999_999_998e15),
        ]
        let values: [JSONValue] = numbers + [
            .null, .bool(true), .string("line one\nline \"two\" \\ three\u{1}"), .array(numbers),
            .object(["attributes": .object(["n": .array(numbers), "s": .string("späť ✓"), "none": .null]), "empty": .object([:])]),
        ]
        for value in values {
            let text = value.canonical
            #expect(StoredJSON.parse(text) == (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))), "\(text)")
        }
    }
}
