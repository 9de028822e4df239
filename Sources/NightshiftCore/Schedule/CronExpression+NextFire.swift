public import Foundation

extension CronExpression {
    /// How far ahead ``nextFire(after:in:)`` looks before giving up, in calendar years: the longest
    /// gap between two fires of any expression. That is a date on one weekday (`0 0 29 2 */7`,
    /// February 29 on a Sunday), 28 years apart in a century and 40 across 2100, which is not a
    /// leap year.
    static let searchHorizonYears = 40

    /// The first fire instant strictly after `date`, in `timeZone`; `nil` if none within the search
    /// horizon (about forty years), which means never (e.g. `0 0 30 2 *`, see ``neverFiresReason``).
    ///
    /// Daylight saving follows cronie. A fixed-time job (see ``isFixedTime``) whose local time is
    /// skipped by a spring-forward fires once at the first instant after the gap, and one whose
    /// local time is repeated by a fall-back fires only at the first occurrence. Any other job follows
    /// real time: every instant whose wall-clock time matches fires, so both passes through a repeated
    /// hour fire and skipped local times never do.
    public func nextFire(after date: Date, in timeZone: TimeZone) -> Date? {
        // Fire instants are whole seconds; the first candidate is the first whole second after `date`.
        let threshold = ScheduleSupport.unixSeconds(date) + 1
        let fixed = isFixedTime
        // A fixed-time job must know whether `date` lies in the second pass of a repeated hour, so
        // it starts walking from before any recent fall-back; it never returns an instant < threshold.
        var segmentStart = fixed ? threshold - 2 * 86_400 : threshold
        var offset = ScheduleSupport.offset(of: timeZone, at: segmentStart)
        // Wall-clock times below this have already had their first occurrence (fixed-time jobs only).
        var wallFloor = segmentStart + offset

        // The offset is constant on [segmentStart, segmentEnd); wall time there is instant + offset.
        for _ in 0..<10_000 {
            let segmentEnd = ScheduleSupport.transition(of: timeZone, after: segmentStart)
            let searchFrom = max(wallFloor, segmentStart + offset, threshold + offset)
            guard let wall = nextMatchingWallTime(atOrAfter: searchFrom) else { return nil }
            guard let end = segmentEnd else { return ScheduleSupport.date(unixSeconds: wall - offset) }
            if wall < end + offset {
                return ScheduleSupport.date(unixSeconds: wall - offset)
            }
            let nextOffset = ScheduleSupport.offset(of: timeZone, at: end)
            // Wall times in [end + offset, end + nextOffset) do not exist; a fixed-time job that
            // wanted one of them fires right after the gap.
            if fixed, nextOffset > offset, wall < end + nextOffset, end >= threshold {
                return ScheduleSupport.date(unixSeconds: end)
            }
            // Far-off matches (a yearly or leap-day job) would otherwise walk every transition up to
            // them. Jump to a few days before `wall` when no instant in between can show a matching
            // wall-clock time: walls there lie in [end + nextOffset - 2 days, wall), because offsets
            // differ by less than two days, and that range holds no match.
            let jumpTarget = wall - offset - 3 * 86_400
            if jumpTarget > end, nextMatchingWallTime(atOrAfter: end + nextOffset - 2 * 86_400) == wall {
                // Matching walls are all >= `wall`, so none of them was seen before the jump target.
                segmentStart = jumpTarget
                offset = ScheduleSupport.offset(of: timeZone, at: jumpTarget)
                wallFloor = jumpTarget + offset
                continue
            }
            wallFloor = fixed ? max(wallFloor, end + offset, end + nextOffset) : end + nextOffset
            segmentStart = end
            offset = nextOffset
        }
        return nil
    }

    /// The first wall-clock time at or after `wallSeconds` that matches every field, found by
    /// advancing field by field (month, day, hour, minute, second) rather than minute by minute.
    func nextMatchingWallTime(atOrAfter wallSeconds: Int64) -> Int64? {
        var t = CivilTime(wallSeconds: wallSeconds)
        let lastYear = t.year + Self.searchHorizonYears

        func startOfNextMonth() {
            t.month += 1
            if t.month > 12 {
                t.year += 1
                t.month = 1
            }
            t.day = 1
            t.hour = 0
            t.minute = 0
            t.second = 0
        }
        func startOfNextDay() {
            t.day += 1
            if t.day > CivilTime.daysInMonth(year: t.year, month: t.month) {
                startOfNextMonth()
            } else {
                t.hour = 0
                t.minute = 0
                t.second = 0
            }
        }

        while t.year <= lastYear {
            guard months.contains(t.month) else {
                if let month = months.next(atOrAfter: t.month + 1) {
                    t.month = month
                } else {
                    t.year += 1
                    t.month = months.first
                }
                t.day = 1
                t.hour = 0
                t.minute = 0
                t.second = 0
                continue
            }

            let daysInMonth = CivilTime.daysInMonth(year: t.year, month: t.month)
            var weekday = CivilTime.weekday(days: CivilTime.days(year: t.year, month: t.month, day: t.day))
            var day = t.day
            while day <= daysInMonth, !matchesDay(day, weekday: weekday) {
                day += 1
                weekday = weekday == 6 ? 0 : weekday + 1
            }
            guard day <= daysInMonth else {
                startOfNextMonth()
                continue
            }
            if day != t.day {
                t.day = day
                t.hour = 0
                t.minute = 0
                t.second = 0
            }

            guard let hour = hours.next(atOrAfter: t.hour) else {
                startOfNextDay()
                continue
            }
            if hour != t.hour {
                t.hour = hour
                t.minute = 0
                t.second = 0
            }

            guard let minute = minutes.next(atOrAfter: t.minute) else {
                t.hour += 1
                t.minute = 0
                t.second = 0
                if t.hour > 23 { startOfNextDay() }
                continue
            }
            if minute != t.minute {
                t.minute = minute
                t.second = 0
            }

            guard let second = seconds.next(atOrAfter: t.second) else {
                t.minute += 1
                t.second = 0
                if t.minute > 59 {
                    t.minute = 0
                    t.hour += 1
                    if t.hour > 23 { startOfNextDay() }
                }
                continue
            }
            t.second = second
            return t.wallSeconds
        }
        return nil
    }
}
