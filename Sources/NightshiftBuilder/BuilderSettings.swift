public import Foundation
public import NightshiftCore

/// The `[builder]` table: how queued tasks become coding-agent runs.
///
/// ```toml
/// [builder]
/// agent = ["claude", "-p", "{prompt}"]   # or ["codex", "exec", "{prompt}"], or a script
/// verify_default = "swift test"          # optional: verify command of tasks that name none
/// max_concurrent = 3
/// resource_limit = 80                    # percent of disk or memory in use above which nothing spawns
/// ```
public struct BuilderSettings: ConfigSection, Hashable {
    public static let key = "builder"

    /// The sub-agent command; `{prompt}`, `{task}`, `{title}` are replaced in each argument.
    public var agent: [String] = []
    /// The prompt given as `{prompt}`; `{title}`, `{description}`, `{category}`, `{hours}`, `{task}`
    /// are replaced.
    public var prompt: String = BuilderSettings.defaultPrompt
    /// Where agents and verify commands run, relative to the workspace (default: the workspace).
    public var workingDirectory: String?
    /// Environment variables passed through to agents (their API keys, say); nothing else is.
    public var environment: [String] = []
    /// Most agents at once (the operator's context may lower it).
    public var maxConcurrent = 3
    /// An agent's time limit is its task's estimate times this …
    public var timeoutFactor = 1.5
    /// … unless a fixed limit is set.
    public var timeout: Duration?
    /// No new spawn, and running agents are asked to stop, above this percentage of disk or memory use.
    public var resourceLimit = 80.0
    /// How long a claim lasts without renewal; a dead worker's task is retried after this.
    public var leaseTTL: Duration = .seconds(15)
    /// Attempts before a task whose worker keeps dying fails for good.
    public var maxAttempts = 3
    /// Categories run when the operator's context is unknown (conservative: low-risk only).
    public var lowRiskCategories = ["Bug fixes", "Documentation", "Performance optimization"]
    /// When the overnight cycle starts (cron), when it stops waiting for builds, and when the
    /// morning brief goes out (cron).
    public var overnightSchedule = "0 23 * * *"
    public var monitorUntil = TimeOfDay(hour: 6, minute: 30)
    public var briefSchedule = "0 7 * * *"
    /// The weeknight check-in ("Ready for tonight's build session?": quick wins and tonight's
    /// plan), `[builder.checkins] tonight`; nil when turned off (`tonight = ""`).
    public var tonightCheckin: String? = "0 19 * * 1-5"
    /// The Friday check-in with the top 5 weekend options, `[builder.checkins] weekend`; nil when off.
    public var weekendCheckin: String? = "0 18 * * 5"
    /// The operator's contexts in which check-ins are skipped: asleep or away.
    public var checkinSkipContexts = ["sleeping", "gym"]
    /// Time windows, the four defaults replaced or extended by `[builder.windows.NAME]`.
    public var windows: [TimeWindow] = TimeWindow.defaults
    /// Where a task's agent works: in `workdir` itself (`none`), or in a git worktree of its own on
    /// branch `nightshift/TASK_ID` of `repository` (`git`).
    public var isolation: Isolation = .none
    /// The git repository tasks branch from under `isolation = "git"`, relative to the workspace
    /// (default: `workdir`, or the workspace).
    public var repository: String?
    /// What becomes of a task's branch when it succeeded: left for review (`none`), or merged into the
    /// repository's checked-out branch when that is a fast-forward (`ff`, a `merge_branch` action).
    public var merge: MergeMode = .none
    /// Where the worktrees are made, relative to the workspace.
    public var worktrees = "worktrees"

    /// `[builder] isolation`.
    public enum Isolation: String, Sendable, Hashable, CaseIterable {
        case none, git
    }

    /// `[builder] merge`.
    public enum MergeMode: String, Sendable, Hashable, CaseIterable {
        case none, ff
    }

    public static let defaultPrompt = """
        You are a sub-agent spawned to complete: {title}

        Description: {description}
        Category: {category}
        Estimated: {hours} hours

        Complete this task autonomously. Test thoroughly and document.
        """

    public init(agent: [String]) {
        self.agent = agent
    }

