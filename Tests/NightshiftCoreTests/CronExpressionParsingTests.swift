import Foundation
import NightshiftCore
import Testing

/// Parsing: what is accepted, and for what is not, which field and exact token the error names.
@Suite("Cron expression parsing")
struct CronExpressionParsingTests {
    struct BadCase: Sendable, CustomTestStringConvertible {
        var text: String
        var field: String
        var token: String
        var code: ScheduleError.Code
        var testDescription: String { "\"\(text)\"" }
    }

    static let badCases: [BadCase] = [
        BadCase(text: "", field: "expression", token: "", code: .empty),
        BadCase(text: "   ", field: "expression", token: "   ", code: .empty),
        BadCase(text: "* * * *", field: "expression", token: "* * * *", code: .wrongFieldCount),
        BadCase(text: "* * * * * * *", field: "expression", token: "* * * * * * *", code: .wrongFieldCount),
        BadCase(text: "@reboot", field: "expression", token: "@reboot", code: .unsupportedMacro),
        BadCase(text: "@fortnightly", field: "expression", token: "@fortnightly", code: .unsupportedMacro),
        BadCase(text: "60 * * * *", field: "minute", token: "60", code: .outOfRange),
        BadCase(text: "0,15,60 * * * *", field: "minute", token: "60", code: .outOfRange),
        BadCase(text: "10-70 * * * *", field: "minute", token: "10-70", code: .outOfRange),
        BadCase(text: "99999999999999999999 * * * *", field: "minute", token: "99999999999999999999", code: .outOfRange),
        BadCase(text: "* 24 * * *", field: "hour", token: "24", code: .outOfRange),
        BadCase(text: "* * 0 * *", field: "day of month", token: "0", code: .outOfRange),
        BadCase(text: "* * 32 * *", field: "day of month", token: "32", code: .outOfRange),
        BadCase(text: "* * * 13 *", field: "month", token: "13", code: .outOfRange),
        BadCase(text: "* * * 0 *", field: "month", token: "0", code: .outOfRange),
        BadCase(text: "* * * * 8", field: "day of week", token: "8", code: .outOfRange),
        BadCase(text: "60 * * * * *", field: "second", token: "60", code: .outOfRange),
        BadCase(text: "*/0 * * * *", field: "minute", token: "*/0", code: .invalidStep),
        BadCase(text: "* */0 * * *", field: "hour", token: "*/0", code: .invalidStep),
        BadCase(text: "*/x * * * *", field: "minute", token: "*/x", code: .invalidStep),
        BadCase(text: "*/ * * * *", field: "minute", token: "*/", code: .invalidStep),
        BadCase(text: "5-1 * * * *", field: "minute", token: "5-1", code: .reversedRange),
        BadCase(text: "* * * DEC-JAN *", field: "month", token: "DEC-JAN", code: .reversedRange),
        BadCase(text: "FOO * * * *", field: "minute", token: "FOO", code: .invalidToken),
        BadCase(text: "* * * FOO *", field: "month", token: "FOO", code: .invalidToken),
        BadCase(text: "* * * * FOO", field: "day of week", token: "FOO", code: .invalidToken),
        BadCase(text: "* * * MON *", field: "month", token: "MON", code: .invalidToken),
        BadCase(text: "* * * * JAN", field: "day of week", token: "JAN", code: .invalidToken),
        BadCase(text: "? * * * *", field: "minute", token: "?", code: .invalidToken),
        BadCase(text: "1,2,x * * * *", field: "minute", token: "x", code: .invalidToken),
        BadCase(text: "1-2-3 * * * *", field: "minute", token: "1-2-3", code: .invalidToken),
        BadCase(text: "-1 * * * *", field: "minute", token: "-1", code: .invalidToken),
        BadCase(text: "1/2/3 * * * *", field: "minute", token: "1/2/3", code: .invalidToken),
        BadCase(text: "1,,2 * * * *", field: "minute", token: "1,,2", code: .invalidToken),
        BadCase(text: "L * * * *", field: "minute", token: "L", code: .invalidToken),
        BadCase(text: "* * L * *", field: "day of month", token: "L", code: .invalidToken),
    ]

