/// What a fire does while an earlier run of the same job is still running.
public enum OverlapPolicy: String, Sendable, Hashable, CaseIterable {
    /// Record the new slot `skipped` (the default).
    case skip
    /// Keep the new run pending until the running one ends.
    case queue
    /// Start it alongside.
    case allow
}

/// What the scheduler does with slots that passed while nothing could run them.
public enum MissedRunPolicy: String, Sendable, Hashable, CaseIterable {
    /// Record every missed slot `missed`.
    case skip
    /// Run one catch-up for the newest missed slot if it is within the grace period (the default).
    case once
    /// Run a catch-up for each missed slot, newest ``MissedRunPolicy/allCap`` of them.
    case all

    /// The most catch-up runs `all` starts at once; older slots are recorded `missed`.
    public static let allCap = 100
}

/// How often and how soon a failed or interrupted run is tried again.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts, the first included: 1 means no retry.
    public var attempts: Int
    public var backoff: Duration
    public var maxBackoff: Duration

    public init(attempts: Int, backoff: Duration = .seconds(30), maxBackoff: Duration = .seconds(900)) {
        self.attempts = attempts
        self.backoff = backoff
        self.maxBackoff = maxBackoff
    }

    /// One attempt, no retry.
    public static let none = RetryPolicy(attempts: 1)

    /// The delay before attempt `attempt + 1`: exponential from `backoff`, capped at `maxBackoff`,
    /// with "equal jitter" (half fixed, half random) so that many failing jobs do not retry in step.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        let base = backoff.inSeconds * pow2(max(0, attempt - 1))
        let capped = min(base, maxBackoff.inSeconds)
        return .milliseconds(Int64((capped / 2 + capped / 2 * random) * 1000))
    }

    private func pow2(_ exponent: Int) -> Double {
        exponent >= 62 ? Double.greatestFiniteMagnitude : Double(1 << exponent)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