    public init?(reading table: TableReader) {
        var ok = true
        func fail(_ message: String, _ location: SourcePosition) {
            table.error(message, at: location)
            ok = false
        }
        if let (argv, location) = table.stringArray("agent") {
            if argv.isEmpty || argv[0].isEmpty { fail("builder.agent must name a program, e.g. [\"claude\", \"-p\", \"{prompt}\"]", location) }
            agent = argv
        } else if !table.has("agent") {
            fail("builder.agent is required: the sub-agent command, e.g. agent = [\"claude\", \"-p\", \"{prompt}\"]", table.location)
        }
        if let (text, _) = table.string("prompt") { prompt = text }
        if let (dir, _) = table.string("workdir") { workingDirectory = dir }
        if let (names, _) = table.stringArray("env") { environment = names }
        if let (count, location) = table.int("max_concurrent") {
            if count < 1 || count > 64 { fail("builder.max_concurrent must be between 1 and 64, found \(count)", location) } else { maxConcurrent = count }
        }
        if let node = table.node("timeout_factor") {
            // Bounded: an estimate (at most 168 h) times the factor must stay a time limit.
            if let factor = node.number, factor > 0, factor <= 100 { timeoutFactor = factor } else {
                fail("builder.timeout_factor must be a number above 0 and at most 100", node.location)
            }
        }
        if table.has("timeout") { timeout = table.duration("timeout") }
        if let node = table.node("resource_limit") {
            if let limit = node.number, limit > 0, limit <= 100 { resourceLimit = limit } else {
                fail("builder.resource_limit must be a percentage above 0 and at most 100, e.g. 80", node.location)
            }
        }
        if let ttl = table.duration("lease_ttl") {
            if ttl < .seconds(2) { fail("builder.lease_ttl must be at least 2s", table.node("lease_ttl")!.location) } else { leaseTTL = ttl }
        }
        if let (attempts, location) = table.int("max_attempts") {
            if attempts < 1 || attempts > 100 { fail("builder.max_attempts must be between 1 and 100, found \(attempts)", location) } else { maxAttempts = attempts }
        }
        if let (names, _) = table.stringArray("low_risk_categories") { lowRiskCategories = names }
        if let (text, location) = table.string("isolation") {
            if let value = Isolation(rawValue: text) { isolation = value } else {
                fail("builder.isolation must be \"none\" or \"git\", found \"\(text)\"", location)
            }
        }
        if let (text, location) = table.string("merge") {
            if let value = MergeMode(rawValue: text) { merge = value } else {
                fail("builder.merge must be \"none\" (the branch is left for review) or \"ff\" (fast-forward merge), found \"\(text)\"", location)
            }
        }
        for (key, label) in [("repository", "a git repository's folder"), ("worktrees", "a folder")] {
            guard let (text, location) = table.string(key) else { continue }
            if text.isEmpty || text.contains("\0") { fail("builder.\(key) must name \(label)", location); continue }
            if key == "repository" { repository = text } else { worktrees = text }
        }
        if isolation == .none, merge != .none || repository != nil, let location = table.node("merge")?.location ?? table.node("repository")?.location {
            fail("builder.merge and builder.repository apply only with isolation = \"git\"", location)
        }
        if let overnight = table.subtable("overnight") {
            for key in ["schedule", "brief"] {
                guard let (cron, location) = overnight.string(key) else { continue }
                if let expression = try? CronExpression(parsing: cron) {
                    if let reason = expression.neverFiresReason { fail("builder.overnight.\(key) \"\(cron)\" never fires: \(reason)", location) }
                } else {
                    fail("builder.overnight.\(key) is not a cron expression: \"\(cron)\"", location)
                }
                if key == "schedule" { overnightSchedule = cron } else { briefSchedule = cron }
            }
            if let (text, location) = overnight.string("monitor_until") {
                if let time = TimeOfDay(parsing: text) { monitorUntil = time } else { fail("builder.overnight.monitor_until must be HH:MM, found \"\(text)\"", location) }
            }
            overnight.finish(known: ["schedule", "brief", "monitor_until"])
        }
        if let checkins = table.subtable("checkins") {
            for key in ["tonight", "weekend"] {
                guard let (cron, location) = checkins.string(key) else { continue }
                var schedule: String? = cron
                if cron.isEmpty {
                    schedule = nil
                } else if let expression = try? CronExpression(parsing: cron) {
                    if let reason = expression.neverFiresReason { fail("builder.checkins.\(key) \"\(cron)\" never fires: \(reason)", location) }
                } else {
                    fail("builder.checkins.\(key) is not a cron expression (\"\" turns it off): \"\(cron)\"", location)
                }
                if key == "tonight" { tonightCheckin = schedule } else { weekendCheckin = schedule }
            }
            if let (names, _) = checkins.stringArray("skip_contexts") { checkinSkipContexts = names }
            checkins.finish(known: ["tonight", "weekend", "skip_contexts"])
        }
        if let windows = table.subtable("windows") {
            for entry in windows.table.entries {
                guard let window = windows.subtable(entry.key) else { continue }
                guard let parsed = Self.readWindow(entry.key, window, base: self.windows.first { $0.name == entry.key }) else { ok = false; continue }
                if let index = self.windows.firstIndex(where: { $0.name == parsed.name }) { self.windows[index] = parsed } else { self.windows.append(parsed) }
            }
            windows.finish(known: [])
        }
        table.finish(known: [
            "agent", "prompt", "workdir", "env", "max_concurrent", "timeout_factor", "timeout", "resource_limit", "lease_ttl",
            "max_attempts", "low_risk_categories", "overnight", "windows", "checkins", "isolation", "repository", "merge", "worktrees",
        ])
        guard ok else { return nil }
    }

