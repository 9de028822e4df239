import Foundation
import Logging

extension CycleEngine {
    /// Executes `run` from its first step that did not succeed, checkpointing every step before
    /// and after it runs, then ends the run, writes its report and a journal line. The checkpoint
    /// that ends a step also begins the next one when the run goes straight on to it: one commit
    /// between two steps.
    func drive(_ run: CycleRunRecord, cycle: Cycle, watch: LeaseWatch) async throws -> CycleOutcome {
        let fence = watch.fence
        guard try await store.startCycleRun(run.id, owner: owner.description, fence: fence, at: clock.now()) else {
            if let current = try await store.cycleRun(run.id), !current.isResumable {
                return CycleOutcome(run: current, steps: try await store.steps(of: run.id))
            }
            throw CycleError.fencedOut(fence.key)
        }
        let log = progressLog(run.id)
        let label = cycle.label(tenant: run.tenant)
        log.mark(run.startedAt == nil
            ? "cycle \(label) started: \(run.variant) run, trigger \(run.trigger), slot \(ISO8601.format(run.slot, in: cycle.timeZone))"
            : "cycle \(label) resumed: \(run.variant) run, trigger \(run.trigger), owner \(owner)")
        let steps = try await store.steps(of: run.id)
        var outputs = try await siblingOutputs(run)
        // The condensed catch-up runs at once whatever the hour: it is the part that must not wait.
        // Its remainder runs after it ("the rest in the background after launch"): its deadline is
        // the first one after the catch-up began, not the missed slot's, which has passed.
        let deadline: Date? = switch run.variant {
        case .condensed: nil
        case .remainder: cycle.deadline(after: run.createdAt)
        case .full: cycle.deadline(after: run.slot)
        }
        var failures: [String] = []
        var deferred: [String] = []
        var parked: [String] = []
        var forbidden: [String] = []
        var stopAfter: String?
        /// The step after which the run had more than `max_denials` forbids and rejections.
        var deniedAt: String?
        /// The step the last checkpoint began, with the one before it.
        var begun: StepRecord?
        /// What a built-in act left parked or forbidden counts as the run's own.
        func noteGated(_ step: CycleStep?, _ name: String, output: JSONValue?) {
            guard step?.isBuiltInAct == true else { return }
            let gated = WorkBlock.gated(output)
            parked += gated.parked.map { "\(name):\($0)" }
            forbidden += gated.forbidden.map { "\(name):\($0)" }
            if gated.stopped { deniedAt = name }
        }

        for (position, record) in steps.enumerated() {
            if let deniedAt {
                let reason = "not run: the run had more than \(gate.policy.maxDenials) forbidden or rejected actions"
                try await markRest(steps[position...], of: run, as: .skipped, reason: reason, fence: fence, log: log)
                break
            }
            if let stopAfter {
                try await markRest(steps[position...], of: run, as: .skipped, reason: "not run: step \(stopAfter) failed", fence: fence, log: log)
                break
            }
            let step = cycle.steps.first { $0.name == record.name }
            switch record.state {
            case .succeeded:
                if let text = record.output, let value = Self.decode(text) { outputs[record.name] = value }
                noteGated(step, record.name, output: outputs[record.name])
                continue
            case .skipped, .deferred:
                continue
            case .awaitingApproval:
                parked.append(record.name)
                continue
            case .forbidden:
                forbidden.append(record.name)
                continue
            case .failed:
                // A resumed run whose step failed and was to be retried picks the retry up.
                if let step, case .retry(let policy) = step.onFailure, record.attempt < policy.attempts { break }
                failures.append(record.name)
                if step?.onFailure != .continue { stopAfter = record.name }
                continue
            case .pending, .running:
                break
            }
            if begun == nil, record.state == .pending, let deadline, clock.now() >= deadline {
                deferred = try await markRest(
                    steps[position...], of: run, as: .deferred,
                    reason: "deferred: the deadline \(cycle.deadline!) passed before the step started", fence: fence, log: log
                )
                break
            }
            guard let step else {
                try await failUndeclared(record, of: run, fence: fence, log: log)
                failures.append(record.name)
                stopAfter = record.name
                continue
            }
            let (end, finish) = try await runStep(step, record: record, begun: begun, of: run, cycle: cycle, outputs: outputs, watch: watch, log: log)
            begun = nil
            switch end {
            case .succeeded(let output):
                if let output { outputs[step.name] = output }
                // The act phase ran; what it proposed may still be parked or forbidden.
                noteGated(step, step.name, output: output)
            case .failed:
                failures.append(step.name)
                if step.onFailure != .continue { stopAfter = step.name }
            case .blocked(let note):
                // Blocked is not stuck: the cycle goes on with its other steps.
                if note.verdict == .approve { parked.append(step.name) } else { forbidden.append(step.name) }
                if note.stopRun { deniedAt = step.name }
            case .interrupted(let reason):
                return try await interrupt(run, reason: reason, fence: fence, log: log)
            }
            guard let finish else { continue }
            let next = deniedAt == nil && stopAfter == nil ? following(position, in: steps, cycle: cycle, deadline: deadline) : nil
            begun = try await checkpoint(finish, of: record, run: run, thenBegin: next, fence: fence, log: log)
        }
        if let deniedAt { failures.append("(stopped after too many denials at \(deniedAt))") }
        var state = RunState.succeeded
        var error: String?
        if !failures.isEmpty {
            state = .failed
            error = "step\(failures.count == 1 ? "" : "s") \(failures.joined(separator: ", ")) failed"
        }
        if failures.isEmpty, !parked.isEmpty || !forbidden.isEmpty {
            state = parked.isEmpty ? .forbidden : .awaitingApproval
            var notes: [String] = []
            if !parked.isEmpty { notes.append("awaiting approval: \(parked.joined(separator: ", "))") }
            if !forbidden.isEmpty { notes.append("forbidden: \(forbidden.joined(separator: ", "))") }
            error = notes.joined(separator: "; ")
        }
        if !deferred.isEmpty {
            state = .failed
            let note = "deadline \(cycle.deadline!) passed: deferred \(deferred.joined(separator: ", "))"
            error = error.map { "\($0); \(note)" } ?? note
        }
        guard try await store.finishCycleRun(run.id, state: state, error: error, fence: fence, at: clock.now()) else {
            throw CycleError.fencedOut(fence.key)
        }
        let ended = try await store.cycleRun(run.id) ?? run
        if let budget = cycle.budget, run.variant != .condensed, let over = ended.duration.map({ $0 - budget.inSeconds }), over > 0 {
            log.mark("cycle \(label) over its budget \(CycleReport.budgetString(budget.inSeconds)) by \(Journal.durationString(over))")
        }
        log.mark("cycle \(label) \(state)\(error.map { ": \($0)" } ?? "")")
        let outcome = CycleOutcome(run: ended, steps: try await store.steps(of: run.id))
        await finished(outcome, cycle: cycle)
        return outcome
    }

