public import Foundation
import Logging

/// What happened to one slot of a cycle for one tenant: its runs (a full run, or a condensed
/// catch-up and its remainder) and their steps. Written after every cycle run to
/// `reports/cycles/NAME-YYYY-MM-DD[-TENANT].md` and `.json`, and rendered by `cycles show`.
public struct CycleReport: Sendable {
    public var cycle: String
    public var tenant: String
    public var slot: Date
    public var timeZone: TimeZone
    /// The cycle's whole budget, in seconds.
    public var budgetSeconds: Double?
    public var runs: [(run: CycleRunRecord, steps: [StepRecord])]

    public init(cycle: String, tenant: String, slot: Date, timeZone: TimeZone, budgetSeconds: Double?, runs: [(run: CycleRunRecord, steps: [StepRecord])]) {
        self.cycle = cycle
        self.tenant = tenant
        self.slot = slot
        self.timeZone = timeZone
        self.budgetSeconds = budgetSeconds
        self.runs = runs
    }

    /// The missed-cycle notice when one of the runs is a catch-up.
    public var notice: String? {
        guard runs.contains(where: { $0.run.trigger == .catchup }) else { return nil }
        return Cycle.missedNotice(cycle: cycle)
    }

    /// `NAME-YYYY-MM-DD` or `NAME-YYYY-MM-DD-TENANT`, the day of the slot in the cycle's zone.
    public var fileStem: String {
        "\(cycle)-\(Journal.dayString(slot, timeZone))\(tenant.isEmpty ? "" : "-\(tenant)")"
    }

    /// How far past the cycle's budget the runs ran together, in seconds; nil within budget.
    public var overrunSeconds: Double? {
        guard let budgetSeconds else { return nil }
        let spent = runs.compactMap(\.run.duration).reduce(0, +)
        return spent > budgetSeconds ? spent - budgetSeconds : nil
    }

