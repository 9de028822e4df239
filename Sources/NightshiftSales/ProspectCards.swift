public import Foundation
public import NightshiftCore

/// One prospect to work today, with why it is on the list.
public struct ProspectCard: Sendable {
    public var prospect: Prospect
    /// The score plus what the due touches add.
    public var rank: Double
    public var reasons: [String]

    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "id": .string(prospect.id), "label": .string(prospect.label), "company": prospect.company.map { .string($0) } ?? .null,
            "state": .string(prospect.state.rawValue), "score": .number(prospect.score), "rank": .number(rank),
            "reasons": .array(reasons.map { .string($0) }),
        ])
    }
}

extension SalesWork {
    /// The day's cards: the `unengaged` and `engaged` prospects (none bounced), ranked by score
    /// and due touches — a follow-up due after a week without touch (+20), back from a bucket in
    /// the last three days (+15), intel in the last week (+10), never touched (+5) — each with its
    /// reasons. At most `count`.
    public func cards(count: Int, at now: Date) async throws -> [ProspectCard] {
        let day: TimeInterval = 86_400
        let recent = try await store.activities(
            tenant: tenant, prospect: nil, kinds: [.state, .intel], since: now.addingTimeInterval(-7 * day), newestFirst: true, limit: Int.max
        )
        var backFromBucket: [String: String] = [:]
        var intel: [String: String] = [:]
        for activity in recent {
            if activity.kind == .state, activity.at >= now.addingTimeInterval(-3 * day), activity.summary.contains("back from the") {
                backFromBucket[activity.prospectID] = backFromBucket[activity.prospectID] ?? activity.summary
            }
            if activity.kind == .intel { intel[activity.prospectID] = intel[activity.prospectID] ?? activity.summary }
        }
        func card(_ prospect: Prospect) -> ProspectCard {
            var rank = prospect.score
            var reasons = ["score \(JSONValue.number(prospect.score).text)"]
            if prospect.state == .engaged, let touch = prospect.lastTouchAt ?? Optional(prospect.createdAt), now.timeIntervalSince(touch) >= 7 * day {
                rank += 20
                reasons.append("follow-up due: no touch for \(Int(now.timeIntervalSince(touch) / day)) days")
            }
            if let back = backFromBucket[prospect.id] {
                rank += 15
                reasons.append(back.replacingOccurrences(of: "parked → unengaged: ", with: ""))
            }
            if let nugget = intel[prospect.id] {
                rank += 10
                reasons.append("new intel: \(nugget)")
            }
            if prospect.lastTouchAt == nil, prospect.state == .unengaged {
                rank += 5
                reasons.append("never touched")
            }
            return ProspectCard(prospect: prospect, rank: rank, reasons: reasons)
        }
        var cards: [ProspectCard] = []
        try await forEachPage([.unengaged, .engaged]) { page in
            cards += page.filter { !$0.flags.contains(.bounced) }.map(card)
            // Only the best `count` are kept from page to page.
            cards.sort { ($0.rank, $1.prospect.id) > ($1.rank, $0.prospect.id) }
            cards.removeSubrange(min(cards.count, max(0, count))...)
        }
        return cards
    }
}
