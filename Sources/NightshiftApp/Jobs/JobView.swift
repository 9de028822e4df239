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

/// One job as `jobs show --json` prints it.
public struct JobDetail: Encodable, Sendable {
    public var job: JobView
    public var nextFires: [Date]
    public var recentRuns: [RunView]
    /// The newest runs and the declaration, for the text output. Not part of the JSON.
    public var runs: [RunRecord]
    public var declaration: Job

    enum CodingKeys: String, CodingKey { case job, nextFires, recentRuns }

    public init(job: JobView, nextFires: [Date], runs: [RunRecord], declaration: Job) {
        self.job = job
        self.nextFires = nextFires
        self.recentRuns = runs.map { RunView($0, logPath: nil) }
        self.runs = runs
        self.declaration = declaration
    }
}
