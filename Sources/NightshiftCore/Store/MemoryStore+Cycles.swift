public import Foundation

/// A lease key as the memory store keeps it: the latest grant, and whether it was released.
struct MemoryLeaseRow: Sendable {
    var lease: Lease
    var released: Bool
}

// MARK: Leases

extension MemoryStore {
    public func acquireLease(_ key: String, owner: String, ttl: TimeInterval, at now: Date) async throws -> LeaseGrant {
        let row = leaseRows[key]
        if let row, !row.released, row.lease.expiresAt > now {
            return .held(row.lease)
        }
        let lease = Lease(
            key: key, owner: owner, token: (row?.lease.token ?? 0) + 1,
            acquiredAt: now, renewedAt: now, expiresAt: now.addingTimeInterval(ttl)
        )
        leaseRows[key] = MemoryLeaseRow(lease: lease, released: false)
        return .granted(lease)
    }

    public func takeOverLease(_ key: String, from token: Int64, owner: String, ttl: TimeInterval, at now: Date) async throws -> Lease? {
        guard let row = leaseRows[key], !row.released, row.lease.token == token else { return nil }
        let lease = Lease(key: key, owner: owner, token: token + 1, acquiredAt: now, renewedAt: now, expiresAt: now.addingTimeInterval(ttl))
        leaseRows[key] = MemoryLeaseRow(lease: lease, released: false)
        return lease
    }

    public func renewLease(_ key: String, token: Int64, ttl: TimeInterval, at now: Date) async throws -> Lease? {
        guard fenceHolds(Fence(key: key, token: token), at: now), var lease = leaseRows[key]?.lease else { return nil }
        lease.renewedAt = now
        lease.expiresAt = now.addingTimeInterval(ttl)
        leaseRows[key]?.lease = lease
        return lease
    }

    public func releaseLease(_ key: String, token: Int64) async throws -> Bool {
        guard let row = leaseRows[key], !row.released, row.lease.token == token else { return false }
        leaseRows[key]?.released = true
        return true
    }

    public func lease(_ key: String) async throws -> Lease? {
        guard let row = leaseRows[key], !row.released else { return nil }
        return row.lease
    }

    public func leases() async throws -> [Lease] {
        leaseRows.values.filter { !$0.released }.map(\.lease).sorted { $0.key < $1.key }
    }

    /// Whether `fence` names the current, unreleased, unexpired grant of its key.
    func fenceHolds(_ fence: Fence, at now: Date) -> Bool {
        guard let row = leaseRows[fence.key] else { return false }
        return !row.released && row.lease.token == fence.token && row.lease.expiresAt > now
    }
}

// MARK: Cycle runs and steps

extension MemoryStore {
    public func insertCycleRun(_ run: CycleRunRecord, steps: [StepRecord]) async throws -> Bool {
        let clash = cycleRunsByID.values.contains {
            $0.cycle == run.cycle && $0.tenant == run.tenant && $0.slotKey == run.slotKey && $0.variant == run.variant
        }
        guard !clash, cycleRunsByID[run.id] == nil else { return false }
        cycleRunsByID[run.id] = run
        stepsByCycleRun[run.id] = steps.sorted { $0.index < $1.index }
        return true
    }

    public func cycleRun(_ id: String) async throws -> CycleRunRecord? { cycleRunsByID[id] }

    public func cycleRuns(cycle: String?, tenant: String?, states: Set<RunState>, limit: Int) async throws -> [CycleRunRecord] {
        Array(
            cycleRunsByID.values
                .filter { cycle == nil || $0.cycle == cycle }
                .filter { tenant == nil || $0.tenant == tenant }
                .filter { states.isEmpty || states.contains($0.state) }
                .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
                .prefix(limit)
        )
    }

