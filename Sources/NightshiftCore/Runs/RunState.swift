/// Where a run is in its life.
///
/// `pending` runs wait for the runner (a queued overlap, a retry in backoff, a jittered slot);
/// `running` runs are owned by one process; the other states are final.
public enum RunState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Waiting to start, not before the run's `notBefore`.
    case pending
    /// Claimed by a process that is executing it.
    case running
    /// The action succeeded and its success check passed.
    case succeeded
    /// The action failed, timed out, or its success check did not pass.
    case failed
    /// The slot passed while nothing could run it, and the missed-run policy did not catch it up.
    case missed
    /// The slot fired while an earlier run of the job was still running (overlap `skip`).
    case skipped
    /// The process running it died or stopped before it finished.
    case interrupted
    /// The policy parked its action for the operator's approval; approving it runs the action
    /// as a new run with trigger `approval`.
    case awaitingApproval = "awaiting_approval"
    /// The policy forbade its action: nothing was executed.
    case forbidden

    /// Whether the run can no longer change.
    public var isFinal: Bool {
        switch self {
        case .pending, .running: false
        default: true
        }
    }

    public var description: String { rawValue }
}

/// Why a run exists.
public enum RunTrigger: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The job's schedule reached a slot while the scheduler was up.
    case schedule
    /// The operator asked for it (`nightshift jobs run`).
    case manual
    /// A slot missed while the scheduler was down, run late under the missed-run policy.
    case catchup
    /// A further attempt after a failed or interrupted run.
    case retry
    /// The operator approved an action the policy had parked (`nightshift approvals approve`).
    case approval

    public var description: String { rawValue }
}
