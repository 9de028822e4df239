public import Foundation
public import NightshiftCore

/// The sales pack (docs/SALES.md): `[sales]`, the prospects, their activities and merges, the
/// `nightly` cycle and its `sales.*` steps, the research agent's `research_prospect` action, and
/// the brief's sales section.
public struct SalesPack: Pack {
    public var name: String { "sales" }
    public init() {}
    public var configSections: [any ConfigSection.Type] { [SalesSettings.self] }
    public var sqliteMigrations: [PackMigration] { SalesSchema.sqlite }
    public var postgresMigrations: [PackMigration] { SalesSchema.postgres }
    public var storeTables: [String] { SalesSchema.tables }

    /// Researching a broken record is the pack's own work (bounded by `[sales.research] budget`);
    /// copying a backup off the machine is too.
    public var catalog: [String: Tier] { [
            ResearchHandler.type: .autonomous, BackupCopyHandler.type: .autonomous, PullHandler.type: .autonomous, DraftHandler.type: .autonomous,
            IntelHandler.type: .autonomous,
        ] }

    /// Adds the `nightly` cycle to a workspace with a `[sales]` table (unless the name is taken).
    public func install(into configuration: inout WorkspaceConfiguration) throws {
        guard let settings = configuration.section(SalesSettings.self) else { return }
        // The CRM token and the research agent's variables are secrets Nightshift redacts.
        if let crm = settings.crm { configuration.environmentNames.insert(crm.tokenVariable) }
        configuration.environmentNames.formUnion(settings.research?.environment ?? [])
        let zone = configuration.settings.timeZone
        if configuration.job(named: "nightly") == nil {
            let cycle = try SalesNightly.cycle(settings: settings, timeZone: zone)
            configuration.cycles.append(cycle)
            configuration.jobs.append(cycle.job)
        }
        // The reference's orchestrator tasks, as jobs of their own.
        var jobs: [(String, String, String, String)] = []
        if !settings.nurture.isEmpty { jobs.append(("sales-nurture", "15 */4 * * *", "sales.nurture", "Drafts the due nurture mails into the outbox, every 4 hours")) }
        if settings.calendars != nil {
            jobs.append(("sales-calendar-sync", "5 * * * *", "sales.calendar", "Meetings with prospects in the calendars become activities, hourly"))
            jobs.append(("sales-demo-prep", "10 * * * *", "sales.prep", "A prep note in reports/prep/ for each upcoming meeting with prospects, hourly"))
        }
        for (name, cron, step, what) in jobs where configuration.job(named: name) == nil {
            configuration.jobs.append(Job(
                name: name, description: what, schedule: try Schedule.cron(parsing: cron), timeZone: zone, action: .step(step),
                timeout: .seconds(600), overlap: .skip, missed: .skip
            ))
        }
    }

    public func handlers(_ context: PackContext) -> [any ActionHandler] {
        guard let settings = context.configuration.section(SalesSettings.self), let store = context.store as? any SalesStore else { return [] }
        var handlers: [any ActionHandler] = [BackupCopyHandler(), DraftHandler(store: store)]
        if let crm = settings.crm {
            handlers.append(PullHandler(store: store, settings: crm, clock: context.clock, environment: { ProcessInfo.processInfo.environment }))
        }
        if !settings.intelCommand.isEmpty {
            handlers.append(IntelHandler(command: settings.intelCommand, directory: "\(context.root)/state/intel"))
        }
        if let research = settings.research {
            handlers.append(ResearchHandler(store: store, settings: research, directory: "\(context.root)/state/research", clock: context.clock))
        }
        return handlers
    }

    public func steps(_ context: PackContext) -> [any PackStep] {
        guard let settings = context.configuration.section(SalesSettings.self), let store = context.store as? any SalesStore else { return [] }
        return SalesStepSet(store: store, settings: settings, context: context).steps
    }

    public func briefContributors(_ context: PackContext) -> [any BriefContributor] {
        guard let settings = context.configuration.section(SalesSettings.self) else { return [] }
        return [SalesBriefContributor(settings: settings)]
    }
}

