public import Foundation
public import NightshiftCore

/// What the self-improver reads: every operation's timings and failures, and the jobs run by hand.
public struct OperationHistory: Sendable {
    /// Logged timings (`improve log-time`), job runs and cycle steps.
    public var timings: [OperationTiming]
    /// Logged failures (`improve log-failure`), failed job runs and cycle steps.
    public var failures: [OperationFailure]
    /// `jobs run` runs of declared jobs.
    public var manualRuns: [ManualRunRecord]
    /// Corrections the operator recorded (`improve log-correction`).
    public var corrections: [CorrectionRecord] = []
}

/// Reads the learners' inputs from the store. Runs and cycle steps are not copied into events:
/// their durations and failures are derived here, when they are read, so nothing is written twice.
enum LearningHistory {
    /// How far back the self-improver reads: its longest window (14 days of manual runs) with room.
    static let operationLookback: TimeInterval = 30 * 86_400
    /// Most rows read of each kind; the newest are kept.
    static let readLimit = 10_000
    /// Most cycle runs whose steps are read.
    static let cycleRunLimit = 1_000

    /// The request events within `learner`'s lookback up to `now`, oldest first.
    static func requests(in store: any Store, learner: PatternLearner, now: Date) async throws -> [ObservedEvent] {
        try await store.events(EventQuery(
            kinds: [.request], since: now.addingTimeInterval(-learner.configuration.lookback), until: now.addingTimeInterval(1),
            limit: readLimit))
    }

    /// The pattern learner's view of `events`.
    static func patternEvents(_ events: [ObservedEvent]) -> [PatternEvent] {
        events.map { PatternEvent(name: $0.name, at: $0.at, meta: $0.data) }
    }

    /// The pre-build command of each request name: from the newest of its events whose meta has one.
    static func commands(_ events: [ObservedEvent]) -> [String: PrebuildCommand] {
        var commands: [String: PrebuildCommand] = [:]
        for event in events.sorted(by: { $0.at < $1.at }) {
            if let command = PrebuildCommand(meta: event.data) { commands[event.name] = command }
        }
        return commands
    }

    /// Timings, failures and manual runs of the last ``operationLookback`` up to `now`.
    ///
    /// - Job runs of the declared `jobs` that succeeded or failed are timings of `job:NAME`
    ///   (finished − started, the run id); failed ones are failures with the run's error.
    /// - Cycle steps that succeeded or failed are timings of `cycle:NAME/STEP` (the cycle run id).
    /// - `jobs run` runs (trigger `manual`, slot key `manual:…`) of declared jobs are manual runs.
    static func operations(in store: any Store, jobs: Set<String>, now: Date) async throws -> OperationHistory {
        let since = now.addingTimeInterval(-operationLookback)
        var history = OperationHistory(timings: [], failures: [], manualRuns: [])
        let kinds: Set<ObservedEvent.Kind> = [.timing, .failure, .correction]
        for event in try await store.events(EventQuery(kinds: kinds, since: since, until: now.addingTimeInterval(1), limit: readLimit)) {
            if event.kind == .correction {
                history.corrections.append(CorrectionRecord(topic: event.name, text: event.data?["text"]?.stringValue ?? "", at: event.at))
            } else if event.kind == .timing, let value = event.value {
                history.timings.append(OperationTiming(operation: event.name, milliseconds: value, at: event.at, runID: event.runID))
            } else if event.kind == .failure {
                let error = event.data?["error"]?.stringValue ?? event.data.map(\.text) ?? "failed"
                history.failures.append(OperationFailure(operation: event.name, error: error, at: event.at, runID: event.runID))
            }
        }
        // By period, so the runs before the lookback are never read.
        let runs = try await store.runs(RunQuery(period: since..<Date.distantFuture, limit: readLimit))
        for run in runs where jobs.contains(run.job) && run.createdAt >= since {
            if run.trigger == .manual, run.slotKey.hasPrefix("manual:") {
                history.manualRuns.append(ManualRunRecord(job: run.job, at: run.createdAt, runID: run.id))
            }
            record(
                operation: "job:\(run.job)", succeeded: run.state == .succeeded, failed: run.state == .failed,
                started: run.startedAt, finished: run.finishedAt, error: run.error, runID: run.id, into: &history)
        }
        let cycleRuns = try await store.cycleRuns(cycle: nil, tenant: nil, states: [], limit: cycleRunLimit)
        for cycleRun in cycleRuns where cycleRun.createdAt >= since {
            for step in try await store.steps(of: cycleRun.id) {
                record(
                    operation: "cycle:\(cycleRun.cycle)/\(step.name)", succeeded: step.state == .succeeded, failed: step.state == .failed,
                    started: step.startedAt, finished: step.finishedAt, error: step.error, runID: cycleRun.id, into: &history)
            }
        }
        return history
    }

    /// Adds one finished run or step: a timing when it has both ends, a failure when it failed.
    private static func record(
        operation: String, succeeded: Bool, failed: Bool, started: Date?, finished: Date?, error: String?, runID: String,
        into history: inout OperationHistory
    ) {
        guard succeeded || failed, let finished else { return }
        if let started {
            let milliseconds = (max(0, finished.timeIntervalSince(started)) * 1000).rounded()
            history.timings.append(OperationTiming(operation: operation, milliseconds: milliseconds, at: finished, runID: runID))
        }
        if failed {
            history.failures.append(OperationFailure(operation: operation, error: error ?? "failed", at: finished, runID: runID))
        }
    }
}
