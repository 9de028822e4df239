public import Foundation
import Logging

extension Runner {
    /// Executes a run this process has claimed, records how it ended, and schedules what follows
    /// (a retry, an alert). Returns the run as finished, or nil if another process took it over.
    public func perform(claimed run: RunRecord) async -> RunRecord? {
        executing.insert(run.id)
        defer { executing.remove(run.id) }
        let metadata: Logger.Metadata = ["nightshift.job": "\(run.job)", "nightshift.run.id": "\(run.id)"]
        guard let job = jobs[run.job] else {
            return await finish(run, job: nil, state: .failed, error: "job \(run.job) is no longer declared in nightshift.toml")
        }
        logger.info("run started", metadata: metadata)
        let context = ActionContext(
            runID: run.id,
            timeout: job.timeout,
            logPath: "\(configuration.runLogDirectory)/\(run.id).log",
            runEnvironment: runEnvironment(run, job: job),
            defaultBody: [
                "job": run.job, "run_id": run.id, "slot": ISO8601.format(run.slot, in: job.timeZone),
                "trigger": run.trigger.rawValue, "attempt": String(run.attempt),
            ],
            executionKey: run.id,
            onSpawn: { [store] pid in try? await store.setChildPID(run.id, pid) }
        )
        let result: ActionResult
        if case .cycle(let name) = job.action {
            if let cycles, let cycle = cycles.cycle(named: name) {
                result = await cycles.runSlot(cycle, run: run)
            } else {
                result = ActionResult(succeeded: false, error: "cycle \(name) is not declared in nightshift.toml")
            }
        } else {
            result = await gate.result(of: ProposedAction(job: job), runID: run.id, context: context)
        }
        let cancelled = result.cancelled || Task.isCancelled
        // The bookkeeping runs in a task of its own: when shutdown cancels this one, the store
        // (GRDB refuses work in a cancelled task) must still record how the run ended.
        return await Task { await self.record(result, of: run, job: job, cancelled: cancelled) }.value
    }

    func record(_ result: ActionResult, of run: RunRecord, job: Job, cancelled: Bool) async -> RunRecord? {
        if cancelled {
            let reason = "interrupted: the daemon stopped before the run finished"
            _ = try? await store.interruptRun(run.id, reason: reason, at: clock.now())
            return await afterEnd(run, job: job, state: .interrupted, error: reason, exitStatus: result.exitStatus, excerpt: result.excerpt)
        }
        var state = RunState.succeeded
        var error = result.error
        if let note = result.gate {
            state = note.runState
            error = note.summary
        } else if !result.succeeded {
            state = .failed
        } else if let check = job.successIf {
            let verdict = check.evaluate(result.output)
            if !verdict.passed {
                state = .failed
                error = "success check failed: \(verdict.reason ?? check.description)"
            }
        }
        return await finish(run, job: job, state: state, error: error, exitStatus: result.exitStatus, excerpt: result.excerpt)
    }

    func finish(
        _ run: RunRecord, job: Job?, state: RunState, error: String?, exitStatus: Int? = nil, excerpt: String? = nil
    ) async -> RunRecord? {
        let outcome = RunOutcome(state: state, finishedAt: clock.now(), exitStatus: exitStatus, error: error, excerpt: excerpt)
        switch await write(outcome, of: run, afterFailure: false) {
        case .recorded:
            return await afterEnd(run, job: job, state: state, error: error, exitStatus: exitStatus, excerpt: excerpt)
        case .takenOver:
            logger.info("run was taken over by another process; its outcome is dropped", metadata: ["nightshift.run.id": "\(run.id)"])
        case .failed(let failure):
            unrecorded[run.id] = UnrecordedOutcome(run: run, job: job, outcome: outcome)
            logger.warning(
                "could not record the run's outcome; it is kept and recorded once the store answers",
                metadata: ["nightshift.run.id": "\(run.id)", "nightshift.error": "\(failure)"]
            )
        }
        return nil
    }

