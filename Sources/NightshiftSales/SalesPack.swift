public import Foundation
public import NightshiftCore
public import ServiceLifecycle

/// The sales pack (docs/SALES.md): `[sales]`, the prospects, their activities and merges, the
/// `nightly` cycle and its `sales.*` steps, the research agent's `research_prospect` action, and
/// the brief's sales section.
public struct SalesPack: Pack {
    public var name: String { "sales" }
    public init() {}
    public var configSections: [any ConfigSection.Type] { [SalesSettings.self, MailSettings.self] }
    public var sqliteMigrations: [PackMigration] { SalesSchema.sqlite }
    public var postgresMigrations: [PackMigration] { SalesSchema.postgres }
    public var storeTables: [String] { SalesSchema.tables }

    /// Researching a broken record is the pack's own work (bounded by `[sales.research] budget`);
    /// copying a backup off the machine is too.
    public var catalog: [String: Tier] { [
            ResearchHandler.type: .autonomous, BackupCopyHandler.type: .autonomous, PullHandler.type: .autonomous, DraftHandler.type: .autonomous,
            IntelHandler.type: .autonomous, ClassifyReplyHandler.type: .autonomous,
            // Sending to a person waits for the operator unless the policy lets it go alone.
            SendEmailHandler.type: .approval,
        ] }

    /// Adds the `nightly` cycle to a workspace with a `[sales]` table (unless the name is taken).
    public func install(into configuration: inout WorkspaceConfiguration) throws {
        guard let settings = configuration.section(SalesSettings.self) else { return }
        // [mail] is the sales pack's mail: its jobs come with [sales].
        if let mail = configuration.section(MailSettings.self) { try MailPackParts.install(mail, into: &configuration) }
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
        if let mail = context.configuration.section(MailSettings.self) {
            handlers += MailPackParts(store: store, settings: mail, sales: settings, context: context).handlers
        }
        return handlers
    }

    public func steps(_ context: PackContext) -> [any PackStep] {
        guard let settings = context.configuration.section(SalesSettings.self), let store = context.store as? any SalesStore else { return [] }
        var steps = SalesStepSet(store: store, settings: settings, context: context).steps
        if let mail = context.configuration.section(MailSettings.self) {
            steps += MailPackParts(store: store, settings: mail, sales: settings, context: context).steps
        }
        return steps
    }

    /// The reply monitor's IDLE sessions, for a workspace with IMAP accounts and its monitor job.
    public func services(_ context: PackContext) -> [(name: String, service: any Service)] {
        guard context.configuration.section(SalesSettings.self) != nil, let mail = context.configuration.section(MailSettings.self),
              context.configuration.job(named: MailIdleWatcher.job) != nil, mail.accounts.contains(where: { $0.imap != nil })
        else { return [] }
        return [("mail-idle", MailIdleWatcher(accounts: mail.accounts, store: context.store, clock: context.clock, logger: context.logger))]
    }

    public func briefContributors(_ context: PackContext) -> [any BriefContributor] {
        guard let settings = context.configuration.section(SalesSettings.self) else { return [] }
        return [SalesBriefContributor(settings: settings)]
    }
}