    enum StepEnd {
        case succeeded(JSONValue?)
        case failed
        /// The policy parked or forbade the step's action.
        case blocked(GateNote)
        case interrupted(String)
    }

    /// How a step's last attempt ended, before it is recorded: what `finishStep` writes, and the
    /// progress line that follows.
    struct StepFinish {
        var state: StepState
        var excerpt: String?
        var output: String?
        var error: String?
        var overrunSeconds: Double?
        var at: Date
        var line: String
        /// The execution of the step's action, which the gate left for the checkpoint to record.
        var execution: ActionExecution?
    }

    /// Runs one step to its end, attempts under `on_failure = "retry"` included, starting with
    /// `begun` when the checkpoint that ended the step before began this one. Returns how it
    /// ended and, unless it was interrupted, the finish of its last attempt, for the caller to
    /// record with the begin of the step after it. Earlier attempts' finishes are recorded here.
    private func runStep(
        _ step: CycleStep, record: StepRecord, begun: StepRecord?, of run: CycleRunRecord, cycle: Cycle,
        outputs: [String: JSONValue], watch: LeaseWatch, log: ProgressLog
    ) async throws -> (StepEnd, StepFinish?) {
        let fence = watch.fence
        var begun = begun
        // A step left `running` by a process that died: its command may have finished, or still
        // run under its supervisor. Then its result is taken over instead of running it again.
        var recovered: ActionResult?
        if record.state == .running {
            recovered = await recover(step, record: record, of: run, log: log)
            if recovered == nil { stopLeftover(run.id, log: log) }
        }
        while true {
            let attempt: StepRecord
            let result: ActionResult
            var execution: ActionExecution?
            if let taken = recovered {
                recovered = nil
                attempt = record
                result = taken
            } else {
                if let started = begun {
                    attempt = started
                    begun = nil
                } else {
                    guard let started = try await store.beginStep(run.id, index: record.index, fence: fence, at: clock.now()) else {
                        throw CycleError.fencedOut(fence.key)
                    }
                    attempt = started
                    markStarted(attempt, log: log)
                }
                (result, execution) = await execute(step, record: attempt, of: run, cycle: cycle, outputs: outputs, log: log)
            }
            if result.cancelled || Task.isCancelled {
                // No checkpoint follows: the execution is recorded alone, as the gate would have.
                if let execution { await self.record(execution, log: log) }
                if watch.lost { throw CycleError.fencedOut(fence.key) }
                return (.interrupted("interrupted: the process stopped during step \(step.name)"), nil)
            }
            let finishedAt = clock.now()
            if let note = result.gate {
                let finish = StepFinish(
                    state: note.stepState, error: note.summary, at: finishedAt, line: "step \(step.name) \(note.stepState): \(note.summary)",
                    execution: execution
                )
                return (.blocked(note), finish)
            }
            let duration = finishedAt.timeIntervalSince(attempt.startedAt ?? finishedAt)
            let overrun = step.budget.map { duration - $0.inSeconds }.flatMap { $0 > 0 ? $0 : nil }
            var state: StepState = result.succeeded ? .succeeded : .failed
            var error = result.error
            var output: JSONValue?
            switch StepOutput.parse(result.output) {
            case .success(let value): output = value
            case .failure(let problem):
                state = .failed
                error = problem.description
            }
            var line = "step \(step.name) \(state) in \(Journal.durationString(duration))"
            if let budget = step.budget {
                line += " (budget \(CycleReport.budgetString(budget.inSeconds))\(overrun.map { ", over by \(Journal.durationString($0))" } ?? ""))"
            }
            let finish = StepFinish(
                state: state, excerpt: result.excerpt.isEmpty ? nil : result.excerpt, output: output.map(\.text), error: error,
                overrunSeconds: overrun, at: finishedAt, line: line + (error.map { ": \($0)" } ?? ""), execution: execution
            )
            if state == .succeeded { return (.succeeded(output), finish) }
            guard case .retry(let policy) = step.onFailure, attempt.attempt < policy.attempts else { return (.failed, finish) }
            try await checkpoint(finish, of: record, run: run, thenBegin: nil, fence: fence, log: log)
            let delay = policy.delay(afterAttempt: attempt.attempt).inSeconds
            log.mark("step \(step.name) retries in \(Journal.durationString(delay))")
            do { try await clock.sleep(until: clock.now().addingTimeInterval(delay)) } catch {
                if watch.lost { throw CycleError.fencedOut(fence.key) }
                return (.interrupted("interrupted: the process stopped while step \(step.name) waited to retry"), nil)
            }
        }
    }

