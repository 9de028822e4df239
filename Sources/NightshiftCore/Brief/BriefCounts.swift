public import Foundation

/// What the core counted in a period: the figures of the brief's summary line.
public struct BriefCounts: Sendable, Hashable, Codable {
    /// Job runs that finished `succeeded` in the period.
    public var succeeded = 0
    /// Job runs that finished `failed` in the period.
    public var failed = 0
    /// Job runs that were found `interrupted` in the period.
    public var interrupted = 0
    /// Slots recorded `missed` in the period.
    public var missed = 0
    /// Catch-up runs queued in the period: job slots, and cycle slots counted once per slot.
    public var catchUps = 0
    /// Cycle runs that finished in the period.
    public var cycleRuns = 0
    /// Cycle runs and steps that went over their budget in the period.
    public var overruns = 0
    /// Actions waiting for the operator's approval.
    public var approvalsWaiting = 0
    /// Active goals behind their pace at the end of the period.
    public var goalsBehind = 0

    /// All zero.
    public init() {}

    /// The summary line of a brief with something to say, e.g. `Since 2026-11-20 23:00: 4 runs
    /// succeeded, 1 failed, 2 missed, 1 catch-up; 1 cycle run finished, 1 over budget; 2 approvals
    /// waiting; 1 goal behind pace.`
    public func summary(_ period: BriefPeriod) -> String {
        var runs = ["\(Self.count(succeeded, "run")) succeeded", "\(failed) failed"]
        if interrupted > 0 { runs.append("\(interrupted) interrupted") }
        if missed > 0 { runs.append("\(missed) missed") }
        if catchUps > 0 { runs.append(Self.count(catchUps, "catch-up")) }
        var parts = [runs.joined(separator: ", ")]
        if cycleRuns > 0 || overruns > 0 {
            parts.append("\(Self.count(cycleRuns, "cycle run")) finished" + (overruns > 0 ? ", \(overruns) over budget" : ""))
        }
        if approvalsWaiting > 0 { parts.append("\(Self.count(approvalsWaiting, "approval")) waiting") }
        if goalsBehind > 0 { parts.append("\(Self.count(goalsBehind, "goal")) behind pace") }
        return "Since \(period.dateTime(period.since)): \(parts.joined(separator: "; "))."
    }

    /// The one line of a brief with nothing to say, e.g. `Quiet night: nothing ran, nothing waits
    /// for you (since 2026-11-20 23:00).` When runs succeeded, it says how many instead of
    /// "nothing ran".
    public func quietLine(_ period: BriefPeriod) -> String {
        var ran: [String] = []
        if succeeded > 0 { ran.append("\(Self.count(succeeded, "run")) succeeded") }
        if cycleRuns > 0 { ran.append("\(Self.count(cycleRuns, "cycle run")) finished") }
        let what = ran.isEmpty ? "nothing ran" : ran.joined(separator: ", ") + ", nothing failed"
        return "Quiet night: \(what), nothing waits for you (since \(period.dateTime(period.since)))."
    }

    /// `1 run`, `2 runs`.
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// The counts as a JSON object with snake_case keys.
    var json: JSONValue {
        .object([
            "succeeded": .integer(Int64(succeeded)), "failed": .integer(Int64(failed)),
            "interrupted": .integer(Int64(interrupted)), "missed": .integer(Int64(missed)),
            "catch_ups": .integer(Int64(catchUps)), "cycle_runs": .integer(Int64(cycleRuns)),
            "overruns": .integer(Int64(overruns)), "approvals_waiting": .integer(Int64(approvalsWaiting)),
            "goals_behind": .integer(Int64(goalsBehind)),
        ])
    }
}
