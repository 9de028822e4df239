public import Foundation
public import NightshiftCore

/// The cycles' read use cases: the declared cycles, a cycle's last run, one run with its steps, a
/// cycle's runs.
public struct CycleHistory: Sendable {
    let app: NightshiftApplication

    public init(_ app: NightshiftApplication) { self.app = app }

    /// Every declared cycle with its next fire after `now` and its last run.
    public func list(at now: Date) async throws -> [CycleListing] {
        var listings: [CycleListing] = []
        for cycle in app.cycles {
            listings.append(CycleListing(cycle: cycle, next: cycle.job.nextSlot(after: now), last: try await lastRun(of: cycle.name)))
        }
        return listings
    }

    /// The declared cycle `name`.
    ///
    /// - Throws: ``AppError/failure(_:)`` naming the declared cycles when there is none.
    public func cycle(named name: String) throws -> Cycle {
        guard let cycle = app.configuration.cycle(named: name) else {
            let known = app.cycles.map(\.name)
            throw AppError.failure("no cycle named \"\(name)\"\(known.isEmpty ? "; nightshift.toml declares none" : "; declared: \(known.joined(separator: ", "))")")
        }
        return cycle
    }

    /// The tenants a run of `cycle` is for: `tenant` alone, else every tenant of the cycle.
    ///
    /// - Throws: ``AppError/usage(_:)`` when `tenant` is not one of the cycle's.
    public func tenants(_ tenant: String?, of cycle: Cycle) throws -> [String] {
        guard let tenant else { return cycle.slotTenants }
        guard cycle.tenants.contains(tenant) else {
            throw AppError.usage(cycle.tenants.isEmpty
                ? "--tenant: cycle \(cycle.name) has no tenants"
                : "--tenant: \"\(tenant)\" is not a tenant of cycle \(cycle.name) (\(cycle.tenants.joined(separator: ", ")))")
        }
        return [tenant]
    }

    /// The zone a run of `cycle` is shown in: the cycle's, else the workspace's.
    public func timeZone(of cycle: String) -> TimeZone {
        app.configuration.cycle(named: cycle)?.timeZone ?? app.configuration.settings.timeZone
    }

    /// The newest run of `cycle`, any tenant.
    public func lastRun(of cycle: String) async throws -> CycleRunRecord? {
        try await app.store.cycleRuns(cycle: cycle, tenant: nil, states: [], limit: 1).first
    }

    /// One cycle run with its step checkpoints.
    public func show(_ id: String) async throws -> CycleRunView {
        guard let run = try await app.store.cycleRun(id) else { throw AppError.failure("no cycle run with id \(id)") }
        return CycleRunView(run: run, steps: try await app.store.steps(of: id), timeZone: timeZone(of: run.cycle))
    }

    /// The lease a run of `cycle` for `tenant` needs, when another process holds it now.
    public func heldLease(_ cycle: Cycle, tenant: String, at now: Date = Date()) async throws -> Lease? {
        guard let lease = try await app.store.lease(cycle.leaseKey(tenant: tenant)), lease.expiresAt > now else { return nil }
        return lease
    }

    /// The newest `limit` runs of `name` (of `tenant` when given), each with its steps. A failure
    /// when there is no such cycle and no run of one.
    public func runs(of name: String, tenant: String?, limit: Int) async throws -> [CycleRunView] {
        guard limit > 0 else { throw AppError.usage("--limit must be at least 1") }
        if let tenant, let cycle = app.configuration.cycle(named: name) { _ = try tenants(tenant, of: cycle) }
        let runs = try await app.store.cycleRuns(cycle: name, tenant: tenant, states: [], limit: limit)
        if runs.isEmpty, app.configuration.cycle(named: name) == nil { throw AppError.failure("no cycle named \"\(name)\" and no runs of one") }
        let zone = timeZone(of: name)
        var result: [CycleRunView] = []
        for run in runs { result.append(CycleRunView(run: run, steps: try await app.store.steps(of: run.id), timeZone: zone)) }
        return result
    }
}
