public import Foundation
public import NightshiftCore

/// A run as `--json` prints it.
public struct RunView: Encodable, Sendable {
    public var id: String
    public var job: String
    public var state: String
    public var trigger: String
    public var attempt: Int
    public var slot: Date
    public var createdAt: Date
    public var notBefore: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var durationSeconds: Double?
    public var exitStatus: Int?
    public var error: String?
    public var excerpt: String?
    public var owner: String?
    public var logPath: String?

    public init(_ run: RunRecord, logPath: String?) {
        id = run.id
        job = run.job
        state = run.state.rawValue
        trigger = run.trigger.rawValue
        attempt = run.attempt
        slot = run.slot
        createdAt = run.createdAt
        notBefore = run.notBefore
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        durationSeconds = run.duration
        exitStatus = run.exitStatus
        error = run.error
        excerpt = run.excerpt
        owner = run.owner
        self.logPath = logPath
    }
}
