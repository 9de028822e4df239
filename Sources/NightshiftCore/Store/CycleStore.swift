public import Foundation

/// Cycle runs and their step checkpoints: the part of a ``Store`` that lets a multi-step cycle
/// resume where it stopped without running a completed step twice.
///
/// Every write that moves a cycle forward presents a ``Fence``; the driver checks, in the same
/// transaction as the write, that the fence names the key's current token and that the lease has
/// not expired at `now`, and otherwise refuses the write and changes nothing.
public protocol CycleStore: Sendable {
    /// Inserts `run` and its `steps` in one transaction. Returns false, writing nothing, when the
    /// id or the (cycle, tenant, slot key, variant) already exists.
    func insertCycleRun(_ run: CycleRunRecord, steps: [StepRecord]) async throws -> Bool
    func cycleRun(_ id: String) async throws -> CycleRunRecord?
    /// Cycle runs matching the filters (nil or empty: any), newest first (by creation, then id).
    func cycleRuns(cycle: String?, tenant: String?, states: Set<RunState>, limit: Int) async throws -> [CycleRunRecord]
    /// The runs of one slot of a cycle (its variants: full, condensed, remainder), oldest first (by
    /// creation, then id): a lookup by the slot's key, whatever the cycle's history holds.
    func slotCycleRuns(cycle: String, tenant: String, slotKey: String) async throws -> [CycleRunRecord]
    /// The steps of a cycle run, by index; empty for an unknown id.
    func steps(of cycleRunID: String) async throws -> [StepRecord]
    /// Moves a pending, running or interrupted cycle run to `running` under `owner`, recording the
    /// fence's token; `startedAt` keeps the first start, `finishedAt` and `error` are cleared.
    /// Returns false when the fence is not the current unexpired lease or the run is final.
    func startCycleRun(_ id: String, owner: String, fence: Fence, at now: Date) async throws -> Bool
    /// Starts an attempt at a pending, running (interrupted) or failed step of a running cycle run:
    /// `running`, attempt + 1, `startedAt = now`, the previous attempt's results cleared, the
    /// idempotency key kept. Returns the step, or nil when fenced out, the run is not running, or
    /// the step is in any other state (a succeeded step never runs again).
    func beginStep(_ cycleRunID: String, index: Int, fence: Fence, at now: Date) async throws -> StepRecord?
    /// Ends a running step with `state` (not pending or running) and its results. Returns false
    /// when fenced out or the step is not running.
    func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, fence: Fence, at now: Date
    ) async throws -> Bool
    /// Ends the running step `index` as ``finishStep(_:index:state:excerpt:output:error:overrunSeconds:fence:at:)``
    /// does and, in the same transaction, begins the pending step `next` as ``beginStep(_:index:fence:at:)``
    /// does, so that the checkpoint between two steps is one commit. Both happen or neither: returns
    /// the begun step, or nil, changing nothing, when fenced out, the run is not running, step
    /// `index` is not running, `state` is pending or running, or step `next` is not pending.
    func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, thenBegin next: Int, fence: Fence, at now: Date
    ) async throws -> StepRecord?
    /// Records an action's execution as ``ActionStore/updateAction(_:expecting:_:audit:)`` does and,
    /// in the same transaction, ends the running step `index` as
    /// ``finishStep(_:index:state:excerpt:output:error:overrunSeconds:fence:at:)`` does — or, given
    /// `next`, ends it and begins `next` as
    /// ``finishStep(_:index:state:excerpt:output:error:overrunSeconds:thenBegin:fence:at:)`` does — so
    /// that a step whose action the gate executed costs one commit after it ran, not two.
    ///
    /// The execution is written whenever the action's status is one `execution` expects, also when
    /// the checkpoint is refused (fenced out, the step not running, `next` not pending): the action
    /// was executed whatever became of the lease. The checkpoint is written under its own rules
    /// (for `next`: both or neither). One transaction: a crash leaves all of it or none.
    func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, thenBegin next: Int?, recording execution: ActionExecution, fence: Fence, at now: Date
    ) async throws -> StepCheckpoint
    /// Moves the pending steps among `indices` to `state` (e.g. deferred, skipped) with `reason` as
    /// their error and `now` as their finish. Steps in other states are left alone. Returns false
    /// when fenced out or the run is unknown or final.
    func markSteps(_ cycleRunID: String, indices: [Int], state: StepState, reason: String?, fence: Fence, at now: Date) async throws -> Bool
    /// Ends a running cycle run with a final `state`. Returns false when fenced out, the run is not
    /// running, or `state` is not final.
    func finishCycleRun(_ id: String, state: RunState, error: String?, fence: Fence, at now: Date) async throws -> Bool
    /// Marks every running cycle run of `owner` interrupted with `reason`; steps left running stay
    /// running, so the engine reruns them with the same idempotency key. Returns the ids, sorted.
    func interruptCycleRuns(ownedBy owner: String, reason: String, at now: Date) async throws -> [String]
}
