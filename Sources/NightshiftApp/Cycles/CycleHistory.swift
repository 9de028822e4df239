public import Foundation
public import NightshiftCore

/// The cycles' read use cases: a cycle's last run, one run with its steps, a cycle's runs.
public struct CycleHistory: Sendable {
    let app: NightshiftApplication

    public init(_ app: NightshiftApplication) { self.app = app }

    /// The newest run of `cycle`, any tenant.
    public func lastRun(of cycle: String) async throws -> CycleRunRecord? {
        try await app.store.cycleRuns(cycle: cycle, tenant: nil, states: [], limit: 1).first
    }

    /// One cycle run with its step checkpoints.
    public func show(_ id: String) async throws -> (run: CycleRunRecord, steps: [StepRecord]) {
        guard let run = try await app.store.cycleRun(id) else { throw AppError.failure("no cycle run with id \(id)") }
        return (run, try await app.store.steps(of: id))
    }

    /// The lease a run of `cycle` for `tenant` needs, when another process holds it now.
    public func heldLease(_ cycle: Cycle, tenant: String, at now: Date = Date()) async throws -> Lease? {
        guard let lease = try await app.store.lease(cycle.leaseKey(tenant: tenant)), lease.expiresAt > now else { return nil }
        return lease
    }

    /// The newest `limit` runs of `name` (of `tenant` when given), each with its steps. A failure
    /// when there is no such cycle and no run of one.
    public func runs(of name: String, tenant: String?, limit: Int) async throws -> [(run: CycleRunRecord, steps: [StepRecord])] {
        guard limit > 0 else { throw AppError.usage("--limit must be at least 1") }
        let runs = try await app.store.cycleRuns(cycle: name, tenant: tenant, states: [], limit: limit)
        if runs.isEmpty, app.configuration.cycle(named: name) == nil { throw AppError.failure("no cycle named \"\(name)\" and no runs of one") }
        var result: [(run: CycleRunRecord, steps: [StepRecord])] = []
        for run in runs { result.append((run, try await app.store.steps(of: run.id))) }
        return result
    }
}
