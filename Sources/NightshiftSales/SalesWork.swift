public import Foundation
public import NightshiftCore

/// The work of the nightly steps on one tenant's prospects, each usable alone (the CLI's
/// `prospects assess|score|dedupe|…` and the `sales.*` steps call the same functions).
///
/// Each function reads what it needs, decides in memory, and writes what changed in one
/// transaction with its activity rows, so a run cut off by a crash leaves either all or none of
/// its changes, and running it again does only what is left.
public struct SalesWork: Sendable {
    public let store: any SalesStore
    public let settings: SalesSettings
    public let timeZone: TimeZone
    public let tenant: String
    /// `operator` from the CLI, `pack:sales` in a step.
    public let actor: String

    public init(store: any SalesStore, settings: SalesSettings, timeZone: TimeZone, tenant: String = "", actor: String = ProspectActivity.packActor) {
        self.store = store
        self.settings = settings
        self.timeZone = timeZone
        self.tenant = tenant
        self.actor = actor
    }

    func all(_ states: Set<ProspectState> = []) async throws -> [Prospect] {
        try await store.prospects(tenant: tenant, states: states, limit: Int.max)
    }

    /// How many prospects a step reads and writes at a time.
    static let pageSize = 5_000

    /// Calls `body` with each page of the tenant's prospects in `states`, oldest first, so that a
    /// step over a million prospects never holds them all; each page's writes are the body's own
    /// transaction (a step cut off keeps the pages it finished and does the rest when run again).
    func forEachPage(
        _ states: Set<ProspectState> = [], after start: (createdAt: Date, id: String)? = nil, _ body: ([Prospect]) async throws -> Void
    ) async throws {
        var after = start
        while true {
            let page = try await store.prospects(tenant: tenant, states: states, after: after, limit: Self.pageSize)
            guard let last = page.last else { return }
            try await body(page)
            guard page.count == Self.pageSize else { return }
            after = (last.createdAt, last.id)
        }
    }

    // MARK: assess

    /// What `assess` did.
    public struct AssessReport: Sendable {
        public var assessed = 0
        public var broken: [(id: String, reason: String)] = []
        public var whole = 0
        public var json: JSONValue {
            .object([
                "assessed": .integer(Int64(assessed)), "whole": .integer(Int64(whole)),
                "broken": .array(broken.map { .object(["id": .string($0.id), "reason": .string($0.reason)]) }),
            ])
        }
    }

    /// Assesses the records it has not seen (``ProspectAssessment``): those created after the last
    /// run's (the `assess` cursor: creation time and id); `all` looks at every one again. Only a
    /// record whose state or reason changes is written (a night of a million new, whole records
    /// writes nothing); the code that changes a record later (a merge, an import or pull filling
    /// it, research) assesses it itself.
    public func assess(all again: Bool = false, at now: Date) async throws -> AssessReport {
        var report = AssessReport()
        let cursor = again ? nil : try await store.salesCursor(tenant: tenant, name: "assess").flatMap(Self.position)
        var last = cursor
        try await forEachPage(after: cursor) { page in
            var changed: [Prospect] = []
            var activities: [ProspectActivity] = []
            for var prospect in page {
                last = (prospect.createdAt, prospect.id)
                guard again || prospect.assessedAt == nil else { continue }
                let before = prospect
                if let activity = ProspectAssessment.assess(
                    &prospect, by: actor, at: now, activityID: ProspectActivity.stableID(.state, prospect.id, "assess", String(StoredTime.millis(now)))
                ) { activities.append(activity) }
                report.assessed += 1
                if prospect.state == .broken { report.broken.append((prospect.id, prospect.stateReason ?? "")) } else if prospect.state == .unengaged { report.whole += 1 }
                if prospect.state != before.state || prospect.stateReason != before.stateReason { changed.append(prospect) }
            }
            if !changed.isEmpty { _ = try await store.updateProspects(changed, activities: activities) }
        }
        if let last { try await store.setSalesCursor(tenant: tenant, name: "assess", value: "\(StoredTime.millis(last.createdAt)):\(last.id)") }
        return report
    }

    /// A stored position `MILLIS:ID`.
    static func position(_ text: String) -> (createdAt: Date, id: String)? {
        guard let colon = text.firstIndex(of: ":"), let millis = Int64(text[..<colon]) else { return nil }
        return (StoredTime.date(millis), String(text[text.index(after: colon)...]))
    }