    /// Records `finish` for `record`'s step and, given `next`, begins that step in the same
    /// transaction, with the execution of the step's action when the gate left it to be recorded
    /// here. Returns the begun step.
    @discardableResult
    private func checkpoint(
        _ finish: StepFinish, of record: StepRecord, run: CycleRunRecord, thenBegin next: StepRecord?, fence: Fence, log: ProgressLog
    ) async throws -> StepRecord? {
        var begun: StepRecord?
        if let execution = finish.execution {
            let written: StepCheckpoint
            do {
                written = try await store.finishStep(
                    run.id, index: record.index, state: finish.state, excerpt: finish.excerpt, output: finish.output, error: finish.error,
                    overrunSeconds: finish.overrunSeconds, thenBegin: next?.index, recording: execution, fence: fence, at: finish.at
                )
            } catch {
                // The action was executed: its record must not wait for a checkpoint that failed.
                await self.record(execution, log: log)
                throw error
            }
            guard written.finished else { throw CycleError.fencedOut(fence.key) }
            begun = written.begun
        } else if let next {
            begun = try await store.finishStep(
                run.id, index: record.index, state: finish.state, excerpt: finish.excerpt, output: finish.output, error: finish.error,
                overrunSeconds: finish.overrunSeconds, thenBegin: next.index, fence: fence, at: finish.at
            )
            guard begun != nil else { throw CycleError.fencedOut(fence.key) }
        } else {
            guard try await store.finishStep(
                run.id, index: record.index, state: finish.state, excerpt: finish.excerpt, output: finish.output, error: finish.error,
                overrunSeconds: finish.overrunSeconds, fence: fence, at: finish.at
            ) else { throw CycleError.fencedOut(fence.key) }
        }
        log.mark(finish.line)
        if let begun { markStarted(begun, log: log) }
        return begun
    }

