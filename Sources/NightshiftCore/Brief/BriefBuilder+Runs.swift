import Foundation

extension BriefBuilder {
    /// Job runs that ended `failed` or `interrupted` in the period, oldest first, with why.
    func failedRuns(_ runs: [RunRecord], _ period: BriefPeriod) -> BriefSection {
        let failed = runs
            .filter { ($0.state == .failed || $0.state == .interrupted) && period.contains($0.finishedAt) }
            .sorted { ($0.finishedAt ?? $0.createdAt, $0.id) < ($1.finishedAt ?? $1.createdAt, $1.id) }
        let lines = failed.map { run in
            var facts = run.trigger == .schedule ? [] : ["\(run.trigger) run"]
            if run.attempt > 1 { facts.append("attempt \(run.attempt)") }
            if let status = run.exitStatus { facts.append("exit status \(status)") }
            facts.append("run \(run.id)")
            let verb = run.state == .failed ? "failed" : "was interrupted"
            let why = (run.error ?? run.excerpt?.split(whereSeparator: \.isNewline).last.map(String.init) ?? "no error was recorded")
            return "\(run.job) \(verb) at \(period.time(run.finishedAt ?? run.createdAt)) (\(facts.joined(separator: ", "))): \(Self.sentence(why))"
        }
        let items = failed.map { run -> JSONValue in
            .object([
                "id": .string(run.id), "job": .string(run.job), "state": .string(run.state.rawValue),
                "trigger": .string(run.trigger.rawValue), "attempt": .integer(Int64(run.attempt)),
                "slot": period.json(run.slot), "started_at": period.json(run.startedAt), "finished_at": period.json(run.finishedAt),
                "exit_status": run.exitStatus.map { .integer(Int64($0)) } ?? .null,
                "error": run.error.map(JSONValue.string) ?? .null,
            ])
        }
        return BriefSection(
            id: BriefSection.CoreID.failedRuns, title: "Failed runs", rank: BriefSection.Rank.failedRuns, lines: lines, items: .array(items)
        )
    }

    /// Slots recorded missed in the period (one line per job) and the catch-up runs queued in it:
    /// a cycle's catch-up as its missed notice, with how its condensed run and remainder went.
    func missedRuns(_ runs: [RunRecord], cycleRuns: [CycleRunRecord], _ period: BriefPeriod, counts: inout BriefCounts) -> BriefSection {
        var lines: [String] = [], items: [JSONValue] = []

        let cycleCatchUps = Dictionary(grouping: cycleRuns.filter { $0.trigger == .catchup && period.contains($0.createdAt) }) {
            SlotKey(name: $0.cycle, tenant: $0.tenant, slotKey: $0.slotKey)
        }
        let slotOrder = cycleCatchUps
            .sorted { ($0.value[0].slot, $0.key.name, $0.key.tenant) < ($1.value[0].slot, $1.key.name, $1.key.tenant) }
            .map(\.key)
        for key in slotOrder {
            // A condensed run and its remainder are made together: the remainder goes second.
            let runs = cycleCatchUps[key, default: []].sorted {
                ($0.createdAt, $0.variant == .remainder ? 1 : 0, $0.id) < ($1.createdAt, $1.variant == .remainder ? 1 : 0, $1.id)
            }
            let outcomes = runs.map { run in
                "\(run.variant) run \(Self.state(run.state, at: run.finishedAt, period))"
            }
            let tenant = key.tenant.isEmpty ? "" : " (tenant \(key.tenant))"
            lines.append("\(Cycle.missedNotice(cycle: key.name)) Slot \(period.time(runs[0].slot))\(tenant): \(outcomes.joined(separator: ", ")).")
            items.append(.object([
                "kind": .string("cycle_catch_up"), "cycle": .string(key.name), "tenant": .string(key.tenant),
                "slot": period.json(runs[0].slot), "notice": .string(Cycle.missedNotice(cycle: key.name)),
                "runs": .array(runs.map { run in
                    .object([
                        "id": .string(run.id), "variant": .string(run.variant.rawValue), "state": .string(run.state.rawValue),
                        "finished_at": period.json(run.finishedAt),
                    ])
                }),
            ]))
        }

        let missed = runs.filter { $0.state == .missed && period.contains($0.finishedAt ?? $0.createdAt) }
        for (job, group) in Dictionary(grouping: missed, by: \.job).sorted(by: { $0.key < $1.key }) {
            let slots = group.sorted { ($0.slot, $0.id) < ($1.slot, $1.id) }
            var shown = slots.prefix(5).map { period.time($0.slot) }.joined(separator: ", ")
            if slots.count > 5 { shown += " and \(slots.count - 5) more" }
            let reason = slots.last?.error.map { $0.hasPrefix("missed: ") ? String($0.dropFirst(8)) : $0 } ?? "the slot passed while nothing ran it"
            let what = slots.count == 1 ? "the \(shown) slot" : "\(slots.count) slots (\(shown))"
            lines.append("\(job) missed \(what): \(Self.sentence(reason))")
            items.append(.object([
                "kind": .string("missed"), "job": .string(job), "slots": .array(slots.map { period.json($0.slot) }),
                "run_ids": .array(slots.map { .string($0.id) }), "reason": .string(reason),
            ]))
        }

        let catchUps = runs
            .filter { run in
                run.trigger == .catchup && period.contains(run.createdAt)
                    && cycleCatchUps.keys.allSatisfy { $0.name != run.job || $0.slotKey != run.slotKey }
            }
            .sorted { ($0.slot, $0.job, $0.id) < ($1.slot, $1.job, $1.id) }
        for run in catchUps {
            let outcome = Self.state(run.state, at: run.finishedAt, period)
            lines.append("Catch-up of \(run.job) for the \(period.time(run.slot)) slot: \(outcome) (run \(run.id)).")
            items.append(.object([
                "kind": .string("catch_up"), "job": .string(run.job), "id": .string(run.id), "slot": period.json(run.slot),
                "state": .string(run.state.rawValue), "finished_at": period.json(run.finishedAt),
                "error": run.error.map(JSONValue.string) ?? .null,
            ]))
        }

        counts.missed = missed.count
        counts.catchUps = cycleCatchUps.count + catchUps.count
        return BriefSection(
            id: BriefSection.CoreID.missedRuns, title: "Missed runs and catch-ups", rank: BriefSection.Rank.missedRuns,
            lines: lines, items: .array(items)
        )
    }

    /// `queued`, `running now`, `succeeded at 06:02`.
    static func state(_ state: RunState, at finishedAt: Date?, _ period: BriefPeriod) -> String {
        switch state {
        case .pending: "queued"
        case .running: "running now"
        default: finishedAt.map { "\(state) at \(period.time($0))" } ?? "\(state)"
        }
    }

    /// The text on one line, ending with a full stop unless it ends with punctuation already.
    static func sentence(_ text: String) -> String {
        let line = text.briefLine()
        guard let last = line.last else { return line }
        return ".!?…".contains(last) ? line : line + "."
    }
}

/// One slot of a job or of a cycle for one tenant.
struct SlotKey: Hashable {
    var name: String
    var tenant: String
    var slotKey: String
}