    // MARK: groundskeeper

    /// What `groundskeeper` did: how many prospects carry each flag now, and what changed.
    public struct FlagReport: Sendable {
        public var totals: [ProspectFlag: Int] = [:]
        public var set: [ProspectFlag: Int] = [:]
        public var cleared: [ProspectFlag: Int] = [:]
        public var json: JSONValue {
            func counts(_ map: [ProspectFlag: Int]) -> JSONValue { .object(Dictionary(uniqueKeysWithValues: map.map { ($0.key.rawValue, .integer(Int64($0.value))) })) }
            return .object(["totals": counts(totals), "set": counts(set), "cleared": counts(cleared)])
        }
    }

    /// Sets and clears the stale flags of every prospect.
    public func groundskeeper(at now: Date) async throws -> FlagReport {
        let keeper = Groundskeeper(settings: settings)
        var report = FlagReport()
        try await forEachPage { page in
            var changed: [Prospect] = []
            var activities: [ProspectActivity] = []
            for var prospect in page {
                let flags = keeper.flags(of: prospect, at: now)
                for flag in flags { report.totals[flag, default: 0] += 1 }
                guard flags != prospect.flags else { continue }
                let set = flags.subtracting(prospect.flags).sorted(), cleared = prospect.flags.subtracting(flags).sorted()
                for flag in set { report.set[flag, default: 0] += 1 }
                for flag in cleared { report.cleared[flag, default: 0] += 1 }
                prospect.flags = flags
                prospect.updatedAt = now
                changed.append(prospect)
                let words = (set.map { "+\($0.rawValue)" } + cleared.map { "-\($0.rawValue)" }).joined(separator: " ")
                activities.append(ProspectActivity(
                    id: ProspectActivity.stableID(.flagged, prospect.id, String(StoredTime.millis(now))), tenant: tenant, prospectID: prospect.id, at: now,
                    kind: .flagged, actor: actor, summary: "flags \(words)",
                    data: .object(["set": .array(set.map { .string($0.rawValue) }), "cleared": .array(cleared.map { .string($0.rawValue) })])
                ))
            }
            if !changed.isEmpty { _ = try await store.updateProspects(changed, activities: activities) }
        }
        return report
    }

    // MARK: rescore

    /// What `rescore` did.
    public struct ScoreReport: Sendable {
        public var scored = 0
        public var changed = 0
        public var json: JSONValue { .object(["scored": .integer(Int64(scored)), "changed": .integer(Int64(changed))]) }
    }

    /// Scores every prospect but those not to be contacted by `[sales.scoring]`; writes those whose
    /// score or parts changed.
    public func rescore(at now: Date) async throws -> ScoreReport {
        var report = ScoreReport()
        try await forEachPage { page in
            var changed: [Prospect] = []
            for var prospect in page where prospect.state != .doNotContact {
                let (score, parts) = settings.scoring.score(prospect, at: now)
                report.scored += 1
                guard score != prospect.score || parts != prospect.scoreParts else { continue }
                prospect.score = score
                prospect.scoreParts = parts
                changed.append(prospect)
            }
            report.changed += changed.count
            if !changed.isEmpty { _ = try await store.updateProspects(changed, activities: []) }
        }
        return report
    }

    // MARK: buckets

    /// Brings back the parked prospects whose month's first business day has come.
    public func activateBuckets(month: String? = nil, at now: Date) async throws -> [Prospect] {
        try await ProspectBuckets(store: store, holidays: settings.holidays, timeZone: timeZone, tenant: tenant, actor: actor).activate(month: month, at: now)
    }

    // MARK: notes

    /// Adds a note to the prospect `id`: an activity of kind `note`, which the intel step reads.
    public func note(_ id: String, text: String, at now: Date) async throws -> ProspectActivity? {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, try await store.prospect(id, tenant: tenant) != nil else { return nil }
        let note = ProspectActivity(
            id: ProspectActivity.makeID(at: now), tenant: tenant, prospectID: id, at: now, kind: .note, actor: actor, summary: text,
            data: .object(["text": .string(text)])
        )
        _ = try await store.recordActivities([note])
        return note
    }
}
