import Foundation
import NightshiftMail
import Testing

/// RFC 5322 dates, the current syntax and the obsolete one real mail still uses.
@Suite("Mail dates")
struct MailDateTests {
    @Test(
        "dates are read as the instant they name",
        arguments: [
            ("Tue, 1 Jul 2003 10:52:37 +0200", "2003-07-01T08:52:37Z"),
            ("1 Jul 2003 10:52:37 -0000", "2003-07-01T10:52:37Z"),
            ("Fri,  4 May 2001 14:05:44 -0400 (EDT)", "2001-05-04T18:05:44Z"),
            ("Thu, 13 Feb 1969 23:32 -0330 (Newfoundland Time)", "1969-02-14T03:02:00Z"),
            ("21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06Z"),
            ("Sat, 29 Feb 2020 12:00:00 PST", "2020-02-29T20:00:00Z"),
            ("Mon, 2 Jan 2006 15:04:05 UT", "2006-01-02T15:04:05Z"),
            ("Mon, 2 Jan 2006 15:04:05 A", "2006-01-02T15:04:05Z"),
            ("Mon, 2 Jan 2006 15:04:05 +05:30", "2006-01-02T09:34:05Z"),
            ("Mon, 2 Jan 2006 15:04:05", "2006-01-02T15:04:05Z"),
            ("Mon Jan  2 15:04:05 2006", "2006-01-02T15:04:05Z"),
            ("2 jan 106 15:04:05 +0000", "2006-01-02T15:04:05Z"),
        ])
    func reads(_ text: String, _ expected: String) {
        #expect(MailDate.parse(text)?.ISO8601Format() == expected)
    }

    @Test(
        "what is not a date gives nil",
        arguments: [
            "", "yesterday", "30 Feb 2021 10:00:00 +0000", "1 Jul 2003 24:00:00 +0000", "1 Jul 2003 10:60 +0000", "1 Foo 2003 10:00 +0000",
            "1 Jul 2003 10:00 +9900", String(repeating: "1 ", count: 2_000),
        ])
    func refuses(_ text: String) {
        #expect(MailDate.parse(text) == nil)
    }

    @Test("format writes RFC 5322 and parse reads it back, over random instants and zones")
    func formatRoundTrip() {
        var random = SplitMix64(seed: 5322)
        for _ in 0..<2_000 {
            let date = Date(timeIntervalSince1970: TimeInterval(Int64.random(in: -2_000_000_000...8_000_000_000, using: &random)))
            let zone = Int.random(in: -14 * 60...14 * 60, using: &random) * 60
            let text = MailDate.format(date, secondsFromGMT: zone)
            #expect(MailDate.parse(text) == date, "\(text)")
        }
        #expect(MailDate.format(Date(timeIntervalSince1970: 1_057_049_557), secondsFromGMT: -3 * 3600 - 1800) == "Tue, 1 Jul 2003 05:22:37 -0330")
    }
}