/// `nightshift prospects import`: a CSV file read whole (``CSVTable``), its columns mapped
/// (``ProspectImportReader``), its rows stored as prospects in chunks of ``chunk`` rows.
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
        // Rows of one mailbox within the file become one prospect: the later ones fill the first.
        var firstOfKey: [String: Int] = [:]
        var followers: [Int: [Int]] = [:]
        var merged = 0
        for (index, row) in table.rows.enumerated() {
            guard let key = reader.draft(row, source: source).emails.first.map(EmailAddress.identityKey) else { continue }
            if let first = firstOfKey[key] {
                followers[first, default: []].append(index)
                merged += 1
            } else {
                firstOfKey[key] = index
            }
        }
        // The rows are stored in chunks, each in its transactions, so a million-row file never
        // has all its records in memory at once.
        let ids = ImportIDs(now: now)
        var inserted = 0, updated = 0, alreadyStored = 0
        var broken: [(line: Int, reason: String)] = []
        for start in stride(from: 0, to: table.rows.count, by: Self.chunk) {
            var prospects: [Prospect] = []
            var lines: [String: Int] = [:]
            for index in start..<min(table.rows.count, start + Self.chunk) {
                let draft = reader.draft(table.rows[index], source: source)
                if let key = draft.emails.first.map(EmailAddress.identityKey), firstOfKey[key] != index { continue }
                var prospect = Self.prospect(draft, id: ids.next("p_"), tenant: tenant, at: now)
                for later in followers[index] ?? [] {
                    prospect.fillEmpty(from: Self.prospect(reader.draft(table.rows[later], source: source), id: "", tenant: tenant, at: now))
                }
                lines[prospect.id] = draft.line
                prospects.append(prospect)
            }
            // A prospect whose mailbox is stored already fills what the stored one lacks, and no more.
            var byKey: [String: Int] = [:]
            for (index, prospect) in prospects.enumerated() { if let key = prospect.emailKey { byKey[key] = index } }
            var updates: [Prospect] = []
            var activities: [ProspectActivity] = []
            for var existing in try await store.prospects(tenant: tenant, emailKeys: Array(byKey.keys)) {
                guard let key = existing.emailKey, let index = byKey[key] else { continue }
                let incoming = prospects[index]
                prospects[index].id = ""
                guard existing.fillEmpty(from: incoming) else { alreadyStored += 1; continue }
                existing.sourcedAt = now
                existing.updatedAt = now
                // Filled, a broken record may be whole now: assessed here (the assess step only looks at new records).
                if let change = ProspectAssessment.assess(&existing, by: "operator", at: now, activityID: ids.next("a_")) { activities.append(change) }
                updates.append(existing)
                activities.append(ProspectActivity(
                    id: ids.next("a_"), tenant: tenant, prospectID: existing.id, at: now, kind: .updated, actor: "operator",
                    summary: "filled from \(file)", data: .object(["file": .string(file)])
                ))
            }
            let fresh = prospects.filter { !$0.id.isEmpty }
            for prospect in fresh {
                let line = lines[prospect.id] ?? 0
                if prospect.state == .broken { broken.append((line, prospect.stateReason ?? "")) }
                activities.append(ProspectActivity(
                    id: ids.next("a_"), tenant: tenant, prospectID: prospect.id, at: now, kind: .imported, actor: "operator",
                    summary: "imported from \(file) line \(line)" + (prospect.state == .broken ? ", broken: \(prospect.stateReason ?? "")" : ""),
                    data: .object(["file": .string(file), "line": .integer(Int64(line)), "state": .string(prospect.state.rawValue)])
                ))
            }
            if !updates.isEmpty { updated += try await store.updateProspects(updates, activities: activities.filter { $0.kind != .imported }) }
            let added = try await store.insertProspects(fresh, activities: activities.filter { $0.kind == .imported })
            inserted += added
            alreadyStored += fresh.count - added
        }
        var rejectedFile: String?
        if !rejected.isEmpty {
            rejectedFile = try Self.writeRejected(data, problems: rejected, to: rejectDirectory, at: now)
        }
        return Summary(
            inserted: inserted, updated: updated, merged: merged, broken: broken, alreadyStored: alreadyStored,
            rejected: rejected, rejectedFile: rejectedFile, ignoredColumns: reader.ignoredColumns
        )
    }

    /// How many rows are stored at a time.
    static let chunk = 10_000

    /// A draft as a new prospect: `broken` with the reason when it lacks what working it needs.
    static func prospect(_ draft: ProspectDraft, id: String, tenant: String, at now: Date) -> Prospect {
        var prospect = Prospect(
            id: id, tenant: tenant, name: draft.displayName, firstName: draft.firstName, lastName: draft.lastName, emails: draft.emails,
            company: draft.company, domain: draft.domain, title: draft.title, phone: draft.phone, source: draft.source,
            externalIDs: draft.externalIDs, custom: draft.custom, sourcedAt: now, createdAt: now
        )
        if let reason = draft.brokenReason {
            prospect.state = .broken
            prospect.stateReason = reason
        }
        return prospect
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

/// The ids of one import's rows: the import's time and randomness, then a counter — sortable by
/// time like ``RunID``, without asking the system for randomness a million times.
final class ImportIDs: @unchecked Sendable {
    private let stem: String
    private var counter = 0
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    init(now: Date) {
        // `r_` + 10 characters of time + 8 random ones: keep the time and 4 of the random ones.
        stem = String(RunID.make(now: now).dropFirst(2).prefix(14))
    }

    /// `prefix` + the stem + a 6-character counter.
    func next(_ prefix: String) -> String {
        var value = counter
        counter += 1
        var tail = [Character](repeating: "0", count: 6)
        for index in stride(from: 5, through: 0, by: -1) {
            tail[index] = Self.alphabet[value & 31]
            value >>= 5
        }
        return prefix + stem + String(tail)
    }
}
