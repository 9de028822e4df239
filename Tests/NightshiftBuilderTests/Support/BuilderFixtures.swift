import Foundation
import NightshiftBuilder
import NightshiftCore

/// Fixed zones and dates for the builder's tests; no test reads the real clock.
enum Zones {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!
}

/// The instant of a local wall-clock time, e.g. `local(2026, 3, 7, 23, 0, in: Zones.newYork)`.
///
/// March 2026 is the reference month: the 1st is a Sunday, so the 4th is a Wednesday, the 6th a
/// Friday, the 7th a Saturday, and New York moves its clocks forward at 02:00 on Sunday the 8th.
func local(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0, in zone: TimeZone = Zones.utc) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
}

/// The local wall-clock `[year, month, day, hour, minute]` of `date` in `zone`.
func wallClock(_ date: Date, in zone: TimeZone) -> [Int] {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    return [parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!]
}

/// A builder task made by hand, for the pure functions (ordering, planning, reports).
func builderTask(
    _ id: String, hours: Double = 1, score: Double = 1, state: TaskState = .queued, dependsOn: [String] = [],
    category: String = "Bug fixes", createdAt: Date = local(2026, 3, 1, 12)
) -> QueueTask {
    var task = QueueTask(
        id: id, queue: QueueTask.builderQueue, title: "Task \(id)", category: category, hours: hours, score: score,
        dependsOn: dependsOn, state: state, createdAt: createdAt
    )
    task.updatedAt = createdAt
    return task
}

/// Settings with a harmless agent command and every other value at its default.
func testSettings() -> BuilderSettings {
    BuilderSettings(agent: ["claude", "-p", "{prompt}"])
}

/// A queue on a fresh memory store.
func memoryQueue(settings: BuilderSettings = testSettings()) -> (BuildQueue, MemoryStore) {
    let store = MemoryStore()
    return (BuildQueue(store: store, settings: settings), store)
}

extension MemoryStore {
    /// Forces a task into `state` (as a worker would have left it), whatever it was.
    func force(_ id: String, to state: TaskState, at now: Date, edit: (inout QueueTask) -> Void = { _ in }) async throws -> QueueTask {
        var task = try await self.task(id)!
        task.state = state
        if state.isFinal { task.finishedAt = now }
        edit(&task)
        return try await updateTask(task, expecting: Set(TaskState.allCases), at: now)!
    }
}