    /// The step to begin with the checkpoint that ends the one at `position`: the next one, when
    /// the run goes straight on to it (it is pending, still declared, and the deadline has not passed).
    private func following(_ position: Int, in steps: [StepRecord], cycle: Cycle, deadline: Date?) -> StepRecord? {
        guard position + 1 < steps.count else { return nil }
        let next = steps[position + 1]
        guard next.state == .pending, cycle.steps.contains(where: { $0.name == next.name }) else { return nil }
        if let deadline, clock.now() >= deadline { return nil }
        return next
    }

    /// Records an execution the gate left to the checkpoint that will not come (the step was
    /// interrupted, or the checkpoint failed), as the gate records one.
    private func record(_ execution: ActionExecution, log: ProgressLog) async {
        do { _ = try await gate.record(execution) } catch {
            log.mark("the execution of action \(execution.actionID) could not be recorded: \(error)")
            logger.info("execution not recorded", metadata: ["nightshift.action.id": "\(execution.actionID)", "nightshift.error": "\(error)"])
        }
    }

    private func markStarted(_ attempt: StepRecord, log: ProgressLog) {
        log.mark("step \(attempt.name) started: attempt \(attempt.attempt), idempotency key \(attempt.idempotencyKey)")
    }

    /// The execution key of one attempt of a step: what its supervisor keeps the result under.
    static func executionKey(run: String, step record: StepRecord) -> String { "\(run).\(record.index).\(record.attempt)" }

    /// Takes over the attempt of `step` that a dead process left running, through the gate: its
    /// result, waited for while its supervisor still runs it; nil when it was cut off.
    private func recover(_ step: CycleStep, record: StepRecord, of run: CycleRunRecord, log: ProgressLog) async -> ActionResult? {
        guard step.action != nil else { return nil }  // a built-in act proposes many actions; it reruns
        // Allowed, or recorded executed or failed by a process that died before it recorded the step.
        let actions = (try? await store.actions(ActionQuery(statuses: [.allowed, .executed, .failed], runID: run.id, limit: 50))) ?? []
        guard let action = actions.first(where: { $0.attributes["step"] == .string(step.name) }) else { return nil }
        let context = ActionContext(
            runID: run.id, timeout: nil, logPath: log.path, runEnvironment: [:],
            executionKey: Self.executionKey(run: run.id, step: record)
        )
        guard await gate.recoverable(action, context: context) else { return nil }
        log.mark("step \(step.name) attempt \(record.attempt) outlived the process that started it: taking over its result")
        guard let result = try? await gate.recover(action, context: context) else { return nil }
        // Stopped on purpose before its end (Ctrl-C, a shutdown): no outcome; the step runs again.
        if result.cancelled {
            log.mark("step \(step.name) attempt \(record.attempt) was stopped before it finished: it runs again")
            return nil
        }
        return result
    }

