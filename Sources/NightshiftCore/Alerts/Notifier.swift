public import Foundation

/// A failure or recovery message about a job, as it is sent to the operator.
public struct AlertMessage: Sendable, Hashable, Codable {
    public var job: String
    public var kind: AlertRecord.Kind
    public var runID: String?
    public var consecutiveFailures: Int
    public var error: String?
    public var text: String
    public var at: Date

    public init(job: String, kind: AlertRecord.Kind, runID: String?, consecutiveFailures: Int, error: String?, text: String, at: Date) {
        self.job = job
        self.kind = kind
        self.runID = runID
        self.consecutiveFailures = consecutiveFailures
        self.error = error
        self.text = text
        self.at = at
    }
}

/// Delivers alerts to the operator: a webhook, a command. Declared as `[notifiers.NAME]`.
public protocol Notifier: Sendable {
    var name: String { get }
    /// Delivers the message; returns nil on success or the reason it failed.
    func deliver(_ message: AlertMessage) async -> String?
}
