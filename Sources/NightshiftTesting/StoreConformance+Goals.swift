import Foundation
import NightshiftCore

extension StoreConformance {
    /// Goals: unique names, listing with and without finished goals, progress and status moving
    /// together in one step, and the history.
    public static let goalCases: [StoreConformanceCase] = [
        StoreConformanceCase("insertGoal: a goal reads back field for field; a second goal of the same name is refused") { store in
            let goal = try goalFixture("march-meetings", target: 12.5, zone: "America/New_York")
            try check(try await store.insertGoal(goal), "insertGoal of a new name returned false")
            try checkGoal(try await store.goal("march-meetings"), goal)
            var other = try goalFixture("march-meetings", metric: "emails_sent", target: 99)
            other.current = 3
            try check(!(try await store.insertGoal(other)), "insertGoal of an existing name returned true")
            try checkGoal(try await store.goal("march-meetings"), goal)
            try check(try await store.goal("March-Meetings") == nil, "goal names must compare exactly, case included")
            try check(try await store.goal("nope") == nil, "goal() of an unknown name returned a goal")
        },

        StoreConformanceCase("goals: ordered by name; completed and missed goals only with includeFinished") { store in
            var completed = try goalFixture("c-done")
            completed.status = .completed
            completed.current = 20
            completed.completedAt = Fixture.at(5)
            var missed = try goalFixture("d-missed")
            missed.status = .missed
            for goal in [try goalFixture("b-active"), missed, completed, try goalFixture("a-active")] {
                try check(try await store.insertGoal(goal), "insertGoal(\(goal.name))")
            }
            try checkEqual(try await store.goals(includeFinished: false).map(\.name), ["a-active", "b-active"], "active goals")
            let all = try await store.goals(includeFinished: true)
            try checkEqual(all.map(\.name), ["a-active", "b-active", "c-done", "d-missed"], "all goals")
            try checkGoal(all.first { $0.name == "c-done" }, completed)
        },

        StoreConformanceCase("updateGoal: a value becomes current and a history row; history is newest first") { store in
            try check(try await store.insertGoal(try goalFixture("g")), "insertGoal")
            let first = try unwrap(try await store.updateGoal("g", value: 4, note: "first week", at: Fixture.at(60)), "updateGoal")
            try checkEqual(first.current, 4, "current after the first value")
            try checkEqual(first.status, .active, "status below the target")
            try checkDate(first.updatedAt, Fixture.at(60), "updatedAt")
            _ = try await store.updateGoal("g", value: 7.25, note: nil, at: Fixture.at(120))
            // Two values at the same instant: the one recorded later is newer.
            _ = try await store.updateGoal("g", value: 8, note: "a", at: Fixture.at(180))
            _ = try await store.updateGoal("g", value: 9, note: "b — späť", at: Fixture.at(180))
            let stored = try unwrap(try await store.goal("g"), "goal after updates")
            try checkEqual(stored.current, 9, "current after the last value")
            try checkDate(stored.updatedAt, Fixture.at(180), "updatedAt after the last value")
            let history = try await store.goalHistory("g", limit: 10)
            try checkEqual(history.map(\.value), [9, 8, 7.25, 4], "history values, newest first")
            try checkEqual(history.map(\.note), ["b — späť", "a", nil, "first week"], "history notes")
            try checkEqual(Set(history.map(\.goal)), ["g"], "history goal names")
            try checkDate(history.last?.at, Fixture.at(60), "oldest row's time")
            try checkEqual(try await store.goalHistory("g", limit: 2).map(\.value), [9, 8], "history with a limit")
        },

        StoreConformanceCase("updateGoal: an unknown goal gives nil and records no history") { store in
            try check(try await store.updateGoal("nope", value: 1, note: "x", at: Fixture.at(1)) == nil, "updateGoal of an unknown goal returned a goal")
            try checkEqual(try await store.goalHistory("nope", limit: 10).count, 0, "history rows of an unknown goal")
            try check(try await store.goals(includeFinished: true).isEmpty, "updateGoal of an unknown goal created one")
        },

        StoreConformanceCase("updateGoal: reaching the target completes the goal; a lower value later keeps it completed") { store in
            try check(try await store.insertGoal(try goalFixture("g", target: 20)), "insertGoal")
            let done = try unwrap(try await store.updateGoal("g", value: 20, note: nil, at: Fixture.at(100)), "updateGoal")
            try checkEqual(done.status, .completed, "status at the target")
            try checkDate(done.completedAt, Fixture.at(100), "completedAt")
            let lower = try unwrap(try await store.updateGoal("g", value: 15, note: "correction", at: Fixture.at(200)), "updateGoal")
            try checkEqual(lower.status, .completed, "status after a lower value")
            try checkEqual(lower.current, 15, "current after a lower value")
            let stored = try unwrap(try await store.goal("g"), "stored goal")
            try checkEqual(stored.status, .completed, "stored status")
            try checkDate(stored.completedAt, Fixture.at(100), "stored completedAt keeps the first completion")
            try checkEqual(try await store.goals(includeFinished: false).count, 0, "active goals after completion")
        },

        StoreConformanceCase("updateGoal: without a value, an active goal past its end becomes missed; before it nothing changes") { store in
            let goal = try goalFixture("g")
            try check(try await store.insertGoal(goal), "insertGoal")
            let before = try unwrap(try await store.updateGoal("g", value: nil, note: nil, at: goal.period.end.addingTimeInterval(-1)), "updateGoal")
            try checkGoal(before, goal)
            try checkGoal(try await store.goal("g"), goal)
            let after = try unwrap(try await store.updateGoal("g", value: nil, note: nil, at: goal.period.end), "updateGoal")
            try checkEqual(after.status, .missed, "status at the end")
            try checkEqual(try await store.goal("g")?.status, .missed, "stored status at the end")
            try checkEqual(try await store.goalHistory("g", limit: 10).count, 0, "history rows without a value")
        },

        StoreConformanceCase("updateGoal: concurrent values are all kept and the goal completes once") { store in
            try check(try await store.insertGoal(try goalFixture("g", target: 10)), "insertGoal")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for value in 1...20 {
                    group.addTask { _ = try await store.updateGoal("g", value: Double(value), note: nil, at: Fixture.at(Double(value))) }
                }
                try await group.waitForAll()
            }
            let history = try await store.goalHistory("g", limit: 100)
            try checkEqual(history.map(\.value).sorted(), (1...20).map(Double.init), "history values")
            let stored = try unwrap(try await store.goal("g"), "stored goal")
            try checkEqual(stored.status, .completed, "status")
            let completedAt = try unwrap(stored.completedAt, "completedAt")
            // Whichever value at or above 10 came first completed it; later ones did not move the date.
            try check(completedAt >= Fixture.at(10) - StoreConformance.dateTolerance, "completed before any value reached the target")
        },

