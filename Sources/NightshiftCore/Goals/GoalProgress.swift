public import Foundation

/// One recorded value of a goal's metric: the goal's history, newest last.
public struct GoalProgress: Sendable, Hashable, Codable {
    /// The goal's name.
    public var goal: String
    /// The metric's value as recorded (it replaces the goal's current value; it is not added).
    public var value: Double
    /// When it was recorded.
    public var at: Date
    /// The operator's words about it, if any.
    public var note: String?

    /// A history row of `goal`.
    public init(goal: String, value: Double, at: Date, note: String? = nil) {
        self.goal = goal
        self.value = value
        self.at = at
        self.note = note
    }
}