    /// Executes a step's action, or the plan's actions for a work block's built-in `act`. The
    /// execution of a step's action is returned, not yet recorded: the checkpoint records it.
    private func execute(
        _ step: CycleStep, record: StepRecord, of run: CycleRunRecord, cycle: Cycle, outputs: [String: JSONValue], log: ProgressLog
    ) async -> (ActionResult, ActionExecution?) {
        let outputsPath = "\(configuration.logDirectory)/\(run.id).outputs.json"
        writeOutputs(outputs, to: outputsPath)
        let environment: [String: String] = [
            "NIGHTSHIFT_CYCLE": cycle.name,
            "NIGHTSHIFT_CYCLE_RUN": run.id,
            "NIGHTSHIFT_STEP": step.name,
            "NIGHTSHIFT_TENANT": run.tenant,
            "NIGHTSHIFT_IDEMPOTENCY_KEY": record.idempotencyKey,
            "NIGHTSHIFT_ATTEMPT": String(record.attempt),
            "NIGHTSHIFT_TRIGGER": run.trigger.rawValue,
            "NIGHTSHIFT_VARIANT": run.variant.rawValue,
            "NIGHTSHIFT_SLOT": ISO8601.format(run.slot, in: cycle.timeZone),
            "NIGHTSHIFT_STEP_OUTPUTS": outputsPath,
            "NIGHTSHIFT_WORKSPACE": configuration.workspacePath,
        ]
        let context = ActionContext(
            runID: run.id, timeout: step.hardTimeout, logPath: log.path, runEnvironment: environment,
            defaultBody: [
                "cycle": cycle.name, "cycle_run_id": run.id, "step": step.name, "tenant": run.tenant,
                "idempotency_key": record.idempotencyKey, "attempt": String(record.attempt), "trigger": run.trigger.rawValue,
            ],
            executionKey: Self.executionKey(run: run.id, step: record),
            onSpawn: { [pidPath = pidPath(run.id)] pid in
                // With its start time: a leftover is stopped only if that pid is still the same process.
                let start = ProcessIdentity.startTime(of: pid).map { " \($0)" } ?? ""
                MirrorFile.replace(pidPath, with: "\(pid)\(start)\n")
            }
        )
        defer { try? FileManager.default.removeItem(atPath: pidPath(run.id)) }
        guard let action = step.action else {
            let actor = Actor(.cycle, cycle.name)
            return (await WorkBlock.act(plan: outputs["plan"], gate: gate, actor: actor, tenant: run.tenant, context: context), nil)
        }
        let proposed = ProposedAction(step: step, action: action, cycle: cycle.name, tenant: run.tenant)
        return await gate.stepResult(of: proposed, runID: run.id, context: context)
    }

    /// Outputs of earlier steps this run can read: its own succeeded steps, and for a remainder
    /// those of the condensed catch-up of the same slot.
    private func siblingOutputs(_ run: CycleRunRecord) async throws -> [String: JSONValue] {
        var outputs: [String: JSONValue] = [:]
        guard run.variant == .remainder else { return outputs }
        for sibling in try await slotRuns(of: run) where sibling.variant == .condensed {
            for step in try await store.steps(of: sibling.id) where step.state == .succeeded {
                if let text = step.output, let value = Self.decode(text) { outputs[step.name] = value }
            }
        }
        return outputs
    }

