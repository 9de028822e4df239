public import NightshiftCore

/// How urgent the operator says a task is. It gives the task its impact when none is written.
public enum BuildPriority: String, Sendable, Hashable, Codable, CaseIterable {
    case high = "HIGH"
    case medium = "MEDIUM"
    case low = "LOW"

    /// Parses HIGH, MEDIUM or LOW in any case.
    public init?(parsing text: String) {
        self.init(rawValue: text.uppercased())
    }

    /// The impact (1–10) a task of this priority has unless `--impact` says otherwise.
    public var defaultImpact: Int {
        switch self {
        case .high: 8
        case .medium: 5
        case .low: 2
        }
    }
}

/// The priority score of a task: impact × 1/effort, so a high-impact, low-effort task runs first.
public enum BuildScore {
    /// The effort (1–10) a task estimated at `hours` has unless `--effort` says otherwise: one
    /// point per hour, rounded up, between 1 and 10.
    public static func defaultEffort(hours: Double) -> Int {
        min(10, max(1, Int(hours.rounded(.up))))
    }

    /// impact / effort, rounded to three decimals so listings and sorting agree.
    public static func score(impact: Int, effort: Int) -> Double {
        (Double(impact) / Double(max(1, effort)) * 1000).rounded() / 1000
    }
}

/// The builder's view of a ``QueueTask`` of the `builder` queue: the fields kept in its attributes.
extension QueueTask {
    /// The name of the builder's queue.
    public static let builderQueue = "builder"

    public var priority: BuildPriority { attributes["priority"]?.stringValue.flatMap(BuildPriority.init(parsing:)) ?? .medium }
    public var impact: Int { attributes["impact"]?.double.map { Int($0) } ?? priority.defaultImpact }
    public var effort: Int { attributes["effort"]?.double.map { Int($0) } ?? BuildScore.defaultEffort(hours: hours) }
    /// The command that must pass after the agent exits 0 for the task to succeed.
    public var verify: String? { attributes["verify"]?.stringValue }
}
