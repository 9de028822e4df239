import NightshiftCore
import Testing

/// Durations such as `30s`, `1h30m` and `500ms`.
@Suite("Duration parser")
struct DurationParserTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("2h", .seconds(7200)), ("1d", .seconds(86_400)),
        ("1h30m", .seconds(5400)), ("500ms", .milliseconds(500)), ("1m30s", .seconds(90)),
        ("1d2h3m4s5ms", .milliseconds(93_784_005)), ("0s", .zero), (" 45s ", .seconds(45)), ("90m", .seconds(5400)),
        ("1s500ms", .milliseconds(1500)), ("007s", .seconds(7)),
    ])
    func parsesDurations(_ text: String, _ expected: Duration) throws {
        #expect(try DurationParser.parse(text) == expected)
    }

    @Test(arguments: [
        "", "  ", "-5m", "5", "5x", "1.5h", "30m1h", "1h1h", "h", "5 m", "1H", "+5s", "1w",
        "99999999999999999999d", "9223372036854775807d", "5m-",
    ])
    func rejectsBadDurations(_ text: String) throws {
        let error = try #require(throws: ScheduleError.self) { try DurationParser.parse(text) }
        #expect(error.field == "duration")
        #expect(error.token == text)
        #expect(error.code == .invalidDuration)
        #expect(error.message.hasPrefix("duration: \"\(text)\""))
    }

    @Test func errorsSayWhatIsWrong() throws {
        let unknown = try #require(throws: ScheduleError.self) { try DurationParser.parse("5x") }
        #expect(unknown.message == #"duration: "5x" has unknown unit "x"; use d, h, m, s or ms"#)
        let negative = try #require(throws: ScheduleError.self) { try DurationParser.parse("-5m") }
        #expect(negative.description == #"bad duration field: "-5m" is negative; a duration must be zero or more"#)
    }

    @Test(arguments: [(Int64(0), "0s"), (1, "1s"), (59, "59s"), (60, "1m"), (5400, "1h30m"), (86_401, "1d1s"), (90_061, "1d1h1m1s")])
    func formatsSeconds(_ seconds: Int64, _ expected: String) throws {
        #expect(DurationParser.format(seconds: seconds) == expected)
        #expect(try DurationParser.parse(expected) == .seconds(seconds))
    }
}
