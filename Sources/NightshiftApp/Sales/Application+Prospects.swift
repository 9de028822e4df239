public import Foundation
public import NightshiftCore
public import NightshiftSales

extension NightshiftApplication {
    /// The store's sales tables.
    func salesStore() throws -> any SalesStore {
        guard let sales = store as? any SalesStore else { throw AppError.failure("this store has no sales tables") }
        return sales
    }

    /// `nightshift prospects import`: the file at `path` (relative to the current folder), mapped
    /// by `[sales.import]` and then `mapping` (`--map`), stored in one transaction. A malformed
    /// file, or a mapping that does not fit it, is a usage error naming every problem.
    public func importProspects(path: String, mapping: [String: ProspectField], source: String?, skipBad: Bool) async throws -> ProspectImport.Summary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AppError.usage("\(path): cannot be read (no such file, or not readable)")
        }
        do {
            return try await ProspectImport(store: try salesStore()).run(
                data, file: path, mapping: mapping, defaults: salesSettings.importMapping, source: source ?? "csv", skipBad: skipBad,
                rejectDirectory: "\(workspace.root)/imports", at: clock.now()
            )
        } catch let refusal as ProspectImport.Refusal {
            throw AppError.usage(refusal.description)
        }
    }

    /// `nightshift prospects list`.
    public func listProspects(states: Set<ProspectState>, limit: Int) async throws -> [Prospect] {
        try await salesStore().prospects(tenant: "", states: states, limit: limit)
    }

    /// `nightshift prospects show ID`.
    public func prospect(_ id: String) async throws -> Prospect {
        guard let prospect = try await salesStore().prospect(id, tenant: "") else {
            throw AppError.failure("no prospect \(id); see nightshift prospects list")
        }
        return prospect
    }
}

extension NightshiftApplication {
    /// The buckets of this workspace: its holidays, its zone.
    func prospectBuckets() throws -> ProspectBuckets {
        ProspectBuckets(
            store: try salesStore(), holidays: configuration.section(SalesSettings.self)?.holidays ?? [], timeZone: configuration.settings.timeZone
        )
    }

    /// `nightshift prospects park ID --until YYYY-MM [--reason R]`.
    public func parkProspect(_ id: String, until month: String, reason: String?) async throws -> Prospect {
        do { return try await prospectBuckets().park(id, until: month, reason: reason, at: clock.now()) } catch let failure as ProspectBuckets.Failure {
            throw AppError.failure(failure.description)
        }
    }

    /// `nightshift prospects dnc ID [--reason R]`: never contacted again (state `do_not_contact`).
    /// Marking one that is marked already changes nothing.
    public func markDoNotContact(_ id: String, reason: String?) async throws -> (Prospect, changed: Bool) {
        let sales = try salesStore()
        var prospect = try await self.prospect(id)
        guard prospect.state != .doNotContact,
              let activity = prospect.move(
                to: .doNotContact, reason: reason.map { "do not contact: \($0)" } ?? "do not contact", by: "operator", at: clock.now()
              )
        else { return (prospect, false) }
        _ = try await sales.updateProspects([prospect], activities: [activity])
        return (prospect, true)
    }

    /// `nightshift prospects activate [--month YYYY-MM]`: the parked prospects whose month came back.
    public func activateProspects(month: String?) async throws -> [Prospect] {
        do { return try await prospectBuckets().activate(month: month, at: clock.now()) } catch let failure as ProspectBuckets.Failure {
            throw AppError.usage(failure.description)
        }
    }
}

extension NightshiftApplication {
    /// The sales settings, or the defaults of a workspace without a `[sales]` table.
    var salesSettings: SalesSettings { configuration.section(SalesSettings.self) ?? SalesSettings() }

    /// The nightly steps' work, done by the operator from the CLI.
    func salesWork() throws -> SalesWork {
        SalesWork(store: try salesStore(), settings: salesSettings, timeZone: configuration.settings.timeZone, actor: "operator")
    }

    /// `nightshift prospects list` with its filters: states, a bucket month, a lowest score.
    public func listProspects(states: Set<ProspectState>, bucket: String?, minimumScore: Double?, limit: Int) async throws -> [Prospect] {
        if let bucket, ProspectBuckets.month(bucket) == nil { throw AppError.usage("--bucket must be a month written YYYY-MM, e.g. 2027-03, found \"\(bucket)\"") }
        guard bucket != nil || minimumScore != nil else { return try await listProspects(states: states, limit: limit) }
        let all = try await salesStore().prospects(tenant: "", states: states, limit: Int.max)
        return Array(all.filter { prospect in
            (bucket.map { prospect.bucketMonth == $0 } ?? true) && (minimumScore.map { prospect.score >= $0 } ?? true)
        }.prefix(limit))
    }

    /// `nightshift prospects show ID`: the prospect and its latest activities (newest first).
    public func prospectActivities(_ id: String, limit: Int = 20) async throws -> [ProspectActivity] {
        try await salesStore().activities(tenant: "", prospect: id, kinds: [], since: nil, newestFirst: true, limit: limit)
    }

    /// `nightshift prospects dedupe [--dry-run]`.
    public func dedupeProspects(dryRun: Bool) async throws -> [SalesWork.DuplicateSet] {
        try await salesWork().dedupe(dryRun: dryRun, at: clock.now())
    }

