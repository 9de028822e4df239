public import Foundation
public import NightshiftCore

/// The sales part of the morning brief: what the night did to the prospects (new, merged, broken
/// and researched, back from their buckets, flagged) and the day's first cards.
public struct SalesBriefContributor: BriefContributor {
    let settings: SalesSettings

    public init(settings: SalesSettings) {
        self.settings = settings
    }

    public func sections(for period: BriefPeriod, store: any Store) async throws -> [BriefSection] {
        guard let sales = store as? any SalesStore else { return [] }
        let totals = try await sales.prospectTotals(tenant: "")
        guard !totals.isEmpty else { return [] }
        let activities = try await sales.activities(tenant: "", prospect: nil, kinds: [], since: period.since, newestFirst: false, limit: Int.max)
            .filter { period.contains($0.at) }
        func count(_ kind: ProspectActivity.Kind, where test: (ProspectActivity) -> Bool = { _ in true }) -> Int {
            activities.filter { $0.kind == kind && test($0) }.count
        }
        func to(_ state: ProspectState) -> (ProspectActivity) -> Bool {
            { activity in
                if case .object(let data) = activity.data { return data["to"]?.stringValue == state.rawValue }
                return false
            }
        }
        let back = activities.filter { $0.kind == .state && $0.summary.contains("back from the") }
        let merges = count(.merged), imported = count(.imported), broken = count(.state, where: to(.broken)) + count(.imported, where: { activity in
            if case .object(let data) = activity.data { return data["state"]?.stringValue == ProspectState.broken.rawValue }
            return false
        })
        var lines = [
            "\(imported) new prospect\(imported == 1 ? "" : "s"), \(merges) merge\(merges == 1 ? "" : "s"), \(broken) broken, \(count(.researched)) researched, \(back.count) back from their buckets, \(count(.flagged)) flag change\(count(.flagged) == 1 ? "" : "s").",
            "Pool: " + ProspectState.allCases.compactMap { state in totals[state].map { "\($0) \(state.rawValue)" } }.joined(separator: ", ") + ".",
        ]
        let replenished = count(.imported) { activity in
            if case .object(let data) = activity.data { return data["via"]?.stringValue == "replenish" }
            return false
        }
        if replenished > 0 {
            lines.append("Replenished: \(replenished) prospect\(replenished == 1 ? "" : "s") pulled from the CRM because the unengaged pool was under \(settings.replenishBelow).")
        } else if (totals[.unengaged] ?? 0) < settings.replenishBelow {
            lines.append("The unengaged pool is under \(settings.replenishBelow)" + (settings.crm == nil ? "; no CRM is configured ([sales.crm]) to replenish it from." : "; the CRM had no more to replenish it."))
        }
        let drafts = try await sales.outboxItems(tenant: "", states: [.draft], prospect: nil, since: nil, limit: Int.max).count
        if drafts > 0 {
            lines.append("\(drafts) nurture draft\(drafts == 1 ? "" : "s") wait\(drafts == 1 ? "s" : "") in the outbox (\(count(.drafted)) drafted overnight): nightshift outbox list.")
        }
        lines += back.map { "Back: \($0.prospectID) — \($0.summary)" }
        let cards = try await SalesWork(store: sales, settings: settings, timeZone: period.timeZone).cards(count: settings.cardCount, at: period.until)
        var sections = [BriefSection(
            id: "sales_night", title: "Prospects overnight", rank: BriefSection.Rank.shipped + 5, lines: lines,
            items: .object([
                "imported": .integer(Int64(imported)), "merges": .integer(Int64(merges)), "broken": .integer(Int64(broken)),
                "researched": .integer(Int64(count(.researched))), "back": .array(back.map { .string($0.prospectID) }),
                "flag_changes": .integer(Int64(count(.flagged))), "replenished": .integer(Int64(replenished)),
                "drafts_waiting": .integer(Int64(drafts)), "drafted": .integer(Int64(count(.drafted))),
                "totals": .object(Dictionary(uniqueKeysWithValues: totals.map { ($0.key.rawValue, .integer(Int64($0.value))) })),
            ])
        )]
        if let replies = try await Self.repliesSection(sales, period: period) { sections.append(replies) }
        if !cards.isEmpty {
            sections.append(BriefSection(
                id: "sales_cards", title: "Today's first \(cards.count) cards", rank: BriefSection.Rank.nextTasks - 5, lines: Self.cardLines(cards, numbered: false),
                items: .array(cards.map { $0.json(zone: period.timeZone) })
            ))
        }
        return sections
    }

    /// The replies waiting for review, the interested ones by name (they are what the operator
    /// acts on first), and the mail held back overnight (bounces, complaints, unsubscribes).
    static func repliesSection(_ sales: any SalesStore, period: BriefPeriod) async throws -> BriefSection? {
        let pending = try await sales.mailItems(tenant: "", filter: MailFilter(direction: .received, reviews: [.pending], limit: 1000))
        let suppressed = try await sales.suppressions(tenant: "", keys: nil).filter { period.contains($0.at) }
        guard !pending.isEmpty || !suppressed.isEmpty else { return nil }
        let interested = pending.filter { $0.effectiveClass == "interested" }
        let byClass = Dictionary(grouping: pending, by: { $0.effectiveClass ?? "unknown" }).mapValues(\.count)
        var lines: [String] = []
        if !pending.isEmpty {
            lines.append("\(pending.count) repl\(pending.count == 1 ? "y waits" : "ies wait") for review (" + MailItem.classes.compactMap { name in byClass[name].map { "\($0) \(name)" } }.joined(separator: ", ") + "): nightshift replies list --pending.")
        }
        lines += interested.prefix(20).map { "Interested: \($0.fromName.map { "\($0) " } ?? "")<\($0.from)> (\($0.prospectID ?? "no prospect")): \($0.subject) — nightshift replies show \($0.id)" }
        if !suppressed.isEmpty {
            let reasons = Dictionary(grouping: suppressed, by: \.reason.rawValue).mapValues(\.count)
            lines.append("Held back overnight: " + reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + " (nightshift mail suppressions).")
        }
        return BriefSection(
            id: "sales_replies", title: "Replies", rank: BriefSection.Rank.approvals - 5, lines: lines,
            items: .object([
                "pending": .integer(Int64(pending.count)), "classes": .object(byClass.mapValues { .integer(Int64($0)) }),
                "interested": .array(interested.map { .string($0.id) }), "suppressed_overnight": .integer(Int64(suppressed.count)),
            ])
        )
    }

    /// One line per card: who and why, numbered for a file of its own (the brief makes a list).
    static func cardLines(_ cards: [ProspectCard], numbered: Bool = true) -> [String] {
        cards.enumerated().map { index, card in
            "\(numbered ? "\(index + 1). " : "")\(card.prospect.id) \(card.prospect.label)\(card.prospect.company.map { " (\($0))" } ?? ""): \(card.reasons.joined(separator: "; "))"
        }
    }
}