        StoreConformanceCase("insertGoal: of two concurrent inserts of one name exactly one succeeds") { store in
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for metric in ["emails_sent", "calls_made"] {
                    group.addTask { try await store.insertGoal(try goalFixture("g", metric: metric)) }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            try checkEqual(results.filter { $0 }.count, 1, "successful inserts")
        },
    ]
}

/// An active goal for June 2025 (around ``Fixture/epoch``), created at the epoch.
private func goalFixture(_ name: String, metric: String = "meetings_booked", target: Double = 20, zone: String = "UTC") throws -> Goal {
    guard let start = CalendarDay("2025-06-01"), let end = CalendarDay("2025-06-30"), let timeZone = TimeZone(identifier: zone) else {
        throw ConformanceFailure("the goal fixture's days or zone \(zone) are not valid here")
    }
    return try Goal.create(name: name, metric: metric, target: target, start: start, end: end, timeZone: timeZone, at: Fixture.at(0))
}

/// Compares every field of a goal read back from the store with the one expected.
private func checkGoal(_ actual: Goal?, _ expected: Goal, file: String = #fileID, line: Int = #line) throws {
    let actual = try unwrap(actual, "goal \(expected.name)", file: file, line: line)
    let name = "goal \(expected.name)"
    try checkEqual(actual.name, expected.name, "\(name).name", file: file, line: line)
    try checkEqual(actual.metric, expected.metric, "\(name).metric", file: file, line: line)
    try checkEqual(actual.kind, expected.kind, "\(name).kind", file: file, line: line)
    try checkEqual(actual.target, expected.target, "\(name).target", file: file, line: line)
    try checkEqual(actual.current, expected.current, "\(name).current", file: file, line: line)
    try checkEqual(actual.start, expected.start, "\(name).start", file: file, line: line)
    try checkEqual(actual.end, expected.end, "\(name).end", file: file, line: line)
    try checkEqual(actual.timeZone.identifier, expected.timeZone.identifier, "\(name).timeZone", file: file, line: line)
    try checkEqual(actual.status, expected.status, "\(name).status", file: file, line: line)
    try checkDate(actual.createdAt, expected.createdAt, "\(name).createdAt", file: file, line: line)
    try checkDate(actual.updatedAt, expected.updatedAt, "\(name).updatedAt", file: file, line: line)
    try checkDate(actual.completedAt, expected.completedAt, "\(name).completedAt", file: file, line: line)
}
