public import Foundation
public import NightshiftCore

/// The dedupe step: groups of one person found by ``DuplicateFinder``, each merged into its
/// richest record (``ProspectMerge``), every merge kept so that `prospects unmerge` can undo it.
extension SalesWork {
    /// One group the dedupe step found (and, unless it was a dry run, merged).
    public struct DuplicateSet: Sendable {
        public var survivor: Prospect
        public var merged: [Prospect]
        public var reasons: [String]
        public var mergeID: String?

        public var json: JSONValue {
            .object([
                "survivor": .string(survivor.id), "label": .string(survivor.label), "merged": .array(merged.map { .string($0.id) }),
                "reasons": .array(reasons.map { .string($0) }), "merge": mergeID.map { .string($0) } ?? .null,
            ])
        }
    }

    /// Finds the duplicates among the tenant's prospects and, unless `dryRun`, merges each group
    /// into its richest record in one transaction. A merge whose records changed since they were
    /// read is left for the next run.
    public func dedupe(dryRun: Bool, at now: Date) async throws -> [DuplicateSet] {
        // Only what the finder compares is read for every prospect; whole records only for the groups.
        let candidates = try await store.dedupeCandidates(tenant: tenant)
        let finder = DuplicateFinder(threshold: settings.dedupeThreshold, extraFreeMailDomains: settings.extraFreeMail)
        let records = candidates.map { candidate in
            DedupeRecord(
                emailKeys: candidate.emails.map(EmailAddress.identityKey), name: candidate.name, company: candidate.company, domain: candidate.domain
            )
        }
        let groups = finder.groups(records)
        var byID: [String: Prospect] = [:]
        let wanted = groups.flatMap { $0.members.map { candidates[$0].id } }
        for start in stride(from: 0, to: wanted.count, by: 5_000) {
            for prospect in try await store.prospects(tenant: tenant, ids: Array(wanted[start..<min(wanted.count, start + 5_000)])) {
                byID[prospect.id] = prospect
            }
        }
        var sets: [DuplicateSet] = []
        var merges: [ProspectMerge] = []
        for group in groups {
            // A record gone since the candidates were read (another process merged it) leaves the group for the next run.
            let members = group.members.compactMap { byID[candidates[$0].id] }
            guard members.count == group.members.count else { continue }
            let ordered = members.sorted { Self.richer($0, than: $1) }
            let reasons = group.links.map { link -> String in
                switch link.reason {
                case .sameEmail(let key): "\(candidates[link.a].id) and \(candidates[link.b].id) share \(key)"
                case .similarName(let similarity, let block):
                    "\(candidates[link.a].id) and \(candidates[link.b].id): names \(String(format: "%.2f", similarity)) alike at \(block)"
                }
            }
            var set = DuplicateSet(survivor: ordered[0], merged: Array(ordered.dropFirst()), reasons: reasons)
            if !dryRun {
                let merge = Self.merge(ordered, reasons: reasons, tenant: tenant, actor: actor, at: now)
                merges.append(merge)
                set.mergeID = merge.id
            }
            sets.append(set)
        }
        guard !dryRun, !merges.isEmpty else { return sets }
        var applied: Set<String> = []
        // In batches: each its own transaction, so a crash keeps the merges done and the next run does the rest.
        for start in stride(from: 0, to: merges.count, by: 2_000) {
            applied.formUnion(try await store.applyMerges(Array(merges[start..<min(merges.count, start + 2_000)])))
        }
        return sets.filter { $0.mergeID.map(applied.contains) ?? false }
    }

    /// How filled a record is: the number of its fields with a value, its addresses and ids.
    static func richness(_ prospect: Prospect) -> Int {
        [prospect.name, prospect.firstName, prospect.lastName, prospect.company, prospect.domain, prospect.title, prospect.phone]
            .compactMap { $0 }.count + prospect.emails.count + prospect.externalIDs.count + prospect.custom.count
    }

    /// The order of survival: the richer record first, then the older one, then by id.
    static func richer(_ a: Prospect, than b: Prospect) -> Bool {
        (richness(a), -StoredTime.millis(a.createdAt), b.id) > (richness(b), -StoredTime.millis(b.createdAt), a.id)
    }

    /// How far along a state is: a merged record takes the furthest of its members' (a record not
    /// to be contacted stays so).
    static func precedence(_ state: ProspectState) -> Int {
        switch state {
        case .doNotContact: 5
        case .customer: 4
        case .engaged: 3
        case .parked: 2
        case .unengaged: 1
        case .broken: 0
        }
    }

