public import Foundation

/// The context values a rule can read (`context.NAME`).
public enum ContextField: String, Sendable, Hashable, CaseIterable {
    case time, hour, minute, weekday, date
    case `operator`
    case countToday = "count_today"
    case countTodayActor = "count_today_actor"
    case countTodayTenant = "count_today_tenant"
    case countTodayRecipient = "count_today_recipient"
    case spentToday = "spent_today"
}

/// What the policy knows besides the action: the time in the workspace zone, the operator's
/// context, what was executed today, and what each budget has used. Built once per proposal by
/// ``PolicyGate`` from the store; the engine itself reads nothing else.
public struct PolicyContext: Sendable {
    public var now: Date
    /// Start of the calendar day of `now` in the workspace zone (budgets and counts reset here).
    public var dayStart: Date
    /// The operator's current context (sleeping, work, gym, available), nil when unknown.
    public var operatorContext: String?
    /// Actions of the proposed type executed today: any actor, this actor, this tenant, this recipient.
    public var countToday: Int
    public var countTodayActor: Int
    public var countTodayTenant: Int
    public var countTodayRecipient: Int
    /// Sum of `cost` of the actions executed today.
    public var spentToday: Double
    /// Usage today of each budget's counter that the action falls into, by budget id.
    public var budgetUsage: [String: Usage]
    /// The path of the Nightshift executable that decides, which runs the steps packs ship
    /// (`nightshift overnight step …`): the program `nightshift` in a `runs_only` pattern is it
    /// as well as the word `nightshift` looked up in PATH.
    public var executable: String?
    private var values: [ContextField: JSONValue]

    public init(
        now: Date, timeZone: TimeZone, operatorContext: String? = nil, countToday: Int = 0, countTodayActor: Int = 0,
        countTodayTenant: Int = 0, countTodayRecipient: Int = 0, spentToday: Double = 0, budgetUsage: [String: Usage] = [:]
    ) {
        self.now = now
        let instant = ScheduleSupport.unixSeconds(now)
        let local = instant + ScheduleSupport.offset(of: timeZone, at: instant)
        let (days, secondOfDay) = CivilTime.floorDivMod(local, 86_400)
        let civil = CivilTime(wallSeconds: local)
        // Local midnight as an instant, with the offset in force at midnight (not now: on a
        // daylight-saving day they differ by the shift).
        let wallMidnight = local - secondOfDay
        var midnight = wallMidnight - ScheduleSupport.offset(of: timeZone, at: instant)
        midnight = wallMidnight - ScheduleSupport.offset(of: timeZone, at: midnight)
        self.dayStart = ScheduleSupport.date(unixSeconds: midnight)
        self.operatorContext = operatorContext
        self.countToday = countToday
        self.countTodayActor = countTodayActor
        self.countTodayTenant = countTodayTenant
        self.countTodayRecipient = countTodayRecipient
        self.spentToday = spentToday
        self.budgetUsage = budgetUsage
        let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        // Padded by hand: Foundation's formatter is slow, and every decision builds a context.
        func padded(_ value: Int, _ width: Int) -> String {
            guard value >= 0 else { return String(format: "%0\(width)d", value) }
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        values = [
            .time: .string("\(padded(civil.hour, 2)):\(padded(civil.minute, 2))"),
            .hour: .integer(Int64(civil.hour)),
            .minute: .integer(Int64(civil.minute)),
            .weekday: .string(weekdays[CivilTime.weekday(days: days)]),
            .date: .string("\(padded(civil.year, 4))-\(padded(civil.month, 2))-\(padded(civil.day, 2))"),
            .operator: .string(operatorContext ?? "unknown"),
        ]
    }

    /// Replaces a time value (for cases files: `context = { hour = 5 }`).
    public mutating func override(_ field: ContextField, with value: JSONValue) {
        switch field {
        case .countToday: countToday = value.double.map { Int($0) } ?? countToday
        case .countTodayActor: countTodayActor = value.double.map { Int($0) } ?? countTodayActor
        case .countTodayTenant: countTodayTenant = value.double.map { Int($0) } ?? countTodayTenant
        case .countTodayRecipient: countTodayRecipient = value.double.map { Int($0) } ?? countTodayRecipient
        case .spentToday: spentToday = value.double ?? spentToday
        case .operator:
            operatorContext = value.text
            values[.operator] = value
        default: values[field] = value
        }
    }

    public func value(_ field: ContextField) -> JSONValue? {
        switch field {
        case .countToday: .integer(Int64(countToday))
        case .countTodayActor: .integer(Int64(countTodayActor))
        case .countTodayTenant: .integer(Int64(countTodayTenant))
        case .countTodayRecipient: .integer(Int64(countTodayRecipient))
        case .spentToday: .number(spentToday)
        default: values[field]
        }
    }
}