    /// `nightshift prospects unmerge ID`.
    public func unmergeProspects(_ id: String) async throws -> ProspectMerge {
        do { return try await salesWork().unmerge(id, at: clock.now()) } catch let failure as SalesWork.UnmergeFailure {
            throw AppError.failure(failure.description)
        }
    }

    /// `nightshift prospects assess [--all]`.
    public func assessProspects(all: Bool) async throws -> SalesWork.AssessReport {
        try await salesWork().assess(all: all, at: clock.now())
    }

    /// `nightshift prospects score`: every prospect scored again.
    public func rescoreProspects() async throws -> SalesWork.ScoreReport {
        try await salesWork().rescore(at: clock.now())
    }

    /// `nightshift prospects score --explain ID`: the prospect's score as the rules give it now.
    public func explainScore(_ id: String) async throws -> (prospect: Prospect, score: Double, parts: [ScorePart]) {
        let prospect = try await self.prospect(id)
        let (score, parts) = salesSettings.scoring.score(prospect, at: clock.now())
        return (prospect, score, parts)
    }

    /// `nightshift prospects cards [-n N]`.
    public func prospectCards(count: Int?) async throws -> [ProspectCard] {
        try await salesWork().cards(count: count ?? salesSettings.cardCount, at: clock.now())
    }

    /// `nightshift prospects note ID TEXT`.
    public func noteProspect(_ id: String, text: String) async throws -> ProspectActivity {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw AppError.usage("the note is empty") }
        guard text.count <= 10_000 else { throw AppError.usage("a note holds at most 10,000 characters, found \(text.count)") }
        guard let note = try await salesWork().note(id, text: text, at: clock.now()) else {
            throw AppError.failure("no prospect \(id); see nightshift prospects list")
        }
        return note
    }

    /// `nightshift prospects intel [ID] [--scan]`: the nuggets found (after reading the notes since
    /// the last run when `scan`), newest first.
    public func prospectIntel(_ id: String?, scan: Bool) async throws -> [ProspectActivity] {
        if let id { _ = try await prospect(id) }
        if scan {
            let extractor: any IntelExtractor = salesSettings.intelCommand.isEmpty
                ? RuleIntelExtractor(competitors: salesSettings.competitors) : CommandIntelExtractor(gate: gate, runID: nil)
            _ = try await salesWork().extractIntel(using: extractor, at: clock.now())
        }
        return try await salesStore().activities(tenant: "", prospect: id, kinds: [.intel], since: nil, newestFirst: true, limit: 1000)
    }

    /// `nightshift prospects export`: the prospects in `states` as CSV (the import's columns and
    /// the pack's own), to `path` or as text.
    public func exportProspects(states: Set<ProspectState>) async throws -> String {
        let prospects = try await salesStore().prospects(tenant: "", states: states, limit: Int.max)
        let zone = configuration.settings.timeZone
        let customKeys = Set(prospects.flatMap(\.custom.keys)).sorted()
        let header = [
            "id", "name", "first_name", "last_name", "email", "other_emails", "company", "domain", "title", "phone", "source", "external_ids",
            "state", "state_reason", "bucket_month", "score", "flags", "last_touch_at", "created_at",
        ] + customKeys.map { "custom.\($0)" }
        var lines = [header.map(CSVTable.quoted).joined(separator: ",")]
        for prospect in prospects {
            let cells = [
                prospect.id, prospect.name ?? "", prospect.firstName ?? "", prospect.lastName ?? "", prospect.emails.first ?? "",
                prospect.emails.dropFirst().joined(separator: ";"), prospect.company ?? "", prospect.domain ?? "", prospect.title ?? "",
                prospect.phone ?? "", prospect.source ?? "", prospect.externalIDs.joined(separator: ";"), prospect.state.rawValue,
                prospect.stateReason ?? "", prospect.bucketMonth ?? "", JSONValue.number(prospect.score).text,
                prospect.flags.sorted().map(\.rawValue).joined(separator: ";"), prospect.lastTouchAt.map { ISO8601.format($0, in: zone) } ?? "",
                ISO8601.format(prospect.createdAt, in: zone),
            ] + customKeys.map { prospect.custom[$0] ?? "" }
            lines.append(cells.map(CSVTable.quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

extension NightshiftApplication {
    /// `nightshift prospects pull [--limit N]`: a `pull_prospects` action proposed to the gate and
    /// run as a run of its own.
    public func pullProspects(limit: Int?) async throws -> PolicyGate.Outcome {
        guard let crm = salesSettings.crm else {
            throw AppError.usage("\(workspace.configPath) has no [sales.crm] table: name the CRM (kind, url, token = \"env:NAME\") to pull from; docs/SALES.md shows one")
        }
        return try await gate.proposeAsRun(PullHandler.proposal(limit: limit ?? crm.pullLimit, why: "operator", actor: Actor(.cli, "operator")))
    }
}

extension NightshiftApplication {
    /// `nightshift outbox list`.
    public func outbox(states: Set<OutboxItem.State>, prospect: String?, limit: Int) async throws -> [OutboxItem] {
        try await salesStore().outboxItems(tenant: "", states: states, prospect: prospect, since: nil, limit: limit)
    }

    /// `nightshift outbox show ID`.
    public func outboxItem(_ id: String) async throws -> OutboxItem {
        guard let item = try await salesStore().outboxItem(id, tenant: "") else {
            throw AppError.failure("no outbox item \(id); see nightshift outbox list")
        }
        return item
    }
}
