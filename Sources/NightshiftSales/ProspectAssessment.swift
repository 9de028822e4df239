public import Foundation
public import NightshiftCore

/// The assess step's rule: a record can be worked when it has a valid address, a name and a
/// company; otherwise it is `broken` with the reason, for the research step.
public enum ProspectAssessment {
    /// What the record lacks, in words; empty when it is whole.
    public static func problems(of prospect: Prospect) -> [String] {
        var problems: [String] = []
        if prospect.emails.first.flatMap(EmailAddress.normalised) == nil { problems.append("no valid email") }
        if (prospect.name ?? "").trimmed().isEmpty { problems.append("no name") }
        if (prospect.company ?? "").trimmed().isEmpty { problems.append("no company") }
        return problems
    }

    /// Assesses `prospect` (only an `unengaged` or `broken` one changes state): `broken` with the
    /// reason, or `unengaged`; marks it assessed at `now`. Returns the activity of a change of
    /// state; a record still broken keeps its first reason when the problems are the same.
    public static func assess(_ prospect: inout Prospect, by actor: String, at now: Date, activityID: String? = nil) -> ProspectActivity? {
        prospect.assessedAt = now
        guard prospect.state == .unengaged || prospect.state == .broken else { return nil }
        let problems = problems(of: prospect)
        if problems.isEmpty {
            guard prospect.state == .broken else { return nil }
            return prospect.move(to: .unengaged, reason: "assessed: whole", by: actor, at: now, activityID: activityID)
        }
        let reason = problems.joined(separator: ", ")
        if prospect.state == .broken {
            // Still broken: the reason is brought up to date without an activity of its own.
            if let current = prospect.stateReason, problems.allSatisfy({ current.contains($0) }) { return nil }
            prospect.stateReason = reason
            return nil
        }
        return prospect.move(to: .broken, reason: reason, by: actor, at: now, activityID: activityID)
    }
}

/// The groundskeeper step's rule: which flags hold for a prospect now.
public struct Groundskeeper: Sendable {
    public var staleAfter: Duration
    public var refreshAfter: Duration
    public var changedWithin: Duration

    public init(settings: SalesSettings) {
        staleAfter = settings.staleAfter
        refreshAfter = settings.refreshAfter
        changedWithin = settings.changedWithin
    }

    static func seconds(_ duration: Duration) -> TimeInterval { Double(duration.components.seconds) }

    /// The flags of `prospect` at `now`: `stale` (no touch since `stale_after`, counting from its
    /// creation when it never had one), `refresh` (its data older than `refresh_after`), `bounced`,
    /// `changed` (a pull changed its title or company within `changed_within`). A customer or a
    /// prospect not to be contacted is never stale.
    public func flags(of prospect: Prospect, at now: Date) -> Set<ProspectFlag> {
        var flags: Set<ProspectFlag> = []
        let worked = prospect.state != .customer && prospect.state != .doNotContact
        if worked, now.timeIntervalSince(prospect.lastTouchAt ?? prospect.createdAt) > Self.seconds(staleAfter) { flags.insert(.stale) }
        if now.timeIntervalSince(prospect.sourcedAt ?? prospect.createdAt) > Self.seconds(refreshAfter) { flags.insert(.refresh) }
        if prospect.bouncedAt != nil { flags.insert(.bounced) }
        if let changed = prospect.changedAt, now.timeIntervalSince(changed) <= Self.seconds(changedWithin) { flags.insert(.changed) }
        return flags
    }
}