/// `nightshift prospects import`: a CSV file read whole (``CSVTable``), its columns mapped
/// (``ProspectImportReader``), its rows stored as prospects in one transaction.
///
/// A file with a malformed row imports nothing and names every bad line, unless `skipBad`, which
/// imports the good rows and writes the bad ones to `imports/rejected-TIMESTAMP.csv`. A row that
/// parses but lacks a valid email or a name is imported as `broken` with the reason.
public struct ProspectImport: Sendable {
    /// What an import did, as `prospects import` prints it.
    public struct Summary: Sendable {
        /// Rows stored as new prospects, `broken` ones included.
        public var inserted: Int
        /// Stored prospects that rows of their mailbox filled in.
        public var updated: Int
        /// Rows of a mailbox another row of the file has already: merged into that row's prospect.
        public var merged: Int
        /// Of those, the rows stored as `broken`, each with its line and reason.
        public var broken: [(line: Int, reason: String)]
        /// Rows whose id or main address is stored already: left as they are.
        public var alreadyStored: Int
        /// Lines refused as malformed (with `skipBad`), and where they were written.
        public var rejected: [CSVProblem]
        public var rejectedFile: String?
        /// Columns of the file that fill no field.
        public var ignoredColumns: [String]

        /// As `--json` prints it.
        public var json: JSONValue {
            .object([
                "inserted": .integer(Int64(inserted)), "updated": .integer(Int64(updated)), "merged": .integer(Int64(merged)),
                "already_stored": .integer(Int64(alreadyStored)),
                "broken": .array(broken.map { .object(["line": .integer(Int64($0.line)), "reason": .string($0.reason)]) }),
                "rejected": .array(rejected.map { .object(["line": .integer(Int64($0.line)), "message": .string($0.message)]) }),
                "rejected_file": rejectedFile.map { .string($0) } ?? .null,
                "ignored_columns": .array(ignoredColumns.map { .string($0) }),
            ])
        }
    }

    /// Why nothing was imported: the file's problems (every one), or the mapping's.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    let store: any SalesStore
    let tenant: String

    public init(store: any SalesStore, tenant: String = "") {
        self.store = store
        self.tenant = tenant
    }

