import Foundation
import NightshiftCore
import Testing

/// One row of a cron table: an expression evaluated in a zone from an instant, and the fire
/// instants expected one after another. Instants are ISO 8601 with offsets, so DST rows can be
/// written in local time and checked by eye.
struct CronCase: Sendable, CustomTestStringConvertible {
    var expression: String
    var zone: String
    var after: String
    var expected: [String]

    init(_ expression: String, _ zone: String, after: String, _ expected: [String]) {
        self.expression = expression
        self.zone = zone
        self.after = after
        self.expected = expected
    }

    var testDescription: String { "\(expression) in \(zone) after \(after)" }

    /// Checks that the expression's fires after `after` are exactly `expected`, in order.
    func check(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let cron = try CronExpression(parsing: expression)
        let timeZone = try TimeZones.named(zone)
        var cursor = try #require(ISO8601.parse(after), "bad after instant \(after)")
        for want in expected {
            let wantDate = try #require(ISO8601.parse(want), "bad expected instant \(want)")
            let got = try #require(
                cron.nextFire(after: cursor, in: timeZone),
                "no fire after \(ISO8601.format(cursor, in: timeZone)); expected \(want)",
                sourceLocation: sourceLocation)
            #expect(
                got == wantDate,
                "after \(ISO8601.format(cursor, in: timeZone)): got \(ISO8601.format(got, in: timeZone)), expected \(want)",
                sourceLocation: sourceLocation)
            guard got == wantDate else { return }
            cursor = got
        }
    }
}
