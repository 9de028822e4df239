public import Foundation
public import NightshiftCore

/// The `[sales]` table: the sales pack's settings.
///
/// ```toml
/// [sales.import]               # which CSV column fills which field (besides the columns named like one)
/// "E-mail Address" = "email"
/// "Organisation" = "company"
/// "LinkedIn" = "custom.linkedin"
/// ```
public struct SalesSettings: ConfigSection, Hashable {
    public static let key = "sales"

    /// `[sales.import]`: CSV column name → field, for `nightshift prospects import`.
    public var importMapping: [String: ProspectField] = [:]
    /// `holidays = ["2026-12-25", …]`: days that are not business days (buckets skip them).
    public var holidays: Set<String> = []
    /// `replenish_below = 50`: under this many `unengaged` prospects the nightly cycle pulls more.
    public var replenishBelow = 50
    /// `replenish_limit = 100`: how many a replenishing pull brings at most.
    public var replenishLimit = 100
    /// `[sales.nightly]`: `schedule` (cron, default `0 2 * * *`) and `deadline` (default `07:00`).
    public var nightlySchedule = "0 2 * * *"
    public var nightlyDeadline = TimeOfDay(hour: 7, minute: 0)
    /// `[sales.dedupe]`: `threshold` (Jaro–Winkler on names, default 0.92) and `free_mail` (domains
    /// added to the built-in list of those that never form a block).
    public var dedupeThreshold = 0.92
    public var extraFreeMail: Set<String> = []
    /// `[sales.groundskeeper]`: `stale_after` (no touch, 90d), `refresh_after` (data age, 180d),
    /// `changed_within` (a pull changed title or company, 7d).
    public var staleAfter: Duration = .seconds(90 * 86_400)
    public var refreshAfter: Duration = .seconds(180 * 86_400)
    public var changedWithin: Duration = .seconds(7 * 86_400)
    /// `[sales.scoring]`: the weights of `rescore`.
    public var scoring = ScoringRules.defaults
    /// `[sales.research]`: the research agent.
    public var research: ResearchSettings?
    /// `[sales.backup]`: `keep` (14) backups, and an optional `copy` command (`{file}` replaced).
    public var backupKeep = 14
    public var backupCopy: [String] = []
    /// `[sales.intel] competitors = [...]`: names the intel step looks for in notes.
    public var competitors: [String] = []
    /// `[sales.intel] command = [...]`: a model behind a command reads the notes instead of the rules.
    public var intelCommand: [String] = []
    /// `[sales.cards] count = 10`: how many cards the brief and `prospects cards` give.
    public var cardCount = 10
    /// `[sales.crm]`: the CRM the pull reads.
    public var crm: CRMSettings?
    /// `[sales.calendars]`: the calendar files of the calendar sync and demo prep.
    public var calendars: SalesCalendarSettings?
    /// `[sales.nurture.NAME]`: the nurture sequences, by name.
    public var nurture: [NurtureSequence] = []

    public init() {}

