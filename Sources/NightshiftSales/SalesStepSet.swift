public import Foundation
public import NightshiftCore

/// The `sales.*` steps of one workspace: what each does, over ``SalesWork``.
struct SalesStepSet: Sendable {
    let store: any SalesStore
    let settings: SalesSettings
    let timeZone: TimeZone
    let root: String
    let reportsDirectory: String

    init(store: any SalesStore, settings: SalesSettings, context: PackContext) {
        self.store = store
        self.settings = settings
        self.timeZone = context.configuration.settings.timeZone
        self.root = context.root
        self.reportsDirectory = context.reportsDirectory
    }

    var work: SalesWork { SalesWork(store: store, settings: settings, timeZone: timeZone) }

    var steps: [any PackStep] {
        let work = self.work, settings = self.settings, store = self.store, set = self
        return [
            SalesStep(name: "sales.backup", summary: "copy the store to backups/YYYY-MM-DD.sqlite, check it, keep the newest") { context in
                try await set.backup(context)
            },
            SalesStep(name: "sales.pull", summary: "pull new and changed contacts from the CRM; replenish a thin pool") { context in
                try await set.pull(context)
            },
            SalesStep(name: "sales.dedupe", summary: "merge duplicate prospects (exact address, then alike names within a company)") { context in
                let sets = try await work.dedupe(dryRun: false, at: context.now)
                let lines = sets.isEmpty ? ["no duplicates"] : sets.map { "merged \($0.merged.map(\.id).joined(separator: ", ")) into \($0.survivor.id) (\($0.survivor.label))" }
                return (lines, ["merged": .integer(Int64(sets.count)), "merges": SalesStep.first(sets.map(\.json))])
            },
            SalesStep(name: "sales.assess", summary: "assess new records: broken (with the reason) or unengaged") { context in
                let report = try await work.assess(at: context.now)
                return (["assessed \(report.assessed): \(report.whole) whole, \(report.broken.count) broken"], [
                    "assessed": .integer(Int64(report.assessed)), "whole": .integer(Int64(report.whole)),
                    "broken": .integer(Int64(report.broken.count)),
                    "first_broken": SalesStep.first(report.broken.map { .object(["id": .string($0.id), "reason": .string($0.reason)]) }),
                ])
            },
            SalesStep(name: "sales.research", summary: "give broken records to the research agent, through the gate, within the nightly budget") { context in
                try await set.research(context)
            },
            SalesStep(name: "sales.groundskeeper", summary: "set and clear the stale flags (stale, refresh, bounced, changed)") { context in
                let report = try await work.groundskeeper(at: context.now)
                let set = report.set.values.reduce(0, +), cleared = report.cleared.values.reduce(0, +)
                return (["flags set \(set), cleared \(cleared); now " + ProspectFlag.allCases.map { "\(report.totals[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")], ["flags": report.json])
            },
            SalesStep(name: "sales.rescore", summary: "score every prospect by [sales.scoring]") { context in
                let report = try await work.rescore(at: context.now)
                return (["scored \(report.scored), \(report.changed) changed"], ["rescore": report.json])
            },
            SalesStep(name: "sales.buckets", summary: "bring back the parked prospects whose month's first business day has come") { context in
                let back = try await work.activateBuckets(at: context.now)
                return (back.isEmpty ? ["no bucket comes back today"] : back.map { "back: \($0.id) (\($0.label))" }, ["activated": .integer(Int64(back.count)), "first_activated": SalesStep.first(back.map { .string($0.id) })])
            },
            SalesStep(name: "sales.nurture", summary: "draft the due nurture mails into the outbox") { context in
                try await set.nurture(context)
            },
            SalesStep(name: "sales.brief", summary: "write the day's first cards to reports/cards/YYYY-MM-DD.md") { context in
                try await set.cards(context)
            },
            SalesStep(name: "sales.calendar", summary: "meetings with prospects in [sales.calendars] become activities (and touches)") { context in
                guard let calendars = settings.calendars else { return (["no calendar is configured ([sales.calendars] files)"], ["meetings": .integer(0)]) }
                let added = try await work.syncCalendar(calendars, root: set.root, at: context.now)
                return (["\(added) new meeting\(added == 1 ? "" : "s") with prospects"], ["meetings": .integer(Int64(added))])
            },
            SalesStep(name: "sales.prep", summary: "a prep note in reports/prep/ for each meeting with prospects in the next prep_hours") { context in
                guard let calendars = settings.calendars else { return (["no calendar is configured ([sales.calendars] files)"], ["prepared": .integer(0)]) }
                let paths = try await work.prepareMeetings(calendars, root: set.root, directory: "\(set.reportsDirectory)/prep", at: context.now)
                return (paths.isEmpty ? ["no meeting with prospects in the next \(calendars.prepHours) hours"] : paths.map { "prepared \($0)" },
                        ["prepared": .integer(Int64(paths.count))])
            },
            SalesStep(name: "sales.intel", summary: "find amounts, dates, competitors and buying signals in the notes since the last run") { context in
                let extractor: any IntelExtractor = settings.intelCommand.isEmpty
                    ? RuleIntelExtractor(competitors: settings.competitors) : CommandIntelExtractor(gate: context.gate, runID: context.action.runID)
                let nuggets = try await work.extractIntel(using: extractor, at: context.now)
                return (nuggets.isEmpty ? ["no new intel"] : nuggets.map { "\($0.prospectID): \($0.summary)" }, ["nuggets": .integer(Int64(nuggets.count))])
            },
        ]
    }