    /// `ordered` (the survivor first) merged into one: every address and source id kept, each
    /// empty field filled from the richest member that has it, the furthest state, the latest touch.
    static func merge(_ ordered: [Prospect], reasons: [String], tenant: String, actor: String, at now: Date) -> ProspectMerge {
        var after = ordered[0]
        for other in ordered.dropFirst() {
            after.fillEmpty(from: other)
            after.flags.formUnion(other.flags)
            if precedence(other.state) > precedence(after.state) {
                after.state = other.state
                after.stateReason = other.stateReason
                after.bucketMonth = other.bucketMonth
            }
            after.lastTouchAt = [after.lastTouchAt, other.lastTouchAt].compactMap { $0 }.max()
            after.sourcedAt = [after.sourcedAt, other.sourcedAt].compactMap { $0 }.max()
            after.changedAt = [after.changedAt, other.changedAt].compactMap { $0 }.max()
            after.bouncedAt = [after.bouncedAt, other.bouncedAt].compactMap { $0 }.max()
            after.repliedAt = [after.repliedAt, other.repliedAt].compactMap { $0 }.max()
            after.pausedUntil = [after.pausedUntil, other.pausedUntil].compactMap { $0 }.max()
        }
        // A broken survivor made whole by its members is whole (the merge's activity says why).
        if after.state == .broken, ProspectAssessment.problems(of: after).isEmpty {
            after.state = .unengaged
            after.stateReason = "whole after the merge"
            after.assessedAt = now
        }
        after.updatedAt = now
        let members = ordered.map { "\($0.id)=\($0.stored)" }.joined(separator: "\u{1F}")
        return ProspectMerge(
            id: "m_" + SHA256Hex.of(members).prefix(24), tenant: tenant, at: now, before: ordered[0], after: after,
            merged: Array(ordered.dropFirst()), reasons: reasons, actor: actor
        )
    }

    // MARK: unmerge

    /// Why an unmerge was refused, in one sentence.
    public struct UnmergeFailure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Undoes the merge `id` (a merge's id, or a survivor's id: its latest merge not undone). The
    /// merged records come back as they were; the survivor loses the addresses and ids they
    /// brought, and each field the merge filled goes back to its value before unless it was
    /// changed since.
    public func unmerge(_ id: String, at now: Date) async throws -> ProspectMerge {
        let all = try await store.merges(tenant: tenant, survivor: nil)
        guard let merge = all.first(where: { $0.id == id && $0.undoneAt == nil }) ?? all.first(where: { $0.survivorID == id && $0.undoneAt == nil }) else {
            if all.contains(where: { ($0.id == id || $0.survivorID == id) }) {
                throw UnmergeFailure(description: "\(id): its merges are undone already")
            }
            throw UnmergeFailure(description: "no merge \(id): give a merge's id (m_…) or the id of a prospect others were merged into; see nightshift prospects show ID --json")
        }
        guard let current = try await store.prospect(merge.survivorID, tenant: tenant) else {
            throw UnmergeFailure(description: "\(merge.survivorID), the record \(merge.id) merged into, is no longer stored")
        }
        let survivor = Self.reverted(current, merge: merge, at: now)
        let activity = ProspectActivity(
            id: ProspectActivity.stableID(.unmerged, merge.id), tenant: tenant, prospectID: merge.survivorID, at: now, kind: .unmerged, actor: actor,
            summary: "unmerged \(merge.merged.map(\.id).joined(separator: ", ")) (merge \(merge.id))",
            data: .object(["merge": .string(merge.id), "merged": .array(merge.merged.map { .string($0.id) })])
        )
        var undone = merge
        undone.undoneAt = now
        guard try await store.undoMerge(undone, survivor: survivor, activities: [activity]) else {
            throw UnmergeFailure(description: "\(merge.id) is undone already")
        }
        return undone
    }

    /// `current` without what `merge` brought: a three-way revert, field by field.
    static func reverted(_ current: Prospect, merge: ProspectMerge, at now: Date) -> Prospect {
        var result = current
        let before = merge.before, after = merge.after
        func back<T: Equatable>(_ path: WritableKeyPath<Prospect, T>) {
            if current[keyPath: path] == after[keyPath: path] { result[keyPath: path] = before[keyPath: path] }
        }
        back(\.name)
        back(\.firstName)
        back(\.lastName)
        back(\.company)
        back(\.domain)
        back(\.title)
        back(\.phone)
        back(\.source)
        back(\.custom)
        back(\.state)
        back(\.stateReason)
        back(\.bucketMonth)
        back(\.flags)
        let brought = Set(after.emails.map(EmailAddress.identityKey)).subtracting(before.emails.map(EmailAddress.identityKey))
        result.emails.removeAll { brought.contains(EmailAddress.identityKey($0)) }
        let broughtIDs = Set(after.externalIDs).subtracting(before.externalIDs)
        result.externalIDs.removeAll { broughtIDs.contains($0) }
        result.updatedAt = now
        return result
    }
}
