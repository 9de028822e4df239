public import Foundation

/// A job the operator started by hand, which may deserve a schedule.
public struct ManualRunRecord: Sendable, Hashable, Codable {
    /// The job that was run.
    public var job: String
    /// When it was started.
    public var at: Date
    /// The run it made.
    public var runID: String

    /// A manual run of `job`.
    public init(job: String, at: Date, runID: String) {
        self.job = job
        self.at = at
        self.runID = runID
    }
}

/// A correction the operator recorded (`improve log-correction TOPIC TEXT`): what was wrong, about
/// what. The same topic corrected again is a knowledge gap worth documenting.
public struct CorrectionRecord: Sendable, Hashable, Codable {
    public var topic: String
    public var text: String
    public var at: Date

    public init(topic: String, text: String, at: Date) {
        self.topic = topic
        self.text = text
        self.at = at
    }
}
