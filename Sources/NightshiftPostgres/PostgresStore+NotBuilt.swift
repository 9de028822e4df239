public import Foundation
public import NightshiftCore

/// The parts of the store not yet built on branch h/postgres (docs/POSTGRES.md keeps the list).
/// Each throws a `StoreError` saying so, so a test or a command that reaches one fails plainly
/// instead of doing something half right. This file disappears before the branch is merged.
extension PostgresStore {
    func notBuilt(_ operation: String = #function) -> StoreError {
        StoreError.io("\(operation): not implemented in the PostgreSQL driver yet (branch h/postgres)", location: location)
    }

    // MARK: GoalStore

    public func insertGoal(_ goal: Goal) async throws -> Bool { throw notBuilt() }
    public func goal(_ name: String) async throws -> Goal? { throw notBuilt() }
    public func goals(includeFinished: Bool) async throws -> [Goal] { throw notBuilt() }
    public func updateGoal(_ name: String, value: Double?, note: String?, at now: Date) async throws -> Goal? { throw notBuilt() }
    public func goalHistory(_ name: String, limit: Int) async throws -> [GoalProgress] { throw notBuilt() }

    // MARK: HealthStore

    public func insertSamples(_ samples: [MetricSample]) async throws { throw notBuilt() }
    public func samples(_ query: SampleQuery) async throws -> [MetricSample] { throw notBuilt() }
    public func pruneSamples(before cutoff: Date) async throws -> Int { throw notBuilt() }
    public func recordScan(_ findings: [ProblemFinding], resolution: String, at now: Date) async throws -> ProblemChanges { throw notBuilt() }
    public func problems(_ query: ProblemQuery) async throws -> [Problem] { throw notBuilt() }
    public func markEscalated(_ problemID: String, at now: Date) async throws { throw notBuilt() }
    public func insertEvent(_ event: ObservedEvent) async throws { throw notBuilt() }
    public func events(_ query: EventQuery) async throws -> [ObservedEvent] { throw notBuilt() }
    public func pruneEvents(before cutoff: Date) async throws -> Int { throw notBuilt() }
}
