import Foundation

extension BriefBuilder {
    /// Steps that finished over their budget in the period, and slots of a cycle whose runs,
    /// finished in the period, took longer together than the cycle's budget (as ``CycleReport``
    /// counts it: a condensed catch-up and its remainder add up).
    func overruns(_ cycleRuns: [CycleRunRecord], _ period: BriefPeriod, counts: inout BriefCounts) async throws -> BriefSection {
        var found: [(at: Date, line: String, item: JSONValue)] = []

        // A run still going (or interrupted) may already have a step over budget.
        for run in cycleRuns where run.finishedAt.map({ $0 >= period.since }) ?? true {
            for step in try await store.steps(of: run.id) {
                guard let over = step.overrunSeconds, over > 0, let finished = step.finishedAt, period.contains(finished) else { continue }
                let took = step.duration.map { "took \(Journal.durationString($0))" } ?? "ran"
                let budget = step.budgetSeconds.map { " against its \(CycleReport.budgetString($0)) budget" } ?? " over its budget"
                let line = "\(Self.label(run.cycle, run.tenant)) step \(step.name) \(took)\(budget) (over by \(Journal.durationString(over)); "
                    + "slot \(period.time(run.slot)), run \(run.id))."
                found.append((finished, line, .object([
                    "kind": .string("step"), "cycle": .string(run.cycle), "tenant": .string(run.tenant), "run_id": .string(run.id),
                    "slot": period.json(run.slot), "step": .string(step.name), "finished_at": period.json(finished),
                    "duration_seconds": step.duration.map(JSONValue.number) ?? .null,
                    "budget_seconds": step.budgetSeconds.map(JSONValue.number) ?? .null, "overrun_seconds": .number(over),
                ])))
            }
        }

        let slots = Dictionary(grouping: cycleRuns.filter { configuration.cycleBudgets[$0.cycle] != nil }) {
            SlotKey(name: $0.cycle, tenant: $0.tenant, slotKey: $0.slotKey)
        }
        for (key, runs) in slots {
            // Only once every run of the slot is over does the slot's total stop growing.
            guard runs.allSatisfy({ !$0.isResumable }), let finished = runs.compactMap(\.finishedAt).max(), period.contains(finished),
                  let budget = configuration.cycleBudgets[key.name] else { continue }
            let report = CycleReport(
                cycle: key.name, tenant: key.tenant, slot: runs[0].slot, timeZone: period.timeZone, budgetSeconds: budget,
                runs: runs.map { ($0, []) }
            )
            guard let over = report.overrunSeconds else { continue }
            let variants = runs.count > 1 ? " (\(runs.map(\.variant.rawValue).sorted().joined(separator: " and ")) runs together)" : ""
            let line = "\(Self.label(key.name, key.tenant)) cycle for the \(period.time(runs[0].slot)) slot took "
                + "\(Journal.durationString(budget + over))\(variants) against its \(CycleReport.budgetString(budget)) budget "
                + "(over by \(Journal.durationString(over)))."
            found.append((finished, line, .object([
                "kind": .string("cycle"), "cycle": .string(key.name), "tenant": .string(key.tenant), "slot": period.json(runs[0].slot),
                "run_ids": .array(runs.map(\.id).sorted().map(JSONValue.string)), "finished_at": period.json(finished),
                "duration_seconds": .number(budget + over), "budget_seconds": .number(budget), "overrun_seconds": .number(over),
            ])))
        }

        found.sort { ($0.at, $0.line) < ($1.at, $1.line) }
        counts.overruns = found.count
        return BriefSection(
            id: BriefSection.CoreID.cycleOverruns, title: "Cycle overruns", rank: BriefSection.Rank.cycleOverruns,
            lines: found.map(\.line), items: .array(found.map(\.item))
        )
    }

    /// `NAME` or `NAME@TENANT`, as ``Cycle/label(tenant:)`` names a cycle run.
    static func label(_ cycle: String, _ tenant: String) -> String {
        tenant.isEmpty ? cycle : "\(cycle)@\(tenant)"
    }
}
