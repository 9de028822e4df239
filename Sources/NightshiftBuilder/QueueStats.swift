public import NightshiftCore

/// Counts over the builder's queue for `status`, `queue stats` and the brief.
public struct QueueStats: Sendable, Hashable, Codable {
    public var total: Int
    /// Tasks per state, every state present.
    public var byState: [String: Int]
    /// Succeeded out of those that finished or were cancelled (0 when none did).
    public var completionRate: Double
    /// Estimated hours of the tasks that succeeded.
    public var hoursShipped: Double
    /// Estimated hours still waiting or running.
    public var hoursQueued: Double

    /// The statistics of the queue's totals per state, as ``TaskStore/taskTotals(queue:)`` counts them.
    public init(totals: [TaskState: TaskTotal]) {
        func sum(_ states: [TaskState]) -> TaskTotal {
            states.reduce(into: TaskTotal()) { sum, state in
                sum.count += totals[state]?.count ?? 0
                sum.microHours += totals[state]?.microHours ?? 0
            }
        }
        total = sum(TaskState.allCases).count
        byState = Dictionary(uniqueKeysWithValues: TaskState.allCases.map { ($0.rawValue, totals[$0]?.count ?? 0) })
        let succeeded = totals[.succeeded]?.count ?? 0
        let ended = sum(TaskState.allCases.filter(\.isFinal)).count
        completionRate = ended == 0 ? 0 : (Double(succeeded) / Double(ended) * 1000).rounded() / 1000
        hoursShipped = totals[.succeeded]?.hours ?? 0
        hoursQueued = sum(TaskState.allCases.filter { !$0.isFinal }).hours
    }

    /// The statistics of `tasks`, counted one by one.
    public init(_ tasks: [QueueTask]) {
        self.init(totals: TaskTotal.of(tasks))
    }
}
