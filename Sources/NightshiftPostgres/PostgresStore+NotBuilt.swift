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

    // MARK: ActionStore

    public func insertAction(_ record: ActionRecord, audit: AuditEntry) async throws { throw notBuilt() }
    public func updateAction(_ id: String, expecting expected: Set<ActionStatus>, _ update: ActionUpdate, audit: AuditEntry) async throws -> ActionRecord? {
        throw notBuilt()
    }
    public func action(_ id: String) async throws -> ActionRecord? { throw notBuilt() }
    public func actions(_ query: ActionQuery) async throws -> [ActionRecord] { throw notBuilt() }
    public func countActions(_ query: ActionQuery) async throws -> Int { throw notBuilt() }
    public func usage(_ query: UsageQuery) async throws -> Usage { throw notBuilt() }
    @discardableResult
    public func appendAudit(_ entry: AuditEntry) async throws -> AuditRecord { throw notBuilt() }
    public func auditRecords(_ query: AuditQuery) async throws -> [AuditRecord] { throw notBuilt() }
    public func auditHead() async throws -> AuditHead? { throw notBuilt() }
    public func auditTrail() async throws -> AuditTrail { throw notBuilt() }
    public func recordDecision(_ decide: @Sendable (any ActionLedger) throws -> DecidedAction) async throws -> DecidedAction { throw notBuilt() }
    public func readLedger<T: Sendable>(_ body: @Sendable (any ActionLedger) throws -> T) async throws -> T { throw notBuilt() }

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
