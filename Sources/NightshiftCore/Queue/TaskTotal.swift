public import Foundation

/// How many tasks of a queue are in one state, and their estimates added up: what `status`, `queue
/// stats` and the brief show, counted by the store instead of by reading every task.
///
/// Hours are added in whole micro-hours, so a total is the same however its tasks came and went
/// (adding and removing 0.1 h a thousand times in floating point would leave a remainder).
public struct TaskTotal: Sendable, Hashable {
    public var count: Int
    /// The estimates added up, in millionths of an hour.
    public var microHours: Int64

    public init(count: Int = 0, microHours: Int64 = 0) {
        self.count = count
        self.microHours = microHours
    }

    /// The estimates added up, in hours.
    public var hours: Double { Double(microHours) / 1_000_000 }

    /// An estimate in millionths of an hour, rounded half away from zero (as SQLite's `ROUND`).
    public static func microHours(_ hours: Double) -> Int64 {
        Int64((hours * 1_000_000).rounded())
    }

    /// The totals per state of `tasks`, counted one by one.
    public static func of(_ tasks: some Sequence<QueueTask>) -> [TaskState: TaskTotal] {
        var totals: [TaskState: TaskTotal] = [:]
        for task in tasks {
            totals[task.state, default: TaskTotal()].count += 1
            totals[task.state, default: TaskTotal()].microHours += microHours(task.hours)
        }
        return totals
    }
}
