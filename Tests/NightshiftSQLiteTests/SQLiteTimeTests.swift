import Foundation
import NightshiftCore
@testable import NightshiftSQLite
import Testing

/// Dates are stored as whole milliseconds; these pin the conversion's edges.
@Suite("SQLiteTime")
struct SQLiteTimeTests {
    static let samples: [Int64] = [
        0, 1, 999, -1, -86_400_250, 1_750_000_000_000, 1_750_000_000_123, 1_750_000_000_999,
        1_700_000_000_001, 7_258_118_400_500, 978_307_200_000, 978_307_199_999,
    ]

    @Test(arguments: samples)
    func wholeMillisecondsSurviveRepeatedRoundTrips(_ millis: Int64) {
        var stored = millis
        for _ in 0..<100 {
            stored = SQLiteTime.millis(SQLiteTime.date(stored))
        }
        #expect(stored == millis)
        // A date built from epoch seconds, as callers write them, lands on the same millisecond.
        #expect(SQLiteTime.millis(Date(timeIntervalSince1970: Double(millis) / 1000)) == millis)
    }

    @Test func subMillisecondPartsAreDroppedNotRoundedUp() {
        #expect(SQLiteTime.millis(Date(timeIntervalSince1970: 10.0007)) == 10_000)
        #expect(SQLiteTime.millis(Date(timeIntervalSince1970: 1_750_000_000.9999)) == 1_750_000_000_999)
        #expect(SQLiteTime.millis(Date(timeIntervalSince1970: -0.0004)) == -1)
    }

    @Test func aStoredInstantIsNeverLaterThanTheOriginalByMoreThanAMicrosecond() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let original = Date(timeIntervalSince1970: Double.random(in: 0..<4_000_000_000, using: &generator))
            let stored = SQLiteTime.date(SQLiteTime.millis(original))
            // A Double near 4e9 s resolves about 0.5 µs, so allow a few of those on top of the 1 µs slack.
            #expect(stored.timeIntervalSince(original) <= 0.000_005)
            #expect(original.timeIntervalSince(stored) < 0.001)
        }
    }
}
