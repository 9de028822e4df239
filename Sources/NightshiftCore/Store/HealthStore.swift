public import Foundation

/// What the health service and the learners keep: metric samples, problems with their lifecycle,
/// and the events the pattern learner and the self-improver count.
public protocol HealthStore: Sendable {
    /// Appends samples.
    func insertSamples(_ samples: [MetricSample]) async throws
    /// Samples matching `query`, oldest first; with more than its limit, the newest.
    func samples(_ query: SampleQuery) async throws -> [MetricSample]
    /// Deletes samples taken before `cutoff`. Returns how many.
    func pruneSamples(before cutoff: Date) async throws -> Int

    /// Applies one scan in one transaction: a finding whose key has no open problem opens one, an
    /// open problem found again is refreshed, and every open problem not found is resolved with
    /// `resolution`.
    func recordScan(_ findings: [ProblemFinding], resolution: String, at now: Date) async throws -> ProblemChanges
    /// Problems matching `query`, most recently seen first.
    func problems(_ query: ProblemQuery) async throws -> [Problem]
    /// Records that an open problem was sent to the operator at `now`.
    func markEscalated(_ problemID: String, at now: Date) async throws

    /// Appends one event.
    func insertEvent(_ event: ObservedEvent) async throws
    /// Events matching `query`, oldest first; with more than its limit, the newest.
    func events(_ query: EventQuery) async throws -> [ObservedEvent]
    /// Deletes events before `cutoff`. Returns how many.
    func pruneEvents(before cutoff: Date) async throws -> Int
}
