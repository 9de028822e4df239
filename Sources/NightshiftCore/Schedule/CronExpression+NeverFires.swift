extension CronExpression {
    /// Why the expression can never fire, e.g. `February has no day 30` for `0 2 30 2 *`; nil when
    /// it fires at some time.
    ///
    /// Decided from the fields, not by searching: when both day fields are restricted a day matches
    /// if either does, and every month has every weekday; otherwise a day must match both, and every
    /// date that exists (February 29 included) falls on every weekday in some year. So the
    /// expression fires exactly when one of its months has one of its days of month.
    public var neverFiresReason: String? {
        if !daysOfMonth.isWildcard && !daysOfWeek.isWildcard { return nil }
        let months = (1...12).filter(self.months.contains)
        let days = (1...31).filter(daysOfMonth.contains)
        let longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        if months.contains(where: { month in days.contains { $0 <= longest[month - 1] } }) { return nil }
        let names = months.map { Self.monthNames[$0 - 1] }
        let monthList = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
        let dayList = days.count == 1 ? "\(days[0])" : days.dropLast().map(String.init).joined(separator: ", ") + " or \(days.last!)"
        return "\(monthList) \(names.count == 1 ? "has" : "have") no day \(dayList)"
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
}