    private static func readWindow(_ name: String, _ table: TableReader, base: TimeWindow?) -> TimeWindow? {
        var ok = true
        var window = base ?? TimeWindow(name: name, days: Set(1...7), start: .init(hour: 0, minute: 0), end: .init(hour: 0, minute: 0), minHours: 0, maxHours: 24)
        // The name becomes a job (`window-NAME`) and a step (`builder.window-NAME`).
        guard !name.isEmpty, name.count <= 48, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            table.error("builder.windows.\"\(name)\": a window's name may use only letters, digits, '-' and '_'", at: table.location)
            return nil
        }
        if base == nil, !table.has("start") || !table.has("end") {
            table.error("builder.windows.\(name) needs start = \"HH:MM\" and end = \"HH:MM\"", at: table.location)
            ok = false
        }
        var timeLocation: SourcePosition?
        for key in ["start", "end"] {
            guard let (text, location) = table.string(key) else { continue }
            guard let time = TimeOfDay(parsing: text) else {
                table.error("\(table.name(key)) must be HH:MM, found \"\(text)\"", at: location)
                ok = false
                continue
            }
            timeLocation = location
            if key == "start" { window.start = time } else { window.end = time }
        }
        if ok, let timeLocation, window.start == window.end {
            table.error("builder.windows.\(name): start and end are both \(window.start), so the window never opens; give it a length", at: timeLocation)
            ok = false
        }
        if let (text, location) = table.string("days") {
            if let days = Weekdays.parse(text) { window.days = days } else {
                table.error("\(table.name("days")) must be days like \"Mon-Fri\", \"Sat,Sun\" or \"daily\", found \"\(text)\"", at: location)
                ok = false
            }
        }
        for key in ["min_hours", "max_hours"] {
            guard let node = table.node(key) else { continue }
            guard let hours = node.number, hours > 0, hours <= 168 else {
                table.error("\(table.name(key)) must be a number of hours above 0", at: node.location)
                ok = false
                continue
            }
            if key == "min_hours" { window.minHours = hours } else { window.maxHours = hours }
        }
        if window.minHours > window.maxHours {
            table.error("builder.windows.\(name): min_hours (\(window.minHours)) is above max_hours (\(window.maxHours))", at: table.location)
            ok = false
        }
        table.finish(known: ["days", "start", "end", "min_hours", "max_hours"])
        return ok ? window : nil
    }
}

/// Weekday lists as operators write them: `Mon-Fri`, `Sat,Sun`, `daily`.
public enum Weekdays {
    static let names = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// The `Calendar` weekday numbers (1 = Sunday) named by `text`, or nil when it is not a day list.
    public static func parse(_ text: String) -> Set<Int>? {
        let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
        if lower == "daily" || lower == "every day" { return Set(1...7) }
        var days: Set<Int> = []
        for part in lower.split(separator: ",") {
            let bounds = part.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces).prefix(3) }
            guard (1...2).contains(bounds.count), let first = names.firstIndex(of: String(bounds[0])) else { return nil }
            let last = bounds.count == 2 ? names.firstIndex(of: String(bounds[1])) : first
            guard let last else { return nil }
            var day = first
            while true {
                days.insert(day + 1)
                if day == last { break }
                day = (day + 1) % 7
            }
        }
        return days.isEmpty ? nil : days
    }
}
