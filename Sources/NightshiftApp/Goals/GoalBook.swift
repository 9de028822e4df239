public import Foundation
public import NightshiftCore

/// The goals' use cases: add one, record progress (proposing the suggested action of a goal
/// behind pace through the gate), list and show them, each settled first so that a goal whose
/// period ended reads as missed everywhere.
public struct GoalBook: Sendable {
    let app: NightshiftApplication

    public init(_ app: NightshiftApplication) { self.app = app }

    /// What recording progress did.
    public struct Recorded: Sendable {
        public var goal: Goal
        /// The suggested action proposed because the goal is behind pace; nil when it is not, or
        /// when an earlier suggestion of the goal still waits for approval.
        public var proposed: PolicyGate.Outcome?
    }

    /// Adds `goal`. A failure when a goal of that name exists.
    public func add(_ goal: Goal) async throws {
        guard try await app.store.insertGoal(goal) else {
            throw AppError.failure("a goal named \"\(goal.name)\" exists; `nightshift goals show \(goal.name)` shows it")
        }
    }

    /// Records `value` as the goal's current value. Behind pace, the goal's suggested action is
    /// proposed through the policy gate (recorded in the audit trail; parked when it needs the
    /// operator), once while an earlier one of the same goal waits.
    ///
    /// - Throws: ``GoalError`` for a value the goal's kind refuses; a failure when there is no such goal.
    public func record(_ name: String, value: Double, note: String?, at now: Date, gate: PolicyGate? = nil) async throws -> Recorded {
        guard let stored = try await app.store.goal(name) else { throw Self.unknown(name) }
        try stored.checkProgress(value)
        guard let goal = try await app.store.updateGoal(name, value: value, note: note, at: now) else { throw Self.unknown(name) }
        guard let suggestion = goal.suggestion(at: now) else { return Recorded(goal: goal) }
        let waiting = try await app.store.actions(ActionQuery(statuses: [.awaitingApproval], type: suggestion.type, limit: 1000))
            .contains { $0.actor == Actor(.goal, goal.name) }
        guard !waiting else { return Recorded(goal: goal) }
        let action = ProposedAction(
            type: suggestion.type, attributes: suggestion.attributes, actor: Actor(.goal, goal.name),
            summary: "goal \(goal.name) is behind pace: \(suggestion.reason)"
        )
        return Recorded(goal: goal, proposed: try await (gate ?? app.gate).propose(action))
    }

    /// The active goals (with `includeFinished`, also completed and missed ones), settled at `now`.
    public func list(includeFinished: Bool, at now: Date) async throws -> [Goal] {
        try await settle(at: now)
        return try await app.store.goals(includeFinished: includeFinished)
    }

    /// One goal, settled at `now`, with its newest `historyLimit` progress records.
    public func show(_ name: String, historyLimit: Int, at now: Date) async throws -> GoalDetail {
        guard historyLimit > 0 else { throw AppError.usage("--limit must be at least 1") }
        guard var goal = try await app.store.goal(name) else { throw Self.unknown(name) }
        if goal.settled(at: now) != goal, let settled = try await app.store.updateGoal(name, value: nil, note: nil, at: now) {
            goal = settled
        }
        return GoalDetail(goal, history: try await app.store.goalHistory(name, limit: historyLimit), at: now)
    }

    /// Marks active goals whose period is over missed, so listings and `show` agree with the store.
    func settle(at now: Date) async throws {
        for goal in try await app.store.goals(includeFinished: false) where goal.settled(at: now) != goal {
            _ = try await app.store.updateGoal(goal.name, value: nil, note: nil, at: now)
        }
    }

    static func unknown(_ name: String) -> AppError {
        AppError.failure("no goal named \"\(name)\"; `nightshift goals list --all` lists the goals")
    }
}
