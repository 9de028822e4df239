import Foundation

/// Reads one `[jobs.NAME]` table.
struct JobReader {
    let table: TableReader
    let name: String
    let keyLocation: SourcePosition
    let defaults: WorkspaceSettings
    /// For a cycle's job: the action (no `command`/`webhook` keys are read) and the cycle's own
    /// keys, which the caller reads.
    let cycle: (action: JobAction, keys: [String])?

    init(_ table: TableReader, name: String, keyLocation: SourcePosition, defaults: WorkspaceSettings, cycle: (action: JobAction, keys: [String])? = nil) {
        self.table = table
        self.name = name
        self.keyLocation = keyLocation
        self.defaults = defaults
        self.cycle = cycle
    }

    static let keys = [
        "description", "schedule", "every", "at", "on_start", "time_zone", "active_hours", "jitter",
        "command", "cwd", "env", "webhook", "timeout", "success_if", "retry", "overlap", "missed", "grace",
        "alert_after", "alert_cooldown", "action_type", "attributes",
    ]

    func read() -> Job? {
        if name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
            table.error("\(cycle == nil ? "job" : "cycle") name \"\(name)\" may contain only letters, digits, '-', '_' and '.'", at: keyLocation)
        }
        let timeZone = readTimeZone()
        let schedule = readSchedule()
        let action = cycle?.action ?? readAction()
        var job: Job?
        if let schedule, let action {
            job = Job(name: name, schedule: schedule, timeZone: timeZone, action: action)
            // A missed nightly cycle is still worth its condensed catch-up hours later.
            if cycle != nil { job?.grace = .seconds(24 * 3600) }
        }
        job?.description = table.string("description")?.0
        if let (text, location) = table.string("active_hours") {
            do { job?.activeHours = try ActiveHours(parsing: text) } catch { table.error("\(table.name("active_hours")): \(error.message)", at: location) }
        }
        if cycle != nil {
            for key in ["timeout", "success_if"] where table.has(key) {
                table.error("\(table.name(key)) applies to jobs only: a cycle's steps have budget, hard_timeout and on_failure", at: table.table.entry(key)!.keyLocation)
                _ = table.node(key)
            }
        }
        job?.jitter = table.duration("jitter")
        job?.timeout = table.duration("timeout")
        job?.successIf = readSuccessCheck()
        if let retry = table.retryPolicy("retry", defaults: RetryPolicy(attempts: 3)) { job?.retry = retry }
        if let overlap = table.choice("overlap", OverlapPolicy.self) { job?.overlap = overlap }
        if let missed = table.choice("missed", MissedRunPolicy.self) { job?.missed = missed }
        if let grace = table.duration("grace") { job?.grace = grace }
        if let count = table.int("alert_after", in: 1...10_000) { job?.alertAfter = count }
        if let cooldown = table.duration("alert_cooldown") { job?.alertCooldown = cooldown }
        if cycle == nil { job?.policyLabel = table.policyLabel() }
        let actionKeys: Set = ["command", "cwd", "env", "webhook", "action_type", "attributes"]
        table.finish(known: cycle.map { Self.keys.filter { !actionKeys.contains($0) } + $0.keys } ?? Self.keys)
        return job
    }

    private func readTimeZone() -> TimeZone {
        guard let (zone, location) = table.string("time_zone") else { return defaults.timeZone }
        do { return try TimeZones.named(zone) } catch {
            table.error("\(table.name("time_zone")): \(error.message)", at: location)
            return defaults.timeZone
        }
    }

    private func readSchedule() -> Schedule? {
        let present = ["schedule", "every", "at", "on_start"].filter(table.has)
        guard present.count == 1 else {
            let message = present.isEmpty
                ? "\(cycle == nil ? "job" : "cycle") \"\(name)\" has no schedule: add schedule = \"CRON\", every = \"30m\", at = \"2026-12-01T09:00:00Z\" or on_start = true"
                : "job \"\(name)\" has more than one schedule (\(present.joined(separator: ", "))): keep one"
            table.error(message, at: keyLocation)
            present.forEach { _ = table.node($0) }
            return nil
        }
        switch present[0] {
        case "on_start":
            guard let (flag, location) = table.bool("on_start") else { return nil }
            if !flag { table.error("\(table.name("on_start")) = false declares no schedule; remove it or give another schedule", at: location) }
            return flag ? .onStart : nil
        case "schedule":
            guard let (text, location) = table.string("schedule") else { return nil }
            do {
                let expression = try CronExpression(parsing: text)
                if let reason = expression.neverFiresReason {
                    table.error("\(table.name("schedule")): \"\(expression.source)\" never fires: \(reason)", at: location)
                    return nil
                }
                return .cron(expression)
            } catch {
                table.error("\(table.name("schedule")): \(error.message)", at: location)
            }
        case "every":
            guard let (text, location) = table.string("every") else { return nil }
            do { return try Schedule.interval(parsing: text) } catch { table.error("\(table.name("every")): \(error.message)", at: location) }
        default:
            guard let node = table.node("at") else { return nil }
            if let date = node.date { return .at(date) }
            guard let text = node.string else {
                table.error("\(table.name("at")) must be an instant with an offset like \"2026-12-01T09:00:00-05:00\"", at: node.location)
                return nil
            }
            do { return try Schedule.at(parsing: text) } catch { table.error("\(table.name("at")): \(error.message)", at: node.location) }
        }
        return nil
    }

    private func readAction() -> JobAction? {
        let hasCommand = table.has("command"), hasWebhook = table.has("webhook")
        if hasCommand && hasWebhook {
            table.error("job \"\(name)\" has both command and webhook: a job does one thing", at: keyLocation)
        } else if !hasCommand && !hasWebhook {
            table.error("job \"\(name)\" has no action: add command = [\"program\", \"arg\"] or webhook = { url = \"https://…\" }", at: keyLocation)
        }
        if !hasCommand {
            for key in ["cwd", "env"] where table.has(key) {
                table.error("\(table.name(key)) applies to command jobs only", at: table.table.entry(key)!.keyLocation)
                _ = table.node(key)
            }
        }
        if hasCommand, let command = ActionReader.command(table), !hasWebhook { return .command(command) }
        if hasWebhook, let webhook = ActionReader.webhook(table), !hasCommand { return .webhook(webhook) }
        return nil
    }

    private func readSuccessCheck() -> SuccessCheck? {
        guard let check = table.subtable("success_if") else { return nil }
        defer { check.finish(known: ["contains", "matches", "json", "equals"]) }
        let kinds = ["contains", "matches", "json"].filter(check.has)
        guard kinds.count == 1 else {
            check.error("\(check.path) needs exactly one of contains = \"…\", matches = \"regex\" or json = \"field\" with equals = …", at: check.location)
            return nil
        }
        switch kinds[0] {
        case "contains":
            return check.string("contains").map { .contains($0.0) }
        case "matches":
            guard let (pattern, location) = check.string("matches") else { return nil }
            if let problem = SuccessCheck.validateRegex(pattern) {
                check.error("\(check.name("matches")): \(problem)", at: location)
                return nil
            }
            return .matches(pattern)
        default:
            guard let (path, _) = check.string("json") else { return nil }
            guard let node = check.node("equals") else {
                check.error("\(check.path) with json = \"\(path)\" needs equals = the expected value", at: check.location)
                return nil
            }
            let expected: String
            switch node.value {
            case .string(let text): expected = text
            case .integer(let number): expected = String(number)
            case .boolean(let flag): expected = flag ? "true" : "false"
            case .float(let number): expected = JSONValue.number(number).text
            default:
                check.error("\(check.name("equals")) must be a string, number or boolean", at: node.location)
                return nil
            }
            return .jsonField(path: path, equals: expected)
        }
    }
}
