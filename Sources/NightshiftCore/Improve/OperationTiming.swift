public import Foundation

/// How long one run of an operation took, as the self-improver reads it.
///
/// ```swift
/// OperationTiming(operation: "backup", milliseconds: 7_200, at: finishedAt, runID: "run-41")
/// ```
public struct OperationTiming: Sendable, Hashable, Codable {
    /// What ran (`backup`, `sync.mail`); timings with the same name are compared.
    public var operation: String
    /// Wall time the run took, in milliseconds.
    public var milliseconds: Double
    /// When the run finished.
    public var at: Date
    /// The run, when there was one to point at.
    public var runID: String?

    /// A timing of `operation`.
    public init(operation: String, milliseconds: Double, at: Date, runID: String? = nil) {
        self.operation = operation
        self.milliseconds = milliseconds
        self.at = at
        self.runID = runID
    }
}

/// One failed run of an operation.
public struct OperationFailure: Sendable, Hashable, Codable {
    /// What failed; matched with ``OperationTiming/operation``.
    public var operation: String
    /// The error as reported, shown to the operator as the last error.
    public var error: String
    /// When it failed.
    public var at: Date
    /// The run, when there was one to point at.
    public var runID: String?

    /// A failure of `operation`.
    public init(operation: String, error: String, at: Date, runID: String? = nil) {
        self.operation = operation
        self.error = error
        self.at = at
        self.runID = runID
    }
}
