public import Foundation

/// How an allowed action's execution went, as the gate records it: the change of its row (to
/// `executed`, `failed` or `interrupted`) and the `execution` audit record appended with it,
/// applied only while the row is in one of the `expected` statuses.
///
/// The gate writes it with ``ActionStore/updateAction(_:expecting:_:audit:)``, or, for a cycle
/// step, hands it to the cycle engine, which writes it in the transaction of the step's checkpoint
/// (``CycleStore/finishStep(_:index:state:excerpt:output:error:overrunSeconds:thenBegin:recording:fence:at:)``).
public struct ActionExecution: Sendable, Hashable {
    public var actionID: String
    public var expected: Set<ActionStatus>
    public var update: ActionUpdate
    public var audit: AuditEntry

    public init(actionID: String, expected: Set<ActionStatus>, update: ActionUpdate, audit: AuditEntry) {
        self.actionID = actionID
        self.expected = expected
        self.update = update
        self.audit = audit
    }
}

/// What a checkpoint that records an action's execution wrote.
public struct StepCheckpoint: Sendable, Hashable {
    /// Whether the execution was written; false when the action's status was none of those
    /// expected (nothing was written for it).
    public var executionRecorded: Bool
    /// Whether the step was finished (and, when a next step was given, that step begun).
    public var finished: Bool
    /// The step begun, when a next step was given and the checkpoint was written.
    public var begun: StepRecord?

    public init(executionRecorded: Bool, finished: Bool, begun: StepRecord?) {
        self.executionRecorded = executionRecorded
        self.finished = finished
        self.begun = begun
    }
}