    /// Records the outcomes the store could not take when their runs ended, oldest first, and
    /// returns those runs as ended; stops at the first failure (the store is still away) and
    /// throws it. The daemon's runner calls it on every pass; a command that ran a run itself,
    /// when ``perform(claimed:)`` returned nil.
    @discardableResult
    public func recordUnrecorded() async throws -> [RunRecord] {
        var ended: [RunRecord] = []
        for waiting in unrecorded.values.sorted(by: { $0.outcome.finishedAt < $1.outcome.finishedAt }) {
            let run = waiting.run, outcome = waiting.outcome
            switch await write(outcome, of: run, afterFailure: true) {
            case .failed(let failure):
                throw failure
            case .takenOver:
                unrecorded[run.id] = nil
                logger.info("run was taken over by another process; its outcome is dropped", metadata: ["nightshift.run.id": "\(run.id)"])
            case .recorded:
                unrecorded[run.id] = nil
                logger.info("a run's outcome was recorded late, once the store answered", metadata: ["nightshift.run.id": "\(run.id)"])
                let record = await afterEnd(
                    run, job: waiting.job, state: outcome.state, error: outcome.error, exitStatus: outcome.exitStatus, excerpt: outcome.excerpt
                )
                if let record { ended.append(record) }
            }
        }
        return ended
    }

    /// Writes a run's outcome, trying once more when the store throws (a pooled connection the
    /// server closed is replaced by the next call). After a failed attempt (`afterFailure`, or the
    /// first try here), a refusal is checked against the stored run: the failed attempt may have
    /// committed before its reply was lost.
    private func write(_ outcome: RunOutcome, of run: RunRecord, afterFailure: Bool) async -> OutcomeWrite {
        var failure: (any Error)?
        for _ in 0..<2 {
            do {
                if try await store.finishRun(run.id, owner: owner.description, outcome: outcome) { return .recorded }
                if afterFailure || failure != nil, let stored = try await store.run(run.id), stored.state == outcome.state,
                   stored.owner == owner.description, let finished = stored.finishedAt,
                   abs(finished.timeIntervalSince(outcome.finishedAt)) < 0.001 {
                    return .recorded
                }
                return .takenOver
            } catch {
                failure = error
            }
        }
        return .failed(failure ?? StoreError.io("the run's outcome could not be written"))
    }

    /// Journal, retry and alert bookkeeping for a run that reached a final state.
    func afterEnd(
        _ run: RunRecord, job: Job?, state: RunState, error: String?, exitStatus: Int?, excerpt: String?
    ) async -> RunRecord? {
        let ended = (try? await store.run(run.id)) ?? nil
        var record = ended ?? run
        record.state = state
        logger.info(
            "run ended",
            metadata: ["nightshift.job": "\(run.job)", "nightshift.run.id": "\(run.id)", "nightshift.run.state": "\(state)"]
        )
        if let journal {
            do { try journal.record(run: record) } catch { logger.info("journal write failed", metadata: ["nightshift.error": "\(error)"]) }
        }
        guard let job else { return record }
        var final = true
        if state == .failed || state == .interrupted, run.attempt < job.retry.attempts {
            let now = clock.now()
            let delay = job.retry.delay(afterAttempt: run.attempt)
            let retry = RunRecord(
                job: run.job, slot: run.slot, slotKey: run.slotKey, trigger: .retry, state: .pending,
                attempt: run.attempt + 1, createdAt: now, notBefore: now.addingTimeInterval(delay.inSeconds)
            )
            if (try? await store.insertRun(retry)) == true {
                final = false
                logger.info(
                    "retry scheduled",
                    metadata: ["nightshift.job": "\(run.job)", "nightshift.run.id": "\(retry.id)", "nightshift.run.attempt": "\(retry.attempt)"]
                )
                await wakeup.signal()
            }
        }
        if final {
            await alerter.runEnded(record, job: job, at: clock.now())
        }
        return record
    }

