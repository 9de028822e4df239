import Foundation
import NightshiftCore
import Testing

@Suite("TOML parser: values")
struct TOMLParserValueTests {
    /// Parses `value = <text>` and returns the value's node.
    private func value(_ text: String) throws -> TOMLNode {
        try #require(try TOMLParser.parse("value = \(text)")["value"])
    }

    // MARK: Strings

    @Test func basicStringResolvesEveryEscape() throws {
        let node = try value(#""tab\there \"q\" back\\slash \u00E9 \U0001F600 \b\f\r\n""#)
        #expect(node.string == "tab\there \"q\" back\\slash \u{E9} \u{1F600} \u{08}\u{0C}\r\n")
        #expect(node.location == tomlAt(1, 9))
    }

    @Test func literalStringKeepsBackslashes() throws {
        #expect(try value(#"'C:\Users\nodejs\templates'"#).string == #"C:\Users\nodejs\templates"#)
        #expect(try value(#"'<\i\c*\s*>'"#).string == #"<\i\c*\s*>"#)
        #expect(try value("''").string == "")
        #expect(try value("\"\"").string == "")
    }

    @Test func multiLineBasicStringTrimsFirstNewlineAndJoinsBackslashLines() throws {
        #expect(try value("\"\"\"\nRoses are red\nViolets are blue\"\"\"").string == "Roses are red\nViolets are blue")
        let joined = "\"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\\t \n    the lazy dog.\\\n    \"\"\""
        #expect(try value(joined).string == "The quick brown fox jumps over the lazy dog.")
        #expect(try value("\"\"\"one \\\"two\\\" \\u0041\"\"\"").string == "one \"two\" A")
    }

    @Test func multiLineStringsAllowUpToTwoQuotesBeforeTheClosingOnes() throws {
        #expect(try value("\"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"").string
            == "Here are two quotation marks: \"\". Simple enough.")
        #expect(try value("\"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"").string
            == "\"This,\" she said, \"is just a pointless statement.\"")
        #expect(try value("\"\"\"two at the end\"\"\"\"\"").string == "two at the end\"\"")
        #expect(try value("'''''one quote''''").string == "''one quote'")
        #expect(try value("'''That,' she said, 'is still pointless.'''''").string
            == "That,' she said, 'is still pointless.''")
    }

    @Test func multiLineLiteralStringIsTakenAsWritten() throws {
        let text = "'''\nThe first newline is\ntrimmed in raw strings.\n   All other \\n whitespace\n   is preserved.\n'''"
        #expect(try value(text).string
            == "The first newline is\ntrimmed in raw strings.\n   All other \\n whitespace\n   is preserved.\n")
        #expect(try value("'''\r\na\r\nb'''").string == "a\nb")
    }

    @Test func multiLineStringValuesStartAtTheirOpeningQuotes() throws {
        let root = try TOMLParser.parse("a = \"\"\"\none\ntwo\"\"\"\nb = '''x\ny'''\nc = 1")
        #expect(root["a"]?.location == tomlAt(1, 5))
        #expect(root["b"]?.location == tomlAt(4, 5))
        #expect(root.entry("c")?.keyLocation == tomlAt(6, 1))
    }

    // MARK: Numbers and booleans

    @Test(arguments: [
        ("+99", 99), ("42", 42), ("0", 0), ("-17", -17), ("-0", 0), ("+0", 0),
        ("1_000", 1000), ("5_349_221", 5_349_221), ("1_2_3_4_5", 12345),
        ("0xDEADBEEF", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF), ("0x00ff", 255),
        ("0o01234567", 0o1234567), ("0o755", 0o755), ("0b11010110", 0b1101_0110), ("0b1_0", 2),
        ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
        ("0x7FFFFFFFFFFFFFFF", Int64.max),
    ] as [(String, Int64)])
    func integers(text: String, expected: Int64) throws {
        let node = try value(text)
        #expect(node.int64 == expected)
        #expect(node.typeName == "integer")
        #expect(node.location == tomlAt(1, 9))
    }

    @Test(arguments: [
        ("+1.0", 1.0), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6), ("-2E-2", -0.02),
        ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224_617.445_991_228), ("1e1_0", 1e10), ("0.0", 0),
        ("-0.0", -0.0), ("inf", .infinity), ("+inf", .infinity), ("-inf", -.infinity), ("0e0", 0), ("1E+2", 100),
    ] as [(String, Double)])
    func floats(text: String, expected: Double) throws {
        let node = try value(text)
        #expect(node.double == expected)
        #expect(node.typeName == "float")
    }

    @Test func notANumberInAllSpellings() throws {
        for text in ["nan", "+nan", "-nan"] {
            #expect(try value(text).double?.isNaN == true)
        }
        #expect(try value("-0.0").double?.sign == .minus)
    }

    @Test func booleans() throws {
        #expect(try value("true").bool == true)
        #expect(try value("false").bool == false)
        #expect(try value("true # comment").bool == true)
    }

    // MARK: Dates and times

    @Test func offsetDateTimesAreInstants() throws {
        let expected = Date(timeIntervalSince1970: 296_638_320)
        #expect(try value("1979-05-27T07:32:00Z").date == expected)
        #expect(try value("1979-05-27T00:32:00-07:00").date == expected)
        #expect(try value("1979-05-27 07:32:00Z").date == expected)
        #expect(try value("1979-05-27t07:32:00z").date == expected)
        #expect(try value("1979-05-27T13:02:00+05:30").date == expected)
        let fractional = try #require(try value("1979-05-27T00:32:00.999999-07:00").date)
        #expect(abs(fractional.timeIntervalSince1970 - 296_638_320.999_999) < 1e-6)
        #expect(try value("0001-01-01T00:00:00Z").date == Date(timeIntervalSince1970: -62_135_596_800))
        #expect(try value("2000-02-29T00:00:00Z").date == Date(timeIntervalSince1970: 951_782_400))
        #expect(try value("1979-05-27T07:32:00Z").typeName == "offset date-time")
    }

    @Test func localDateTimesKeepTheirFields() throws {
        let node = try value("1979-05-27T07:32:00")
        #expect(node.value == .localDateTime(DateComponents(year: 1979, month: 5, day: 27, hour: 7, minute: 32, second: 0)))
        #expect(try value("1979-05-27 00:32:00.999999").value == .localDateTime(DateComponents(
            year: 1979, month: 5, day: 27, hour: 0, minute: 32, second: 0, nanosecond: 999_999_000
        )))
        #expect(node.typeName == "local date-time")
        #expect(node.dateComponents?.year == 1979)
    }

    @Test func localDatesAndTimes() throws {
        #expect(try value("1979-05-27").value == .localDate(DateComponents(year: 1979, month: 5, day: 27)))
        #expect(try value("2024-02-29").value == .localDate(DateComponents(year: 2024, month: 2, day: 29)))
        #expect(try value("07:32:00").value == .localTime(DateComponents(hour: 7, minute: 32, second: 0)))
        // Precision past nanoseconds is truncated.
        #expect(try value("00:32:00.1234567899").value
            == .localTime(DateComponents(hour: 0, minute: 32, second: 0, nanosecond: 123_456_789)))
        #expect(try value("1979-05-27").typeName == "local date")
        #expect(try value("07:32:00").typeName == "local time")
    }

    @Test func aDateFollowedByACommentIsNotADateTime() throws {
        let root = try TOMLParser.parse("d = 1979-05-27 # birthday\nt = [1979-05-27 07:32:00, 1979-05-27 ]")
        #expect(root["d"]?.value == .localDate(DateComponents(year: 1979, month: 5, day: 27)))
        #expect(root["t"]?.array?.map(\.typeName) == ["local date-time", "local date"])
    }

    // MARK: Arrays and inline tables

    @Test func arraysMayMixTypesAndNest() throws {
        let node = try value(#"[ 1, "two", 3.0, [4, [5]], { six = 6 }, true, 1979-05-27 ]"#)
        let elements = try #require(node.array)
        #expect(elements.map(\.typeName) == ["integer", "string", "float", "array", "table", "boolean", "local date"])
        #expect(elements[3].array?[1].array?[0].int == 5)
        #expect(elements[4].table?["six"]?.int == 6)
        #expect(try value("[]").array?.isEmpty == true)
        #expect(try value("[ ]").array?.isEmpty == true)
    }

    @Test func arraysSpanLinesWithCommentsAndATrailingComma() throws {
        let root = try TOMLParser.parse("""
            ports = [ # opening comment
              8080,   # first
              # a whole comment line

              8081,
            ]
            after = 1
            """)
        let ports = try #require(root["ports"])
        #expect(ports.array?.compactMap(\.int) == [8080, 8081])
        #expect(ports.location == tomlAt(1, 9))
        #expect(ports.array?.map(\.location) == [tomlAt(2, 3), tomlAt(5, 3)])
        #expect(root.entry("after")?.keyLocation == tomlAt(7, 1))
    }

    @Test func inlineTablesKeepOrderPositionsAndDottedKeys() throws {
        let root = try TOMLParser.parse(#"point = { y = 2, x = 1, name.first = "Tom", "quoted key" = [] }"#)
        let point = try #require(root["point"]?.table)
        #expect(point.keys == ["y", "x", "name", "quoted key"])
        #expect(point.location == tomlAt(1, 9))
        #expect(point.entry("x")?.keyLocation == tomlAt(1, 18))
        #expect(point["x"]?.location == tomlAt(1, 22))
        #expect(point.entry("name")?.keyLocation == tomlAt(1, 25))
        #expect(point["name"]?.table?.entry("first")?.keyLocation == tomlAt(1, 30))
        #expect(point["name"]?.table?.location == tomlAt(1, 25))
        #expect(point.entry("quoted key")?.keyLocation == tomlAt(1, 45))
        #expect(try value("{}").table?.isEmpty == true)
        #expect(try value("{ a = { b = { c = 1 } } }").table?[path: ["a", "b", "c"]]?.int == 1)
    }

    @Test func inlineTablesMayHoldMultiLineValues() throws {
        let node = try value("{ list = [\n1,\n2], text = \"\"\"\nx\"\"\" }")
        #expect(node.table?["list"]?.array?.count == 2)
        #expect(node.table?["text"]?.string == "x")
    }

    // MARK: Accessors

    @Test func typedAccessorsReturnNilForOtherTypes() throws {
        let integer = try value("3")
        #expect(integer.string == nil)
        #expect(integer.double == nil)
        #expect(integer.bool == nil)
        #expect(integer.array == nil)
        #expect(integer.table == nil)
        #expect(integer.date == nil)
        #expect(integer.dateComponents == nil)
        #expect(integer.int == 3)
        #expect(try value("\"3\"").int == nil)
    }

    @Test func typeNamesReadWellInMessages() throws {
        let names = try ["\"s\"", "1", "1.5", "true", "1979-05-27T07:32:00Z", "1979-05-27T07:32:00", "1979-05-27",
                         "07:32:00", "[]", "{}"].map { try value($0).value.typeNameWithArticle }
        #expect(names == [
            "a string", "an integer", "a float", "a boolean", "an offset date-time", "a local date-time",
            "a local date", "a local time", "an array", "a table",
        ])
    }
}
