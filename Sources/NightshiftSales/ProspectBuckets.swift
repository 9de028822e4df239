public import Foundation
public import NightshiftCore

/// Monthly buckets: a prospect parked until a month (`prospects park ID --until 2027-03`) comes
/// back as `unengaged` on that month's first business day — the first day that is neither a
/// Saturday, a Sunday nor one of `[sales] holidays`, in the workspace's zone.
public struct ProspectBuckets: Sendable {
    /// A refused request, in one sentence.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    let store: any SalesStore
    let holidays: Set<String>
    let timeZone: TimeZone
    let tenant: String
    /// Who parks and activates: `operator` from the CLI, `pack:sales` in the nightly step.
    let actor: String

    public init(store: any SalesStore, holidays: Set<String>, timeZone: TimeZone, tenant: String = "", actor: String = "operator") {
        self.actor = actor
        self.store = store
        self.holidays = holidays
        self.timeZone = timeZone
        self.tenant = tenant
    }

    /// `YYYY-MM` read strictly (months 01–12, years 2000–2999), or nil.
    public static func month(_ text: String) -> (year: Int, month: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
              (2000...2999).contains(year), (1...12).contains(month), parts.allSatisfy({ $0.allSatisfy(\.isASCII) })
        else { return nil }
        return (year, month)
    }

    /// The start (midnight in ``timeZone``) of the first business day of `month` (`YYYY-MM`).
    public func firstBusinessDay(of month: String) -> Date? {
        guard let (year, number) = Self.month(month) else { return nil }
        for day in 1...28 {
            guard let date = CalendarDay(year: year, month: number, day: day) else { return nil }
            if date.weekday != 0, date.weekday != 6, !holidays.contains(date.description) { return date.start(in: timeZone) }
        }
        return nil
    }

    /// Parks the prospect `id` until `month`, with `reason`: it comes back on that month's first
    /// business day. A month that has begun already, or a prospect that may not be contacted, is refused.
    public func park(_ id: String, until month: String, reason: String?, at now: Date) async throws -> Prospect {
        guard Self.month(month) != nil, let comes = firstBusinessDay(of: month) else {
            throw Failure(description: "--until must be a month written YYYY-MM, e.g. 2027-03, found \"\(month)\"")
        }
        guard comes > now else { throw Failure(description: "\(month) has begun: its prospects come back now; park until a later month") }
        guard var prospect = try await store.prospect(id, tenant: tenant) else { throw Failure(description: "no prospect \(id); see nightshift prospects list") }
        guard prospect.state != .doNotContact, prospect.state != .customer else {
            throw Failure(description: "\(id) is \(prospect.state.rawValue); only prospects being worked are parked")
        }
        let activity = prospect.move(
            to: .parked, reason: reason.map { "parked until \(month): \($0)" } ?? "parked until \(month)", by: actor, at: now
        )
        prospect.bucketMonth = month
        _ = try await store.updateProspects([prospect], activities: activity.map { [$0] } ?? [])
        return prospect
    }

    /// Brings back every parked prospect whose month's first business day has come by `now` (or,
    /// given `month`, whose month is it or earlier): `unengaged` again. Running it twice changes
    /// nothing the second time. Returns the prospects it brought back.
    public func activate(month: String? = nil, at now: Date) async throws -> [Prospect] {
        if let month, Self.month(month) == nil { throw Failure(description: "--month must be written YYYY-MM, e.g. 2027-03, found \"\(month)\"") }
        var due: [Prospect] = []
        var activities: [ProspectActivity] = []
        for var prospect in try await store.prospects(tenant: tenant, states: [.parked], limit: Int.max) {
            guard let bucket = prospect.bucketMonth else { continue }
            let isDue: Bool
            if let month { isDue = bucket <= month } else { isDue = firstBusinessDay(of: bucket).map { $0 <= now } ?? true }
            guard isDue else { continue }
            // The same activation run again (a step cut off after its write) finds nothing; the id
            // makes its row once even so.
            if let activity = prospect.move(
                to: .unengaged, reason: "back from the \(bucket) bucket", by: actor, at: now,
                activityID: ProspectActivity.stableID(.state, prospect.id, "bucket", bucket)
            ) { activities.append(activity) }
            due.append(prospect)
        }
        if !due.isEmpty { _ = try await store.updateProspects(due, activities: activities) }
        return due
    }
}