    @discardableResult
    private func markRest(
        _ rest: ArraySlice<StepRecord>, of run: CycleRunRecord, as state: StepState, reason: String, fence: Fence, log: ProgressLog
    ) async throws -> [String] {
        let pending = rest.filter { $0.state == .pending }
        guard !pending.isEmpty else { return [] }
        guard try await store.markSteps(run.id, indices: pending.map(\.index), state: state, reason: reason, fence: fence, at: clock.now()) else {
            throw CycleError.fencedOut(fence.key)
        }
        for step in pending { log.mark("step \(step.name) \(state): \(reason)") }
        return pending.map(\.name)
    }

    private func failUndeclared(_ record: StepRecord, of run: CycleRunRecord, fence: Fence, log: ProgressLog) async throws {
        let reason = "step \(record.name) is no longer declared in nightshift.toml"
        guard try await store.beginStep(run.id, index: record.index, fence: fence, at: clock.now()) != nil,
              try await store.finishStep(run.id, index: record.index, state: .failed, excerpt: nil, output: nil, error: reason, overrunSeconds: nil, fence: fence, at: clock.now())
        else { throw CycleError.fencedOut(fence.key) }
        log.mark("step \(record.name) failed: \(reason)")
    }

    /// Records the run interrupted (the running step stays `running`, so it reruns with the same
    /// idempotency key). Runs in a task of its own: shutdown cancelled the caller.
    private func interrupt(_ run: CycleRunRecord, reason: String, fence: Fence, log: ProgressLog) async throws -> CycleOutcome {
        let store = self.store, clock = self.clock
        let recorded = await Task { try? await store.finishCycleRun(run.id, state: .interrupted, error: reason, fence: fence, at: clock.now()) }.value
        log.mark("cycle \(run.cycle) \(reason)")
        let current = await Task { try? await store.cycleRun(run.id) }.value
        let steps = await Task { (try? await store.steps(of: run.id)) ?? [] }.value
        if recorded != true { logger.info("could not record the cycle run interrupted", metadata: ["nightshift.cycle.run": "\(run.id)"]) }
        return CycleOutcome(run: (current ?? nil) ?? run, steps: steps)
    }

    /// `logs/cycles/RUN_ID.pid`: the process group of the step running now, so that a resume after
    /// a crash can stop what the dead process left running before the step runs again.
    private func pidPath(_ runID: String) -> String { "\(configuration.logDirectory)/\(runID).pid" }

    private func stopLeftover(_ runID: String, log: ProgressLog) {
        let fields = ((try? String(contentsOfFile: pidPath(runID), encoding: .utf8)) ?? "").split(whereSeparator: \.isWhitespace)
        guard let pid = fields.first.flatMap({ Int32($0) }), pid > 1 else { return }
        let start = fields.dropFirst().first.flatMap { UInt64($0) }
        if ProcessIdentity.isAlive(pid: pid, startedAt: start), ProcessIdentity.signalGroup(pid, SIGKILL) {
            log.mark("stopped process group \(pid) left running by the interrupted step")
        }
        try? FileManager.default.removeItem(atPath: pidPath(runID))
    }

    /// Writes the outputs the next step may read, from what the store holds, before every step:
    /// not synced, since a file a crash left old or torn is written again before the next step.
    private func writeOutputs(_ outputs: [String: JSONValue], to path: String) {
        try? FileManager.default.createDirectory(atPath: configuration.logDirectory, withIntermediateDirectories: true)
        MirrorFile.replace(path, with: JSONValue.object(outputs).text)
    }

    static func decode(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    func progressLog(_ runID: String) -> ProgressLog {
        ProgressLog(path: "\(configuration.logDirectory)/\(runID).log", clock: clock)
    }
}

/// `logs/cycles/RUN_ID.log`: one timestamped line per progress marker, appended with one
/// `write` (``AppendOnlyFile``) so the steps' own output, appended to the same file, never splits a marker.
struct ProgressLog: Sendable {
    let path: String
    let clock: any WallClock

    func mark(_ text: String) {
        try? AppendOnlyFile.append("[nightshift \(ISO8601.format(clock.now(), in: TimeZone(identifier: "UTC")!))] \(text)\n", to: path)
    }
}