    /// Imports `data`, the file `file`; `rejectDirectory` is where `skipBad` writes the bad rows.
    /// `defaults` (`[sales.import]`) map the columns the file has; `mapping` (`--map`) must name columns it has.
    public func run(
        _ data: Data, file: String, mapping: [String: ProspectField], defaults: [String: ProspectField] = [:], source: String?, skipBad: Bool,
        rejectDirectory: String, at now: Date
    ) async throws -> Summary {
        var rejected: [CSVProblem] = []
        let table: CSVTable
        switch CSVTable.parse(data, file: file) {
        case .success(let parsed):
            table = parsed
        case .failure(let problems):
            // Only rows can be skipped: a bad header or a file that is not UTF-8 refuses it whole.
            guard skipBad, let lenient = Self.lenient(data, file: file, problems: problems) else {
                throw Refusal(description: problems.description + "\nnothing was imported; fix the lines above, or give --skip-bad to import the good rows")
            }
            (table, rejected) = lenient
        }
        let reader: ProspectImportReader
        do { reader = try ProspectImportReader(header: table.header, mapping: mapping, defaults: defaults) } catch {
            throw Refusal(description: "\(file): \(error.description)\nnothing was imported")
        }
        let drafts = reader.drafts(table.rows, source: source)
        var prospects: [Prospect] = []
        var activities: [ProspectActivity] = []
        var lines: [String: Int] = [:]
        // Rows of one mailbox within the file become one prospect: the later ones fill the first.
        var byKey: [String: Int] = [:]
        var merged = 0
        for draft in drafts {
            var prospect = Prospect(
                id: "p_" + RunID.make(now: now).dropFirst(2), tenant: tenant, name: draft.displayName, firstName: draft.firstName,
                lastName: draft.lastName, emails: draft.emails, company: draft.company, domain: draft.domain, title: draft.title,
                phone: draft.phone, source: draft.source, externalIDs: draft.externalIDs, custom: draft.custom, sourcedAt: now, createdAt: now
            )
            if let key = prospect.emailKey, let first = byKey[key] {
                prospects[first].fillEmpty(from: prospect)
                merged += 1
                continue
            }
            if let reason = draft.brokenReason {
                prospect.state = .broken
                prospect.stateReason = reason
            }
            lines[prospect.id] = draft.line
            if let key = prospect.emailKey { byKey[key] = prospects.count }
            prospects.append(prospect)
            activities.append(ProspectActivity(
                id: ProspectActivity.makeID(at: now), tenant: tenant, prospectID: prospect.id, at: now, kind: .imported, actor: "operator",
                summary: "imported from \(file) line \(draft.line)" + (prospect.state == .broken ? ", broken: \(prospect.stateReason ?? "")" : ""),
                data: .object(["file": .string(file), "line": .integer(Int64(draft.line)), "state": .string(prospect.state.rawValue)])
            ))
        }
        // A prospect whose mailbox is stored already fills what the stored one lacks, and no more.
        let stored = try await store.prospects(tenant: tenant, emailKeys: Array(byKey.keys))
        var updates: [Prospect] = []
        var alreadyStored = 0
        for var existing in stored {
            guard let key = existing.emailKey, let index = byKey[key] else { continue }
            let incoming = prospects[index]
            prospects[index].id = ""
            if existing.fillEmpty(from: incoming) {
                existing.sourcedAt = now
                existing.updatedAt = now
                if existing.state == .broken { existing.assessedAt = nil }
                updates.append(existing)
                activities.append(ProspectActivity(
                    id: ProspectActivity.makeID(at: now), tenant: tenant, prospectID: existing.id, at: now, kind: .updated, actor: "operator",
                    summary: "filled from \(file)", data: .object(["file": .string(file)])
                ))
            } else {
                alreadyStored += 1
            }
        }
        let fresh = prospects.filter { !$0.id.isEmpty }
        let broken = fresh.filter { $0.state == .broken }.map { (line: lines[$0.id] ?? 0, reason: $0.stateReason ?? "") }
        if !updates.isEmpty { _ = try await store.updateProspects(updates, activities: activities.filter { $0.kind == .updated }) }
        let inserted = try await store.insertProspects(fresh, activities: activities.filter { $0.kind == .imported })
        var rejectedFile: String?
        if !rejected.isEmpty {
            rejectedFile = try Self.writeRejected(data, problems: rejected, to: rejectDirectory, at: now)
        }
        return Summary(
            inserted: inserted, updated: updates.count, merged: merged, broken: broken, alreadyStored: alreadyStored + fresh.count - inserted,
            rejected: rejected, rejectedFile: rejectedFile, ignoredColumns: reader.ignoredColumns
        )
    }

    /// The file without its malformed records, when only records are malformed: the table of the
    /// good rows and the problems of the bad ones.
    static func lenient(_ data: Data, file: String, problems: CSVProblems) -> (CSVTable, [CSVProblem])? {
        let badLines = Set(problems.problems.map(\.line))
        // Past the cap, the problems listed are not all there are: the file is refused whole.
        guard !badLines.contains(1), problems.problems.count <= CSVTable.maximumProblems else { return nil }
        // Drop the physical lines of the bad records and parse again; what remains must be clean.
        guard let text = String(data: data, encoding: .utf8) else { return nil }
        var lines = text.components(separatedBy: "\n")
        for index in lines.indices where badLines.contains(index + 1) { lines[index] = "" }
        guard case .success(let table) = CSVTable.parse(Data(lines.joined(separator: "\n").utf8), file: file) else { return nil }
        return (table, problems.problems)
    }

    /// Writes the rejected lines, each after a comment line saying why, to
    /// `imports/rejected-TIMESTAMP.csv`; returns its path.
    static func writeRejected(_ data: Data, problems: [CSVProblem], to directory: String, at now: Date) throws -> String {
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        var out: [String] = []
        if let header = lines.first { out.append(header) }
        for problem in problems where problem.line >= 1 && problem.line <= lines.count {
            out.append(lines[problem.line - 1])
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = ISO8601.format(now, in: .gmt).replacingOccurrences(of: ":", with: "")
        let path = "\(directory)/rejected-\(stamp).csv"
        try Data((out.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}
