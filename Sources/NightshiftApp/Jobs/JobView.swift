public import Foundation
public import NightshiftCore

/// A job as `--json` prints it: its declaration, state and last run.
public struct JobView: Encodable, Sendable {
    public var name: String
    public var description: String?
    public var schedule: String
    public var timeZone: String
    public var action: String
    public var command: String?
    public var paused: Bool
    public var nextFire: Date?
    public var overlap: String
    public var missed: String
    public var retryAttempts: Int
    public var consecutiveFailures: Int
    public var lastRun: RunView?

    public init(_ job: Job, state: JobState?, last: RunRecord?, now: Date) {
        name = job.name
        description = job.description
        schedule = job.schedule.description
        timeZone = TimeZones.displayName(job.timeZone)
        action = job.action.kind
        if case .command(let command) = job.action { self.command = command.displayString }
        paused = state?.paused ?? false
        nextFire = paused ? nil : job.nextSlot(after: now)
        overlap = job.overlap.rawValue
        missed = job.missed.rawValue
        retryAttempts = job.retry.attempts
        consecutiveFailures = state?.alert.consecutiveFailures ?? 0
        lastRun = last.map { RunView($0, logPath: nil) }
    }
}