    @Test(arguments: badCases)
    func rejectsBadTokens(_ bad: BadCase) {
        #expect {
            _ = try CronExpression(parsing: bad.text)
        } throws: { error in
            guard let error = error as? ScheduleError else { return false }
            #expect(error.field == bad.field)
            #expect(error.token == bad.token)
            #expect(error.code == bad.code)
            #expect(error.message.hasPrefix("\(bad.field): "))
            return true
        }
    }

    @Test func messageAndDescriptionReadAsSentences() throws {
        let error = try #require(throws: ScheduleError.self) { try CronExpression(parsing: "61 * * * *") }
        #expect(error.message == #"minute: "61" is out of range 0-59"#)
        #expect(error.description == #"bad minute field: "61" is out of range 0-59"#)

        let reversed = try #require(throws: ScheduleError.self) { try CronExpression(parsing: "0 0 * * 5-1") }
        #expect(reversed.description == #"bad day of week field: "5-1" is a reversed range; write the smaller value first"#)

        let count = try #require(throws: ScheduleError.self) { try CronExpression(parsing: "* * * *") }
        #expect(count.message.contains("has 4 fields"))
        #expect(count.description.hasPrefix("bad expression field: "))
    }

    @Test(arguments: [
        "* * * * *", "0 0 * * *", "*/5 * * * *", "0 9 * * MON-FRI", "0 0 1 JAN,JUL ?", "0 0 ? * 7",
        "0 0 * * sun", "15 10 * * Fri", "0 0 1-31/2 * *", "0 */90 * * *", "0 0 * * 1/2", "0 0 * * 7/2",
        "00 09 * * *", "0 0 * jan-dec *", "*/10 * * * * *", "0 0 12 ? * *", "@YEARLY", "  @daily  ",
        "0\t9\t*\t*\t*",
    ])
    func acceptsValidExpressions(_ text: String) {
        #expect(throws: Never.self) { try CronExpression(parsing: text) }
    }

    /// A step as large as Int.max used to overflow while the field's values were listed.
    @Test(arguments: ["1-2/9223372036854775807 * * * *", "*/9223372036854775807 * * * *", "0 5/9223372036854775807 * * *", "0 0 * * 6/9223372036854775807"])
    func hugeStepsDoNotOverflow(_ text: String) throws {
        let cron = try CronExpression(parsing: text)
        let after = try #require(ISO8601.parse("2026-01-01T00:00:00Z"))
        #expect(cron.nextFire(after: after, in: .gmt) != nil)
    }

    @Test func equivalentSpellingsFireAlike() throws {
        let after = try #require(ISO8601.parse("2026-01-01T00:00:00Z"))
        let groups = [
            ["0 0 * * 0", "0 0 * * 7", "0 0 * * SUN", "0 0 * * sun", "@weekly", "0 0 0 * * 0"],
            ["0 0 1 1 *", "0 0 1 JAN *", "@yearly", "@annually", "0 0 1 1 ?"],
            ["*/15 * * * *", "0,15,30,45 * * * *", "0-59/15 * * * *", "0/15 * * * *"],
            ["0 0 * * 1-5", "0 0 * * MON-FRI", "0 0 ? * mon-fri"],
            ["0 0 * * FRI-SUN", "0 0 * * 5-7", "0 0 * * 0,5,6"],
        ]
        for group in groups {
            let reference = try CronExpression(parsing: group[0])
            for text in group.dropFirst() {
                let cron = try CronExpression(parsing: text)
                var a = after
                var b = after
                for _ in 0..<20 {
                    let nextA = try #require(reference.nextFire(after: a, in: .gmt))
                    let nextB = try #require(cron.nextFire(after: b, in: .gmt))
                    #expect(nextA == nextB, "\(text) vs \(group[0])")
                    (a, b) = (nextA, nextB)
                }
            }
        }
    }
}
