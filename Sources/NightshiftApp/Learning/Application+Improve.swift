public import Foundation
public import NightshiftCore

/// The self-improver on this workspace's store: `nightshift improve …`.
extension NightshiftApplication {
    /// The improver, proposing schedules in the workspace's zone.
    public var selfImprover: SelfImprover { SelfImprover(timeZone: configuration.settings.timeZone) }

    /// Records how long an operation took (`improve log-time`).
    @discardableResult
    public func recordTiming(_ operation: String, milliseconds: Double, at: Date = Date(), runID: String? = nil) async throws -> ObservedEvent {
        let event = ObservedEvent(kind: .timing, name: operation, at: at, value: milliseconds, runID: runID)
        try await store.insertEvent(event)
        return event
    }

    /// Records that an operation failed (`improve log-failure`).
    @discardableResult
    public func recordFailure(_ operation: String, error: String, at: Date = Date(), runID: String? = nil) async throws -> ObservedEvent {
        let event = ObservedEvent(kind: .failure, name: operation, at: at, data: .object(["error": .string(error)]), runID: runID)
        try await store.insertEvent(event)
        return event
    }

    /// Records that the operator corrected Nightshift or an agent about `topic`
    /// (`improve log-correction`); the same topic corrected again is a knowledge gap.
    @discardableResult
    public func recordCorrection(_ topic: String, text: String, at: Date = Date()) async throws -> ObservedEvent {
        let event = ObservedEvent(kind: .correction, name: topic, at: at, data: .object(["text": .string(text)]))
        try await store.insertEvent(event)
        return event
    }

    /// Logged timings and failures, plus those of job runs and cycle steps and the manual runs,
    /// over the last 30 days up to `now`.
    public func operationHistory(at now: Date = Date()) async throws -> OperationHistory {
        try await LearningHistory.operations(in: store, jobs: Set(jobs.map(\.name)), now: now)
    }

    /// Figures per operation at `now`, slowest p90 first.
    public func operationStats(at now: Date = Date()) async throws -> [OperationStats] {
        let history = try await operationHistory(at: now)
        return selfImprover.stats(timings: history.timings, failures: history.failures, now: now)
    }

    /// The self-improver's suggestions at `now`: unreliable, then slow, then jobs to automate.
    public func improvements(at now: Date = Date()) async throws -> [Improvement] {
        let history = try await operationHistory(at: now)
        return selfImprover.suggestions(
            timings: history.timings, failures: history.failures, manualRuns: history.manualRuns, corrections: history.corrections, now: now
        )
    }
}

extension ProposedSchedule {
    /// The lines that give the job this schedule: its `[jobs.NAME]` table with `schedule` and
    /// `time_zone`, to replace the job's current schedule key in `nightshift.toml`.
    public var toml: String {
        """
        [jobs.\(job.contains(".") ? PrebuildCommand.tomlString(job) : job)]
        schedule = \(PrebuildCommand.tomlString(cron.source))
        time_zone = \(PrebuildCommand.tomlString(timeZone))
        """
    }

    /// The command that shows the next three times the schedule would fire, to check it first.
    public var previewCommand: String {
        "nightshift schedule next \"\(cron.source)\" --tz \(timeZone) --count 3"
    }
}

extension Improvement {
    /// The suggestion as `improve suggest --json` and the brief's JSON give it (snake_case keys).
    public var json: JSONValue {
        .object([
            "id": .string(id), "kind": .string(kind.rawValue), "subject": .string(subject), "summary": .string(summary),
            "evidence": .object(evidence),
            "proposed_schedule": proposedSchedule.map { schedule in
                .object([
                    "job": .string(schedule.job), "cron": .string(schedule.cron.source), "time_zone": .string(schedule.timeZone),
                    "toml": .string(schedule.toml), "preview": .string(schedule.previewCommand),
                ])
            } ?? .null,
        ])
    }
}
