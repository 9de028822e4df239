public import Foundation

/// Goals and their progress history: the part of a ``Store`` behind `nightshift goals`.
///
/// A goal's progress and status move together: ``updateGoal(_:value:note:at:)`` reads the goal,
/// applies ``Goal/recording(_:at:)`` and ``Goal/settled(at:)``, writes it and appends the history
/// row in one transaction, so two processes recording at once cannot undo each other's completion.
public protocol GoalStore: Sendable {
    /// Stores a new goal. Returns false, writing nothing, when a goal with that name exists
    /// (names compare exactly, case included).
    func insertGoal(_ goal: Goal) async throws -> Bool
    func goal(_ name: String) async throws -> Goal?
    /// Goals ordered by name: the `active` ones, or every one with `includeFinished`. The stored
    /// status is returned as is; ``Goal/evaluate(at:)`` tells whether an active goal's period is over.
    func goals(includeFinished: Bool) async throws -> [Goal]
    /// In one transaction: with a `value`, records it (``Goal/recording(_:at:)`` at `now`) and
    /// appends the history row (goal, value, now, note); then settles the status at `now`
    /// (``Goal/settled(at:)``). Returns the goal as stored afterwards, or nil, writing nothing,
    /// when there is no goal named `name`.
    func updateGoal(_ name: String, value: Double?, note: String?, at now: Date) async throws -> Goal?
    /// The goal's recorded progress, newest first (by time, then recording order); empty for an
    /// unknown name.
    func goalHistory(_ name: String, limit: Int) async throws -> [GoalProgress]
}
