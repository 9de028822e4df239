/// A parsed cron expression: 5 fields (`minute hour day-of-month month day-of-week`) or 6 with
/// seconds first, as in croner and Quartz.
///
/// Supported syntax: lists `1,5,9`, ranges `1-5`, steps `*/15`, `10-40/10` and `5/15` (which means
/// `5-59/15`), month names `JAN`–`DEC`, weekday names `SUN`–`SAT` (case-insensitive, also in
/// ranges), weekday `0` or `7` for Sunday, `?` for `*` in the day fields, and the macros `@yearly`,
/// `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight` and `@hourly`.
///
/// Days follow Vixie cron: when both day of month and day of week are restricted (neither starts
/// with `*` or `?`), a day matches if either does; otherwise both must.
///
/// ```swift
/// let weekdays = try CronExpression(parsing: "30 9 * * MON-FRI")
/// let next = weekdays.nextFire(after: .now, in: try TimeZones.named("Europe/Berlin"))
/// ```
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written, without surrounding whitespace.
    public var source: String

    let seconds: CronField
    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    let daysOfWeek: CronField

    /// Parses `text`; throws a ``ScheduleError`` naming the field and the token that is wrong.
    public init(parsing text: String) throws(ScheduleError) {
        let trimmed = ScheduleSupport.trim(text)
        guard !trimmed.isEmpty else {
            throw ScheduleError(
                .empty, field: "expression", token: text,
                "the cron expression is empty; write 5 fields such as \"0 * * * *\" or a macro such as \"@daily\"")
        }
        var fieldsText = Substring(trimmed)
        if trimmed.hasPrefix("@") {
            guard let expansion = Self.macros[trimmed.lowercased()] else {
                throw ScheduleError(
                    .unsupportedMacro, field: "expression", token: trimmed,
                    "\"\(trimmed)\" is not supported; use one of \(Self.macroList)"
                        + (trimmed.lowercased() == "@reboot" ? ", or an on-start schedule" : ""))
            }
            fieldsText = Substring(expansion)
        }
        var fields = fieldsText.split(whereSeparator: \.isWhitespace)
        guard fields.count == 5 || fields.count == 6 else {
            throw ScheduleError(
                .wrongFieldCount, field: "expression", token: trimmed,
                "\"\(trimmed)\" has \(fields.count) field\(fields.count == 1 ? "" : "s"); expected 5 "
                    + "(minute hour day-of-month month day-of-week) or 6 (second first)")
        }
        if fields.count == 5 { fields.insert("0", at: 0) }

        source = trimmed
        seconds = try CronField(parsing: fields[0], as: .second)
        minutes = try CronField(parsing: fields[1], as: .minute)
        hours = try CronField(parsing: fields[2], as: .hour)
        daysOfMonth = try CronField(parsing: fields[3], as: .dayOfMonth)
        months = try CronField(parsing: fields[4], as: .month)
        daysOfWeek = try CronField(parsing: fields[5], as: .dayOfWeek)
    }

    /// The expression as written.
    public var description: String { source }

    /// True when the minute and hour fields are plain numbers or lists of them.
    ///
    /// As cronie documents, such a job fires once at the end of a daylight-saving gap that swallowed
    /// its time and only at the first occurrence of a repeated time; any other job follows real time.
    public var isFixedTime: Bool { minutes.isFixed && hours.isFixed }

    /// Whether the calendar day `day` of `month` in `year`, a `weekday` (0 = Sunday), matches.
    func matchesDay(_ day: Int, weekday: Int) -> Bool {
        let domMatches = daysOfMonth.contains(day)
        let dowMatches = daysOfWeek.contains(weekday)
        if !daysOfMonth.isWildcard && !daysOfWeek.isWildcard {
            return domMatches || dowMatches
        }
        return domMatches && dowMatches
    }

    private static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    ]

    private static let macroList = "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"
}