    public func slotCycleRuns(cycle: String, tenant: String, slotKey: String) async throws -> [CycleRunRecord] {
        cycleRunsByID.values.filter { $0.cycle == cycle && $0.tenant == tenant && $0.slotKey == slotKey }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func steps(of cycleRunID: String) async throws -> [StepRecord] {
        stepsByCycleRun[cycleRunID] ?? []
    }

    public func startCycleRun(_ id: String, owner: String, fence: Fence, at now: Date) async throws -> Bool {
        guard fenceHolds(fence, at: now), var run = cycleRunsByID[id],
              [.pending, .running, .interrupted].contains(run.state) else { return false }
        run.state = .running
        run.owner = owner
        run.leaseToken = fence.token
        run.startedAt = run.startedAt ?? now
        run.finishedAt = nil
        run.error = nil
        cycleRunsByID[id] = run
        return true
    }

    public func beginStep(_ cycleRunID: String, index: Int, fence: Fence, at now: Date) async throws -> StepRecord? {
        guard fenceHolds(fence, at: now), let position = beginnable(cycleRunID, index, from: [.pending, .running, .failed]) else { return nil }
        return begin(cycleRunID, at: position, now)
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, fence: Fence, at now: Date
    ) async throws -> Bool {
        guard fenceHolds(fence, at: now), let position = finishable(cycleRunID, index, as: state) else { return false }
        update(cycleRunID, at: position, state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds, finishedAt: now)
        return true
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, thenBegin next: Int, fence: Fence, at now: Date
    ) async throws -> StepRecord? {
        // Both are checked before either is written: a refused begin leaves the finish unwritten too.
        guard fenceHolds(fence, at: now), let finishing = finishable(cycleRunID, index, as: state),
              let beginning = beginnable(cycleRunID, next, from: [.pending]) else { return nil }
        update(cycleRunID, at: finishing, state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds, finishedAt: now)
        return begin(cycleRunID, at: beginning, now)
    }

    public func finishStep(
        _ cycleRunID: String, index: Int, state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, thenBegin next: Int?, recording execution: ActionExecution, fence: Fence, at now: Date
    ) async throws -> StepCheckpoint {
        // Nothing here suspends: the execution and the checkpoint are one write of the actor.
        let recorded = applyUpdate(execution.actionID, expecting: execution.expected, execution.update, audit: execution.audit) != nil
        guard fenceHolds(fence, at: now), let finishing = finishable(cycleRunID, index, as: state) else {
            return StepCheckpoint(executionRecorded: recorded, finished: false, begun: nil)
        }
        guard let next else {
            update(cycleRunID, at: finishing, state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds, finishedAt: now)
            return StepCheckpoint(executionRecorded: recorded, finished: true, begun: nil)
        }
        guard let beginning = beginnable(cycleRunID, next, from: [.pending]) else {
            return StepCheckpoint(executionRecorded: recorded, finished: false, begun: nil)
        }
        update(cycleRunID, at: finishing, state, excerpt: excerpt, output: output, error: error, overrunSeconds: overrunSeconds, finishedAt: now)
        return StepCheckpoint(executionRecorded: recorded, finished: true, begun: begin(cycleRunID, at: beginning, now))
    }

    public func markSteps(_ cycleRunID: String, indices: [Int], state: StepState, reason: String?, fence: Fence, at now: Date) async throws -> Bool {
        guard fenceHolds(fence, at: now), let run = cycleRunsByID[cycleRunID], !run.state.isFinal else { return false }
        let chosen = Set(indices)
        for position in stepsByCycleRun[cycleRunID, default: []].indices {
            let step = stepsByCycleRun[cycleRunID]![position]
            guard chosen.contains(step.index), step.state == .pending else { continue }
            stepsByCycleRun[cycleRunID]![position].state = state
            stepsByCycleRun[cycleRunID]![position].error = reason
            stepsByCycleRun[cycleRunID]![position].finishedAt = now
        }
        return true
    }

    public func finishCycleRun(_ id: String, state: RunState, error: String?, fence: Fence, at now: Date) async throws -> Bool {
        guard state.isFinal, fenceHolds(fence, at: now), var run = cycleRunsByID[id], run.state == .running else { return false }
        run.state = state
        run.error = error
        run.finishedAt = now
        cycleRunsByID[id] = run
        return true
    }

    public func interruptCycleRuns(ownedBy owner: String, reason: String, at now: Date) async throws -> [String] {
        let ids = cycleRunsByID.values.filter { $0.state == .running && $0.owner == owner }.map(\.id).sorted()
        for id in ids {
            cycleRunsByID[id]?.state = .interrupted
            cycleRunsByID[id]?.finishedAt = now
            cycleRunsByID[id]?.error = reason
        }
        return ids
    }

    private func stepPosition(_ cycleRunID: String, _ index: Int) -> Int? {
        stepsByCycleRun[cycleRunID]?.firstIndex { $0.index == index }
    }

    /// Where step `index` is, when it is in one of `states` and its run is running.
    private func beginnable(_ cycleRunID: String, _ index: Int, from states: Set<StepState>) -> Int? {
        guard cycleRunsByID[cycleRunID]?.state == .running, let position = stepPosition(cycleRunID, index),
              states.contains(stepsByCycleRun[cycleRunID]![position].state) else { return nil }
        return position
    }

    /// Where step `index` is, when it is running and `state` may end it.
    private func finishable(_ cycleRunID: String, _ index: Int, as state: StepState) -> Int? {
        guard state != .pending, state != .running, let position = stepPosition(cycleRunID, index),
              stepsByCycleRun[cycleRunID]![position].state == .running else { return nil }
        return position
    }

    /// A new attempt: running, attempt + 1, the previous attempt's results cleared.
    private func begin(_ cycleRunID: String, at position: Int, _ now: Date) -> StepRecord {
        update(cycleRunID, at: position, .running, excerpt: nil, output: nil, error: nil, overrunSeconds: nil, finishedAt: nil)
        stepsByCycleRun[cycleRunID]![position].attempt += 1
        stepsByCycleRun[cycleRunID]![position].startedAt = now
        return stepsByCycleRun[cycleRunID]![position]
    }

    /// Sets step `position`'s state and results.
    private func update(
        _ cycleRunID: String, at position: Int, _ state: StepState, excerpt: String?, output: String?, error: String?,
        overrunSeconds: Double?, finishedAt: Date?
    ) {
        var step = stepsByCycleRun[cycleRunID]![position]
        step.state = state
        step.finishedAt = finishedAt
        step.excerpt = excerpt
        step.output = output
        step.error = error
        step.overrunSeconds = overrunSeconds
        stepsByCycleRun[cycleRunID]![position] = step
    }
}
