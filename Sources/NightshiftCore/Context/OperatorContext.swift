/// What the operator is doing right now, which decides how much unattended work Nightshift takes on.
///
/// Asleep, nobody is waiting on the machine: work at full tilt. At work, keep a steady pace that
/// leaves the machine usable. At the gym, keep it light. Available, stay responsive to them. When
/// nothing says what they are doing, be conservative and do only low-risk work.
public enum OperatorContext: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Asleep: nobody is waiting on the machine.
    case sleeping
    /// At work: the machine is in use, so keep a steady pace.
    case work
    /// At the gym: away for a while, but back soon.
    case gym
    /// Around and free: may ask for things at any moment.
    case available
    /// Nothing says what the operator is doing.
    case unknown

    /// How hard Nightshift works in a context.
    public enum Intensity: String, Sendable, Hashable, Codable, CaseIterable {
        /// As much as the limits allow (sleeping).
        case maximum
        /// A sustained pace that leaves the machine usable (work).
        case steady
        /// Little background work (gym).
        case light
        /// Keep capacity free for what the operator asks for (available).
        case responsive
        /// Only low-risk work, since nothing says what the operator is doing (unknown).
        case conservative
    }

    /// The intensity that fits the context: sleeping is maximum, work steady, gym light, available
    /// responsive, unknown conservative.
    public var intensity: Intensity {
        switch self {
        case .sleeping: .maximum
        case .work: .steady
        case .gym: .light
        case .available: .responsive
        case .unknown: .conservative
        }
    }

    /// Builds at once when `[context.limits]` does not say otherwise: sleeping 3, work 2, and 1 for
    /// gym, available and unknown.
    public var defaultMaxConcurrentBuilds: Int {
        switch self {
        case .sleeping: 3
        case .work: 2
        case .gym, .available, .unknown: 1
        }
    }

    /// Whether only low-risk work may run: true only when the context is unknown.
    public var lowRiskOnly: Bool { self == .unknown }

    /// The context's profile with the default limit.
    public var defaultProfile: ContextProfile {
        ContextProfile(intensity: intensity, maxConcurrentBuilds: defaultMaxConcurrentBuilds, lowRiskOnly: lowRiskOnly)
    }

    /// The context's name, as written in `nightshift.toml`: `sleeping`, `work`, …
    public var description: String { rawValue }

    /// The names of all contexts, for messages: `sleeping, work, gym, available, unknown`.
    static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// How Nightshift behaves in one context: see ``ContextSettings/profile(for:)``.
public struct ContextProfile: Sendable, Hashable, Codable {
    /// How hard to work.
    public var intensity: OperatorContext.Intensity
    /// Most builds (sub-agents, heavy jobs) running at once.
    public var maxConcurrentBuilds: Int
    /// Whether only low-risk actions may run.
    public var lowRiskOnly: Bool

    /// Creates a profile.
    public init(intensity: OperatorContext.Intensity, maxConcurrentBuilds: Int, lowRiskOnly: Bool) {
        self.intensity = intensity
        self.maxConcurrentBuilds = maxConcurrentBuilds
        self.lowRiskOnly = lowRiskOnly
    }
}