    /// `sales.backup`.
    func backup(_ context: StepContext) async throws -> (lines: [String], json: [String: JSONValue]) {
        guard let source = store as? any SalesBackupSource else {
            return (["this store is not a SQLite file: back the database up with its own tools (pg_dump)"], ["backup": .null])
        }
        let directory = "\(root)/backups"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let day = CalendarDay(context.now, in: timeZone).description
        let path = "\(directory)/\(day).sqlite"
        let check = try await source.backupDatabase(to: path)
        guard check == "ok" else { throw SalesStepFailure(description: "the backup \(path) failed its integrity check: \(check)") }
        var lines = ["backed up to backups/\(day).sqlite (integrity ok)"]
        let backups = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".sqlite") && CalendarDay(String($0.dropLast(7))) != nil }.sorted()
        let removed = backups.dropLast(settings.backupKeep)
        for name in removed { try? FileManager.default.removeItem(atPath: "\(directory)/\(name)") }
        if !removed.isEmpty { lines.append("removed \(removed.count) older backup\(removed.count == 1 ? "" : "s") (keep = \(settings.backupKeep))") }
        var copied: JSONValue = .null
        if !settings.backupCopy.isEmpty {
            let argv = settings.backupCopy.map { $0.replacingOccurrences(of: "{file}", with: path) }
            let outcome = try await context.gate.propose(BackupCopyHandler.proposal(argv: argv, file: path), runID: context.action.runID)
            lines.append(outcome.result.succeeded && outcome.executed ? "copied: \(argv.joined(separator: " "))" : "the copy did not run: \(outcome.result.error ?? outcome.result.gate?.summary ?? "not executed")")
            copied = .bool(outcome.result.succeeded && outcome.executed)
        }
        return (lines, ["backup": .string(path), "kept": .integer(Int64(min(backups.count, settings.backupKeep))), "copied": copied])
    }

    /// `sales.pull`: a `pull_prospects` proposal of `[sales.crm] pull_limit`, then, when the
    /// unengaged pool is under `replenish_below`, one of `replenish_limit` more.
    func pull(_ context: StepContext) async throws -> (lines: [String], json: [String: JSONValue]) {
        guard let crm = settings.crm else {
            let pool = try await store.prospectTotals(tenant: "")[.unengaged] ?? 0
            var lines = ["no CRM is configured ([sales.crm]): nothing pulled"]
            if pool < settings.replenishBelow { lines.append("the unengaged pool is low (\(pool) < \(settings.replenishBelow)) and there is no CRM to replenish it from") }
            return (lines, ["pulled": .null, "unengaged": .integer(Int64(pool))])
        }
        var lines: [String] = []
        var json: [String: JSONValue] = [:]
        func propose(_ limit: Int, _ why: String) async throws -> Bool {
            let outcome = try await context.gate.propose(PullHandler.proposal(limit: limit, why: why, actor: Actor(.pack, "sales")), runID: context.action.runID)
            let said = outcome.result.output.split(separator: "\n").first { !$0.hasPrefix(StepOutput.marker) }.map(String.init)
            lines.append("\(why): " + (outcome.executed && outcome.result.succeeded ? said ?? "pulled" : outcome.result.error ?? outcome.result.gate?.summary ?? "not executed"))
            if case .success(let value?) = StepOutput.parse(outcome.result.output) { json[why] = value }
            return outcome.executed && outcome.result.succeeded
        }
        guard try await propose(crm.pullLimit, "nightly") else { throw SalesStepFailure(description: lines.joined(separator: "; ")) }
        let pool = try await store.prospectTotals(tenant: "")[.unengaged] ?? 0
        json["unengaged"] = .integer(Int64(pool))
        if pool < settings.replenishBelow {
            lines.append("the unengaged pool is low (\(pool) < \(settings.replenishBelow)): replenishing")
            _ = try await propose(settings.replenishLimit, "replenish")
        }
        return (lines, json)
    }

    /// `sales.nurture`: each due draft proposed as a `draft_nurture_email` action.
    func nurture(_ context: StepContext) async throws -> (lines: [String], json: [String: JSONValue]) {
        guard !settings.nurture.isEmpty else {
            return (["no nurture sequence is configured ([sales.nurture.NAME]): nothing drafted"], ["drafted": .integer(0)])
        }
        let plan = try await work.nurturePlan(at: context.now)
        var lines: [String] = [], drafted = 0, parked = 0, refused = 0, failed = 0
        for (item, prospect) in plan.drafts {
            let outcome = try await context.gate.propose(DraftHandler.proposal(for: item, prospect: prospect), runID: context.action.runID)
            switch (outcome.decision.verdict, outcome.result.succeeded) {
            case (.allow, true):
                drafted += 1
                lines.append("drafted \(item.sequence) step \(item.step + 1) to \(item.recipient): \(item.subject)")
            case (.allow, false):
                failed += 1
                lines.append("no draft for \(prospect.id): \(outcome.result.error ?? "failed")")
            case (.approve, _):
                parked += 1
                lines.append("the draft to \(item.recipient) waits for approval (\(outcome.record.id))")
            case (.forbid, _):
                refused += 1
                lines.append("the draft to \(item.recipient) is forbidden by the policy: \(outcome.decision.reason)")
            }
        }
        lines += plan.skipped.map { "left out \($0.id): \($0.reason)" }
        if lines.isEmpty { lines.append("no nurture mail is due") }
        return (lines, [
            "drafted": .integer(Int64(drafted)), "awaiting_approval": .integer(Int64(parked)), "forbidden": .integer(Int64(refused)),
            "failed": .integer(Int64(failed)), "skipped": .integer(Int64(plan.skipped.count)),
        ])
    }

    /// `sales.research`: the broken records not researched in the last 30 days, oldest first,
    /// up to the budget, each a `research_prospect` proposal.
    func research(_ context: StepContext) async throws -> (lines: [String], json: [String: JSONValue]) {
        guard let research = settings.research else {
            return (["no research agent is configured ([sales.research] command): broken records wait for the operator"], ["researched": .integer(0)])
        }
        let now = context.now
        let due = try await store.prospects(tenant: "", states: [.broken], limit: Int.max)
            .filter { $0.researchedAt.map { now.timeIntervalSince($0) > 30 * 86_400 } ?? true }
        var lines: [String] = []
        var done = 0, parked = 0, refused = 0, failed = 0
        for prospect in due.prefix(research.budget) {
            let outcome = try await context.gate.propose(ResearchHandler.proposal(for: prospect), runID: context.action.runID)
            switch (outcome.decision.verdict, outcome.result.succeeded) {
            case (.allow, true):
                done += 1
                lines.append("researched \(prospect.id) (\(prospect.label))")
            case (.allow, false):
                failed += 1
                lines.append("research of \(prospect.id) failed: \(outcome.result.error ?? "no answer")")
            case (.approve, _):
                parked += 1
                lines.append("research of \(prospect.id) waits for approval (\(outcome.record.id))")
            case (.forbid, _):
                refused += 1
                lines.append("research of \(prospect.id) is forbidden by the policy: \(outcome.decision.reason)")
            }
        }
        if due.count > research.budget { lines.append("\(due.count - research.budget) more wait for tomorrow's budget (\(research.budget) a night)") }
        if lines.isEmpty { lines.append("no broken record to research") }
        return (lines, [
            "researched": .integer(Int64(done)), "failed": .integer(Int64(failed)), "awaiting_approval": .integer(Int64(parked)),
            "forbidden": .integer(Int64(refused)), "left": .integer(Int64(max(0, due.count - research.budget))),
        ])
    }

    /// `sales.brief`: the day's cards, to `reports/cards/YYYY-MM-DD.md` (and `.json`).
    func cards(_ context: StepContext) async throws -> (lines: [String], json: [String: JSONValue]) {
        let cards = try await work.cards(count: settings.cardCount, at: context.now)
        let day = CalendarDay(context.now, in: timeZone).description
        let directory = "\(reportsDirectory)/cards"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = SalesBriefContributor.cardLines(cards).joined(separator: "\n")
        try Data("# Cards for \(day)\n\n\(text)\n".utf8).write(to: URL(fileURLWithPath: "\(directory)/\(day).md"), options: .atomic)
        try Data(JSONValue.array(cards.map { $0.json(zone: timeZone) }).canonical.utf8).write(
            to: URL(fileURLWithPath: "\(directory)/\(day).json"), options: .atomic
        )
        return (["\(cards.count) card\(cards.count == 1 ? "" : "s") for \(day) in reports/cards/\(day).md"], ["cards": .array(cards.map { .string($0.prospect.id) })])
    }
}

/// A step that could not do its work, in one sentence.
struct SalesStepFailure: Error, CustomStringConvertible {
    var description: String
}

/// `backup_copy`: runs the `[sales.backup] copy` command on a finished backup (the cloud copy).
public struct BackupCopyHandler: ActionHandler {
    public static let type = "backup_copy"
    public var types: [String] { [Self.type] }

    static func proposal(argv: [String], file: String) -> ProposedAction {
        ProposedAction(
            type: type, attributes: ["file": .string(file)], payload: .object(["argv": .array(argv.map { .string($0) })]), actor: Actor(.pack, "sales"),
            summary: "copy the backup \(file) off the machine"
        )
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard case .object(let payload) = action.payload, case .array(let items)? = payload["argv"] else { return .failure("\(action.id) names no command") }
        let argv = items.compactMap(\.stringValue)
        guard !argv.isEmpty, let executor = context.executor else { return .failure("this process cannot run the copy command") }
        return await executor.execute(.command(CommandAction(program: .argv(argv))), context: context)
    }
}