    func runEnvironment(_ run: RunRecord, job: Job) -> [String: String] {
        [
            "NIGHTSHIFT_RUN_ID": run.id,
            "NIGHTSHIFT_JOB": run.job,
            "NIGHTSHIFT_SLOT": ISO8601.format(run.slot, in: job.timeZone),
            "NIGHTSHIFT_ATTEMPT": String(run.attempt),
            "NIGHTSHIFT_TRIGGER": run.trigger.rawValue,
            "NIGHTSHIFT_IDEMPOTENCY_KEY": "\(run.job):\(run.slotKey)",
            "NIGHTSHIFT_WORKSPACE": configuration.workspacePath,
        ]
    }

    /// Finds runs left `running` by a process that no longer exists. A run whose command is still
    /// running under its supervisor, or finished after its owner died, is adopted: this runner
    /// waits for it and records its real outcome, so finished work is never run again. Any other
    /// is cut off: its leftover process group is stopped, it is recorded `interrupted`, and its
    /// retry policy runs it again (same idempotency key). The daemon calls this at start and then
    /// on every pass, so a killed CLI's manual run does not stay `running`.
    ///
    /// On a store several nodes share (``Store/isSharedByNodes``) a run of a process on another
    /// host is orphaned only when that process was a node whose lease expired (``NodeLeases``):
    /// the other nodes are alive while they renew their leases. A node's lease is cleaned up once
    /// none of its runs is left running.
    public func reapOrphans() async throws {
        let shared = store.isSharedByNodes
        let now = clock.now()
        let nodes = shared ? Dictionary(NodeLeases.nodes(in: try await store.leases()).map { ($0.key, $0) }) { first, _ in first } : [:]
        var stillRunning: Set<String> = []
        for run in try await store.runs(RunQuery(states: [.running], limit: 1000)) {
            if run.owner == owner.description {
                // This process's own: executing, or ended with its outcome waiting to be recorded,
                // or else claimed by a statement whose reply was lost, so it never started here.
                if !executing.contains(run.id), unrecorded[run.id] == nil {
                    await interruptOrphan(run, reason: "interrupted: claimed while the store's connection dropped, so it never started")
                }
                continue
            }
            guard Self.isGone(run.owner, this: owner, nodes: shared ? nodes : nil, at: now) else {
                if shared, let owner = run.owner { stillRunning.insert(owner) }
                continue
            }
            if try await adoptIfRecoverable(run) { continue }
            if let pid = run.childPID, ProcessIdentity.isAlive(pid: pid), ProcessIdentity.hasEnvironment(pid: pid, "NIGHTSHIFT_RUN_ID", run.id) {
                ProcessIdentity.signalGroup(pid, SIGKILL)
            }
            await interruptOrphan(run, reason: "interrupted: the process running it (\(run.owner ?? "unknown")) died")
        }
        // Dead nodes whose runs are all recovered: their leases go (one node wins the takeover).
        for lease in nodes.values where lease.expiresAt <= now && NodeLeases.node(lease).map({ !stillRunning.contains($0) }) == true {
            if let taken = try await store.takeOverLease(lease.key, from: lease.token, owner: owner.description, ttl: 1, at: now) {
                _ = try await store.releaseLease(taken.key, token: taken.token)
                logger.info("a dead node's runs are recovered", metadata: ["nightshift.node": "\(NodeLeases.node(lease) ?? lease.key)"])
            }
        }
    }

    /// Whether the process `owner` names is gone, as this process (`this`) can tell: a process of
    /// this host when it is no longer alive; on a store nodes share (`nodes`: their leases by key),
    /// another machine's process only when it was a node and its lease expired (a process that held
    /// no node lease, a command run there, cannot be judged from here); on one machine's store, a
    /// process of another host is gone, since this daemon holds the workspace now.
    static func isGone(_ owner: String?, this: ProcessIdentity, nodes: [String: Lease]?, at now: Date) -> Bool {
        if let identity = owner.flatMap(ProcessIdentity.init(owner:)), identity.host == this.host { return !identity.isAlive }
        guard let nodes else { return true }
        guard let lease = owner.flatMap({ nodes[NodeLeases.key($0)] }) else { return false }
        return lease.expiresAt <= now
    }

