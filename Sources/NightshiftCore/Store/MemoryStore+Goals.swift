public import Foundation

/// The goals the memory store keeps: each goal by name, and every progress row in recording order.
struct MemoryGoalTable: Sendable {
    var goalsByName: [String: Goal] = [:]
    var history: [GoalProgress] = []
}

extension MemoryStore {
    public func insertGoal(_ goal: Goal) async throws -> Bool {
        guard goalTable.goalsByName[goal.name] == nil else { return false }
        goalTable.goalsByName[goal.name] = goal
        return true
    }

    public func goal(_ name: String) async throws -> Goal? { goalTable.goalsByName[name] }

    public func goals(includeFinished: Bool) async throws -> [Goal] {
        goalTable.goalsByName.values
            .filter { includeFinished || $0.status == .active }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }  // byte order, as SQL drivers sort
    }

    public func updateGoal(_ name: String, value: Double?, note: String?, at now: Date) async throws -> Goal? {
        guard let goal = goalTable.goalsByName[name] else { return nil }
        let updated = goal.updated(value: value, at: now)
        goalTable.goalsByName[name] = updated
        if let value {
            goalTable.history.append(GoalProgress(goal: name, value: value, at: now, note: note))
        }
        return updated
    }

    public func goalHistory(_ name: String, limit: Int) async throws -> [GoalProgress] {
        // Recording order breaks ties between rows of the same instant: the later row is newer.
        let rows = goalTable.history.enumerated().filter { $0.element.goal == name }
        return Array(
            rows.sorted { ($0.element.at, $0.offset) > ($1.element.at, $1.offset) }
                .prefix(max(0, limit))
                .map(\.element)
        )
    }
}
