import Foundation
import NightshiftMail
import Testing

/// Return dates read from automatic replies, relative to Wednesday 2025-12-03 (the reference):
/// dates in each language's shapes, without a year, weekdays, and which of several dates wins.
@Suite("Reply return dates")
struct ReplyReturnDateTests {
    static let table: [(String, String?)] = [
        ("I'm back on 14 December.", "2025-12-14"),
        ("Back on December 14th.", "2025-12-14"),
        ("Out until Dec 14, 2025.", "2025-12-14"),
        ("I will return on 2026-01-07.", "2026-01-07"),
        ("Out of office until 12/14.", "2025-12-14"),
        ("Away until 01/05, back on 01/06.", "2026-01-06"),
        ("Away until Monday.", "2025-12-08"),
        ("Away until Wednesday.", "2025-12-10"),
        ("Back tomorrow.", "2025-12-04"),
        ("Away from 1 December until 14 December.", "2025-12-14"),
        ("Out until 19 December and back on 5 January.", "2026-01-05"),
        ("Ich bin zurück am 14.12.", "2025-12-14"),
        ("Bis einschließlich 19.12.2025 nicht im Büro, ab dem 22.12. wieder erreichbar.", "2025-12-22"),
        ("Ab Montag, 15. Dezember wieder im Büro.", "2025-12-15"),
        ("Ich bin bis Freitag nicht erreichbar.", "2025-12-05"),
        ("Abwesend bis 14.12.25.", "2025-12-14"),
        ("Je serai de retour le 14 décembre.", "2025-12-14"),
        ("Absente jusqu'au 1er janvier.", "2026-01-01"),
        ("En congés jusqu'au 02/01/2026.", "2026-01-02"),
        ("Absent jusqu'à lundi.", "2025-12-08"),
        ("Vuelvo el 14 de diciembre.", "2025-12-14"),
        ("Fuera de la oficina hasta el 8 de enero de 2026.", "2026-01-08"),
        ("Estaré fuera hasta el 12/01.", "2026-01-12"),
        ("De vacaciones hasta el lunes.", "2025-12-08"),
        ("Out on 1 December (a date already past) and no other date.", nil),
        ("I am out of the office with no date given.", nil),
        ("Out until 31 February.", nil),
    ]

    @Test("return dates in English, German, French and Spanish")
    func returnDates() {
        for (text, expected) in Self.table {
            let result = ReplyMail.classify(ReplyMail.automatic(text))
            #expect(result.replyClass == .ooo, "\(text)")
            #expect(result.returnDate?.description == expected, "\(text)")
        }
    }

    @Test("12/14 is month first in English, 02/01 day first in French, whatever the guess if one part is over 12")
    func slashOrder() {
        #expect(ReplyMail.classify(ReplyMail.automatic("I will be back on 02/01 and will reply then.")).returnDate?.description == "2026-02-01")
        #expect(ReplyMail.classify(ReplyMail.automatic("Je serai de retour le 02/01 et je vous répondrai.")).returnDate?.description == "2026-01-02")
        #expect(ReplyMail.classify(ReplyMail.automatic("Je serai de retour le 12/28.")).returnDate?.description == "2025-12-28")
    }

    @Test("a date without a year takes the next year when this year's has passed")
    func yearRollover() {
        let january = ReplyMail.classify(ReplyMail.automatic("Back on 5 January."), reference: ReplyMail.wednesday)
        #expect(january.returnDate == MailDay(year: 2026, month: 1, day: 5))
    }

    @Test("MailDay: validation, order, weekdays, day arithmetic across months and leap years")
    func calendarDay() {
        #expect(MailDay(year: 2025, month: 2, day: 29) == nil)
        #expect(MailDay(year: 2024, month: 2, day: 29) != nil)
        #expect(MailDay(year: 2025, month: 13, day: 1) == nil)
        let day = MailDay(ReplyMail.wednesday)
        #expect(day.description == "2025-12-03")
        #expect(day.weekday == 3)
        #expect(day.adding(days: 29).description == "2026-01-01")
        #expect(MailDay(year: 2024, month: 2, day: 28)!.adding(days: 1).description == "2024-02-29")
        #expect(MailDay(year: 1970, month: 1, day: 1)!.adding(days: -1).description == "1969-12-31")
        #expect(MailDay(year: 2025, month: 12, day: 31)! < MailDay(year: 2026, month: 1, day: 1)!)
        // A reference from anywhere gives a day rather than a trap.
        for date in [Date.distantPast, Date.distantFuture, Date(timeIntervalSince1970: .infinity), Date(timeIntervalSince1970: -1e300)] {
            _ = MailDay(date).weekday
        }
        #expect(ReplyMail.classify(ReplyMail.automatic("Back on 14.12.1234567."), reference: .distantFuture).replyClass == .ooo)
    }
}
