/// The day an automatic reply names as the end of an absence: "back on 14 December", "bis
/// 19.12.2025", "ab dem 22.12. wieder", "de retour le 14 décembre", "vuelvo el 14 de diciembre",
/// "until Monday", `2026-01-07`, `12/14` (month first in English, day first otherwise).
///
/// Every date in the text is read; one near a return word ("back", "zurück", "wieder", "retour",
/// "vuelvo") beats one after an until word ("until", "bis", "jusqu'au", "hasta"), which beats a
/// bare date; among equals the latest wins. A date without a year is in the reference's year,
/// or in the next when that would put it more than 90 days back ("5 January" written in
/// December); dates before the reference day are ignored. A weekday alone is the next such day
/// after the reference.
struct ReturnDateFinder {
    let reference: MailDay
    /// `en` reads `a/b` as month/day; anything else as day/month.
    let language: String?

    private struct Found {
        var day: MailDay
        var first: Int
        var last: Int
    }

    /// The return day in `text`, or nil when it names none.
    func find(in text: String) -> MailDay? {
        let tokens = DateTokens(Array(text.unicodeScalars.prefix(100_000))).tokens
        var found: [Found] = []
        var index = 0
        while index < tokens.count {
            if let (day, last) = date(at: index, in: tokens) {
                if day >= reference { found.append(Found(day: day, first: index, last: last)) }
                index = last + 1
            } else {
                index += 1
            }
        }
        func rank(_ item: Found) -> Int {
            let before = tokens[max(0, item.first - 5)..<item.first].compactMap(\.word)
            let after = tokens[(item.last + 1)..<min(tokens.count, item.last + 5)].compactMap(\.word)
            if before.contains(where: DateWords.returnWords.contains) || after.contains(where: DateWords.returnWords.contains) { return 2 }
            if before.suffix(4).contains(where: DateWords.untilWords.contains) { return 1 }
            return 0
        }
        return found.map { (rank($0), $0.day) }.max { ($0.0, $0.1) < ($1.0, $1.1) }?.1
    }

    /// A date starting at `tokens[index]` and the index of its last token.
    private func date(at index: Int, in tokens: [DateToken]) -> (MailDay, Int)? {
        switch tokens[index] {
        case .number(let parts, let separator, let trailingDot):
            if parts.count >= 2 { return numeric(parts, separator: separator).map { ($0, index) } }
            return dayThenMonth(parts[0], trailingDot: trailingDot, at: index, in: tokens)
        case .word(let word):
            if let weekday = DateWords.weekdays[word] {
                // "Monday, 15 December" and "lundi 15 décembre": the date that follows decides.
                var next = index + 1
                while next < tokens.count, let filler = tokens[next].word, DateWords.fillers.contains(filler) { next += 1 }
                // Only a number or a month may follow, so a run of weekdays cannot recurse deeply.
                if next < tokens.count, tokens[next].word.map({ DateWords.months[$0] != nil }) ?? true, let explicit = date(at: next, in: tokens) {
                    return explicit
                }
                var day = reference.adding(days: 1)
                while day.weekday != weekday { day = day.adding(days: 1) }
                return (day, index)
            }
            if DateWords.tomorrow.contains(word) { return (reference.adding(days: 1), index) }
            if let month = DateWords.months[word] { return monthThenDay(month, at: index, in: tokens) }
            return nil
        }
    }

    /// `14.12.2025`, `14.12.`, `2026-01-07`, `12/14`, `02/01/2026`, `14-12-2025`.
    private func numeric(_ parts: [Int], separator: Unicode.Scalar) -> MailDay? {
        guard parts.count <= 3 else { return nil }
        if parts.count == 3, parts[0] >= 1000 { return MailDay(year: parts[0], month: parts[1], day: parts[2]) }
        var (day, month) = (parts[0], parts[1])
        if separator == "/" {
            let monthFirst = language == "en" ? parts[0] <= 12 : parts[1] > 12
            if monthFirst { (day, month) = (parts[1], parts[0]) }
        }
        return resolve(day: day, month: month, year: parts.count == 3 ? parts[2] : nil)
    }

    /// `14 December`, `14th of December`, `14. Dezember 2025`, `14 de diciembre de 2025`.
    private func dayThenMonth(_ day: Int, trailingDot: Bool, at index: Int, in tokens: [DateToken]) -> (MailDay, Int)? {
        guard (1...31).contains(day) else { return nil }
        var next = index + 1
        while next < tokens.count, next <= index + 3, let word = tokens[next].word, DateWords.ordinalsAndOf.contains(word) { next += 1 }
        guard next < tokens.count, let word = tokens[next].word, let month = DateWords.months[word] else { return nil }
        let (year, last) = year(after: next, in: tokens)
        return resolve(day: day, month: month, year: year).map { ($0, last) }
    }

    /// `December 14`, `Dec 14th, 2025`, `January 5th`.
    private func monthThenDay(_ month: Int, at index: Int, in tokens: [DateToken]) -> (MailDay, Int)? {
        guard index + 1 < tokens.count, case .number(let parts, _, _) = tokens[index + 1], parts.count == 1, (1...31).contains(parts[0]) else {
            return nil
        }
        var last = index + 1
        if last + 1 < tokens.count, let word = tokens[last + 1].word, DateWords.ordinals.contains(word) { last += 1 }
        let (year, end) = year(after: last, in: tokens)
        return resolve(day: parts[0], month: month, year: year).map { ($0, end) }
    }

    /// A four-digit year right after `index` (after "de" or nothing), and the last token used.
    private func year(after index: Int, in tokens: [DateToken]) -> (Int?, Int) {
        var next = index + 1
        if next < tokens.count, tokens[next].word == "de" { next += 1 }
        if next < tokens.count, case .number(let parts, _, _) = tokens[next], parts.count == 1, (1900...2200).contains(parts[0]) {
            return (parts[0], next)
        }
        return (nil, index)
    }

    private func resolve(day: Int, month: Int, year: Int?) -> MailDay? {
        if var year {
            guard year >= 0 else { return nil }
            if year < 100 { year += 2000 }
            return MailDay(year: year, month: month, day: day)
        }
        // Up to 90 days back it is a date just past (and ignored); further back, next year's.
        guard let thisYear = MailDay(year: reference.year, month: month, day: day) else {
            return MailDay(year: reference.year + 1, month: month, day: day)
        }
        if thisYear >= reference.adding(days: -90) { return thisYear }
        return MailDay(year: reference.year + 1, month: month, day: day)
    }
}
