public import Foundation
public import NightshiftCore

/// A declared cycle with its next fire and last run, as `cycles list` shows it.
public struct CycleListing: Sendable {
    public var cycle: Cycle
    public var next: Date?
    public var last: CycleRunRecord?

    /// The `--json` view: the declaration, the next fire and the last run.
    public var json: JSONValue {
        let zone = cycle.timeZone
        return .object([
            "name": .string(cycle.name), "schedule": .string(cycle.job.schedule.description),
            "steps": .array(cycle.steps.map { step in
                .object([
                    "name": .string(step.name), "condensed": .bool(step.condensed),
                    "budget_seconds": step.budget.map { .number($0.inSeconds) } ?? .null,
                    "hard_timeout_seconds": step.hardTimeout.map { .number($0.inSeconds) } ?? .null,
                    "on_failure": .string(step.onFailure.description),
                ])
            }),
            "tenants": .array(cycle.tenants.map(JSONValue.string)),
            "budget_seconds": cycle.budget.map { .number($0.inSeconds) } ?? .null,
            "deadline": cycle.deadline.map { .string($0.description) } ?? .null,
            "shape": cycle.shape.map { .string($0.rawValue) } ?? .null,
            "next_fire": .time(next, in: zone),
            "last_run": last.map { .object(["id": .string($0.id), "state": .string($0.state.rawValue), "variant": .string($0.variant.rawValue)]) } ?? .null,
        ])
    }
}

/// A cycle run with its steps, as `cycles show` and `cycles history` print it.
public struct CycleRunView: Sendable {
    public var run: CycleRunRecord
    public var steps: [StepRecord]
    /// The zone its times are printed in: its cycle's, else the workspace's.
    public var timeZone: TimeZone

    /// How many of its steps succeeded, as `N/M`.
    public var stepSummary: String { "\(stepsSucceeded)/\(steps.count)" }

    public var stepsSucceeded: Int { steps.filter { $0.state == .succeeded }.count }

    /// The report's JSON (``CycleReport/json(_:steps:timeZone:)``).
    public var json: JSONValue { CycleReport.json(run, steps: steps, timeZone: timeZone) }

    /// The report's JSON with `steps_succeeded`, as `cycles history --json` lists it.
    public var historyJSON: JSONValue {
        guard case .object(var members) = json else { return json }
        members["steps_succeeded"] = .integer(Int64(stepsSucceeded))
        return .object(members)
    }
}