    /// Writes the `.md` and `.json` files into `directory`; returns their paths.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let markdownPath = "\(directory)/\(fileStem).md", jsonPath = "\(directory)/\(fileStem).json"
        try Data(markdown.utf8).write(to: URL(fileURLWithPath: markdownPath), options: .atomic)
        try Data(json.text.utf8).write(to: URL(fileURLWithPath: jsonPath), options: .atomic)
        return [markdownPath, jsonPath]
    }

    /// The report as JSON (keys sorted).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "cycle": .string(cycle),
            "tenant": .string(tenant),
            "slot": .string(ISO8601.format(slot, in: timeZone)),
            "date": .string(Journal.dayString(slot, timeZone)),
            "runs": .array(runs.map { Self.json($0.run, steps: $0.steps, timeZone: timeZone) }),
        ]
        object["notice"] = notice.map(JSONValue.string)
        object["budget_seconds"] = budgetSeconds.map(JSONValue.number)
        object["overrun_seconds"] = overrunSeconds.map(JSONValue.number)
        return .object(object)
    }

    /// One cycle run with its steps (and work block) as JSON; `cycles show --json` prints this.
    public static func json(_ run: CycleRunRecord, steps: [StepRecord], timeZone: TimeZone) -> JSONValue {
        func date(_ value: Date?) -> JSONValue { value.map { .string(ISO8601.format($0, in: timeZone)) } ?? .null }
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        var object: [String: JSONValue] = [
            "id": .string(run.id), "cycle": .string(run.cycle), "tenant": .string(run.tenant),
            "slot": date(run.slot), "trigger": .string(run.trigger.rawValue), "variant": .string(run.variant.rawValue),
            "state": .string(run.state.rawValue), "created_at": date(run.createdAt), "started_at": date(run.startedAt),
            "finished_at": date(run.finishedAt), "error": run.error.map(JSONValue.string) ?? .null,
            "owner": run.owner.map(JSONValue.string) ?? .null,
            "steps": .array(steps.map { step in
                .object([
                    "index": .integer(Int64(step.index)), "name": .string(step.name), "state": .string(step.state.rawValue),
                    "attempt": .integer(Int64(step.attempt)), "started_at": date(step.startedAt), "finished_at": date(step.finishedAt),
                    "duration_seconds": number(step.duration), "budget_seconds": number(step.budgetSeconds),
                    "overrun_seconds": number(step.overrunSeconds), "excerpt": step.excerpt.map(JSONValue.string) ?? .null,
                    "output": step.output.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) } ?? .null,
                    "error": step.error.map(JSONValue.string) ?? .null, "idempotency_key": .string(step.idempotencyKey),
                ])
            }),
        ]
        if let block = WorkBlock(steps: steps) {
            object["work_block"] = .object(block.phases.reduce(into: [:]) { $0[$1.name] = $1.record ?? .null })
        }
        return .object(object)
    }

    /// The report as Markdown.
    public var markdown: String {
        var lines = ["# Cycle \(cycle)\(tenant.isEmpty ? "" : " — tenant \(tenant)") — \(Journal.dayString(slot, timeZone))", ""]
        if let notice { lines += ["> **\(notice)**", ""] }
        lines.append("Slot \(ISO8601.format(slot, in: timeZone)).")
        if let budgetSeconds {
            lines.append("Budget \(CycleReport.budgetString(budgetSeconds))\(overrunSeconds.map { "; **over budget by \(Journal.durationString($0))**" } ?? ", kept").")
        }
        for (run, steps) in runs {
            lines += ["", Self.render(run, steps: steps, timeZone: timeZone, heading: "##")]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One run as text: a heading, a table of steps, the work block's phases.
    public static func render(_ run: CycleRunRecord, steps: [StepRecord], timeZone: TimeZone, heading: String) -> String {
        var lines = ["\(heading) \(run.variant.rawValue.capitalized) run \(run.id): \(run.state)"]
        var facts = ["trigger \(run.trigger)"]
        if let started = run.startedAt { facts.append("started \(ISO8601.format(started, in: timeZone))") }
        if let finished = run.finishedAt { facts.append("finished \(ISO8601.format(finished, in: timeZone))") }
        if let error = run.error { facts.append(error) }
        lines += ["", facts.joined(separator: " · "), "", "| step | state | time / budget | attempt | output |", "|---|---|---|---|---|"]
        for step in steps {
            var time = step.duration.map(Journal.durationString) ?? "—"
            if let budget = step.budgetSeconds { time += " / \(CycleReport.budgetString(budget))" }
            if let over = step.overrunSeconds { time += " (over by \(Journal.durationString(over)))" }
            var output = step.output ?? ""
            if let error = step.error { output = output.isEmpty ? error : "\(output) — \(error)" }
            if output.count > 120 { output = String(output.prefix(117)) + "…" }
            output = output.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            lines.append("| \(step.name) | \(step.state) | \(time) | \(step.attempt) | \(output) |")
        }
        if let block = WorkBlock(steps: steps) {
            lines += ["", "Work block:"]
            for (name, record) in block.phases {
                lines.append("- **\(name)**: \(record.map(Self.describe) ?? "—")")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A budget as written in the configuration: `30s`, `1h30m`, or `500ms` below a second.
    public static func budgetString(_ seconds: Double) -> String {
        seconds >= 1 && seconds.rounded() == seconds ? DurationParser.format(seconds: Int64(seconds)) : Journal.durationString(seconds)
    }

    /// `key: value; key: value` for an object, the JSON text otherwise.
    static func describe(_ value: JSONValue) -> String {
        guard case .object(let members) = value else { return value.text }
        return members.keys.sorted().map { "\($0): \(members[$0]!.text)" }.joined(separator: "; ")
    }
}

extension StepRecord {
    /// Seconds between the latest attempt's start and its finish, when both are known.
    public var duration: TimeInterval? {
        guard let startedAt, let finishedAt else { return nil }
        return finishedAt.timeIntervalSince(startedAt)
    }
}

extension CycleEngine {
    /// The report of the slot `run` belongs to, from the store.
    public func report(for run: CycleRunRecord) async throws -> CycleReport {
        let siblings = try await slotRuns(of: run)
            .sorted { ($0.createdAt, $0.variant == .remainder ? 1 : 0, $0.id) < ($1.createdAt, $1.variant == .remainder ? 1 : 0, $1.id) }
        var runs: [(run: CycleRunRecord, steps: [StepRecord])] = []
        for sibling in siblings { runs.append((sibling, try await store.steps(of: sibling.id))) }
        let cycle = cycles[run.cycle]
        return CycleReport(
            cycle: run.cycle, tenant: run.tenant, slot: run.slot, timeZone: cycle?.timeZone ?? TimeZone(identifier: "UTC")!,
            budgetSeconds: cycle?.budget?.inSeconds, runs: runs
        )
    }

    /// Writes the report of a finished run and its journal line.
    func finished(_ outcome: CycleOutcome, cycle: Cycle) async {
        let run = outcome.run
        do {
            try await report(for: run).write(to: configuration.reportDirectory)
        } catch {
            logger.info("cycle report not written", metadata: ["nightshift.cycle.run": "\(run.id)", "nightshift.error": "\(error)"])
        }
        let done = outcome.steps.filter { $0.state == .succeeded }.count
        var line = "**\(cycle.label(tenant: run.tenant))** cycle \(run.state)"
        if let duration = run.duration { line += " in \(Journal.durationString(duration))" }
        line += " (\(run.variant), \(run.trigger), \(done)/\(outcome.steps.count) steps, run \(run.id))"
        if let error = run.error { line += " — \(error)" }
        do { try journal?.note(line, at: run.finishedAt ?? clock.now()) } catch {
            logger.info("journal write failed", metadata: ["nightshift.error": "\(error)"])
        }
    }
}