    private func interruptOrphan(_ run: RunRecord, reason: String) async {
        guard (try? await store.interruptRun(run.id, reason: reason, at: clock.now())) == true else { return }
        logger.info("orphaned run interrupted", metadata: ["nightshift.job": "\(run.job)", "nightshift.run.id": "\(run.id)"])
        if run.trigger == .approval {
            // The approved action it executed: interrupted, and executed again only if its handler
            // is idempotent (in a task of its own: that execution may take long).
            let gate = self.gate
            Task {
                do { try await gate.executionInterrupted(run.slotKey, runID: run.id) } catch {
                    self.logger.info("an interrupted approval could not be recorded", metadata: ["nightshift.action.id": "\(run.slotKey)", "nightshift.error": "\(error)"])
                }
            }
        }
        _ = await afterEnd(run, job: jobs[run.job], state: .interrupted, error: reason, exitStatus: nil, excerpt: run.excerpt)
    }

    /// The action a run was executing: for a run of its own (approved, or proposed from the CLI)
    /// the action it is keyed by, else the job's allowed action.
    private func executingAction(of run: RunRecord) async throws -> ActionRecord? {
        let statuses: Set<ActionStatus> = [.allowed, .approved, .executing, .executed, .failed]
        if let action = try await store.action(run.slotKey), statuses.contains(action.status) { return action }
        let handlers = gate.handlers
        return try await store.actions(ActionQuery(statuses: statuses, runID: run.id, limit: 10)).first { handlers.handler(for: $0) != nil }
    }

    /// Adopts `run` when its execution can be taken over; returns whether it did.
    private func adoptIfRecoverable(_ run: RunRecord) async throws -> Bool {
        guard let action = try await executingAction(of: run) else { return false }
        let context = ActionContext(
            runID: run.id, timeout: nil, logPath: "\(configuration.runLogDirectory)/\(run.id).log", runEnvironment: [:], executionKey: run.id
        )
        guard await gate.recoverable(action, context: context),
              try await store.adoptRun(run.id, from: run.owner, to: owner.description) else { return false }
        logger.info("adopted a run whose process died", metadata: ["nightshift.job": "\(run.job)", "nightshift.run.id": "\(run.id)"])
        adopted += 1
        executing.insert(run.id)
        Task {
            await self.finishAdopted(run, action: action, context: context)
        }
        return true
    }

    private func finishAdopted(_ run: RunRecord, action: ActionRecord, context: ActionContext) async {
        defer {
            adopted -= 1
            executing.remove(run.id)
        }
        let result: ActionResult?
        do {
            result = try await gate.recover(action, context: context)
        } catch {
            logger.info("could not record an adopted run's action", metadata: ["nightshift.run.id": "\(run.id)", "nightshift.error": "\(error)"])
            result = nil
        }
        guard let result else {
            await interruptOrphan(run, reason: "interrupted: the process running it (\(run.owner ?? "unknown")) died, and so did its command")
            return
        }
        if result.cancelled {
            await interruptOrphan(run, reason: "interrupted: its command was stopped before it finished")
            return
        }
        if let job = jobs[run.job] {
            _ = await record(result, of: run, job: job, cancelled: false)
        } else {
            _ = await finish(
                run, job: nil, state: result.succeeded ? .succeeded : .failed, error: result.error, exitStatus: result.exitStatus, excerpt: result.excerpt
            )
        }
        await wakeup.signal()
    }
}

/// A run's outcome the store could not record when the run ended, kept for the next passes.
struct UnrecordedOutcome: Sendable {
    let run: RunRecord
    let job: Job?
    let outcome: RunOutcome
}

/// How writing a run's outcome went.
enum OutcomeWrite {
    case recorded
    /// The run is no longer this process's (another took it over): its outcome is dropped.
    case takenOver
    case failed(any Error)
}