    public init?(reading table: TableReader) {
        var ok = true
        if let mapping = table.subtable("import") {
            for entry in mapping.table.entries {
                guard let (name, location) = mapping.string(entry.key) else { ok = false; continue }
                guard let field = ProspectField(name) else {
                    mapping.error(
                        "sales.import.\"\(entry.key)\": \"\(name)\" is not a field; the fields are \(ProspectImportReader.fieldList)", at: location
                    )
                    ok = false
                    continue
                }
                importMapping[entry.key] = field
            }
            mapping.finish(known: mapping.table.entries.map(\.key))
        }
        if let (days, location) = table.stringArray("holidays") {
            for day in days where !(CalendarDay(day).map { (2000...2999).contains($0.year) } ?? false) {
                table.error("sales.holidays: \"\(day)\" is not a date written YYYY-MM-DD", at: location)
                ok = false
            }
            holidays = Set(days)
        }
        if let below = table.int("replenish_below", in: 0...1_000_000) { replenishBelow = below }
        if let limit = table.int("replenish_limit", in: 1...100_000) { replenishLimit = limit }
        if let nightly = table.subtable("nightly") {
            if let (schedule, location) = nightly.string("schedule") {
                do { _ = try Schedule.cron(parsing: schedule) } catch {
                    nightly.error("sales.nightly.schedule: \(error)", at: location)
                    ok = false
                }
                nightlySchedule = schedule
            }
            if let (deadline, location) = nightly.string("deadline") {
                if let time = TimeOfDay(parsing: deadline) { nightlyDeadline = time } else {
                    nightly.error("sales.nightly.deadline must be a time written HH:MM, found \"\(deadline)\"", at: location)
                    ok = false
                }
            }
            nightly.finish(known: ["schedule", "deadline"])
        }
        if let dedupe = table.subtable("dedupe") {
            if let threshold = dedupe.number("threshold", in: 0.5...1, expected: "a similarity between 0.5 and 1") { dedupeThreshold = threshold }
            if let (domains, _) = dedupe.stringArray("free_mail") { extraFreeMail = Set(domains.map { $0.lowercased() }) }
            dedupe.finish(known: ["threshold", "free_mail"])
        }
        if let keeper = table.subtable("groundskeeper") {
            if let value = keeper.duration("stale_after") { staleAfter = value }
            if let value = keeper.duration("refresh_after") { refreshAfter = value }
            if let value = keeper.duration("changed_within") { changedWithin = value }
            keeper.finish(known: ["stale_after", "refresh_after", "changed_within"])
        }
        if let weights = table.subtable("scoring") {
            if let rules = ScoringRules(reading: weights) { scoring = rules } else { ok = false }
        }
        if let agent = table.subtable("research") {
            if let settings = ResearchSettings(reading: agent) { research = settings } else { ok = false }
        }
        if let backup = table.subtable("backup") {
            if let keep = backup.int("keep", in: 1...3650) { backupKeep = keep }
            if let (copy, location) = backup.stringArray("copy") {
                if copy.isEmpty || copy[0].isEmpty {
                    backup.error("sales.backup.copy must name a program, e.g. [\"rclone\", \"copy\", \"{file}\", \"remote:backups\"]", at: location)
                    ok = false
                }
                backupCopy = copy
            }
            backup.finish(known: ["keep", "copy"])
        }
        if let intel = table.subtable("intel") {
            if let (names, _) = intel.stringArray("competitors") { competitors = names.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }
            if let (command, location) = intel.stringArray("command") {
                if command.first?.isEmpty ?? true {
                    intel.error("sales.intel.command must name a program, e.g. [\"./bin/intel\", \"{note}\"]", at: location)
                    ok = false
                }
                intelCommand = command
            }
            intel.finish(known: ["competitors", "command"])
        }
        if let crm = table.subtable("crm") {
            if let settings = CRMSettings(reading: crm) { self.crm = settings } else { ok = false }
        }
        if let sequences = table.subtable("nurture") {
            for entry in sequences.table.entries {
                guard let sequence = sequences.subtable(entry.key) else { ok = false; continue }
                if let parsed = NurtureSequence(name: entry.key, reading: sequence) { nurture.append(parsed) } else { ok = false }
            }
        }
        if let files = table.subtable("calendars") {
            if let settings = SalesCalendarSettings(reading: files) { calendars = settings } else { ok = false }
        }
        if let cards = table.subtable("cards") {
            if let count = cards.int("count", in: 1...1000) { cardCount = count }
            cards.finish(known: ["count"])
        }
        table.finish(known: [
            "import", "holidays", "replenish_below", "replenish_limit", "nightly", "dedupe", "groundskeeper", "scoring", "research", "backup",
            "intel", "cards", "crm", "nurture", "calendars",
        ])
        guard ok else { return nil }
    }
}
