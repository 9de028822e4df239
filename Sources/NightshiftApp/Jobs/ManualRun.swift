public import Foundation
public import NightshiftCore

/// `nightshift jobs run NAME`: one run of a job on the operator's request, under the same
/// overlap, timeout, success check and retry policy as a scheduled fire.
extension NightshiftApplication {
    /// What became of a manual run request.
    public enum ManualRunResult: Sendable {
        /// The daemon serves the workspace and will run it; nothing waited.
        case queued(RunRecord)
        /// The run (and its retries, if any) reached this final state.
        case finished(RunRecord)
    }

    /// Records a manual run and sees it through.
    ///
    /// With a daemon serving the workspace, the run is handed to it (and with `wait`, this waits for
    /// its outcome). Without one, the run executes in this process, retries included.
    public func runManually(_ name: String, wait: Bool) async throws -> ManualRunResult {
        guard let job = configuration.job(named: name) else {
            throw AppError.failure("no job named \"\(name)\"; `nightshift jobs list` shows the declared jobs")
        }
        let now = clock.now()
        let id = RunID.make(now: now)
        var run = RunRecord(id: id, job: job.name, slot: now, slotKey: "manual:\(id)", trigger: .manual, state: .pending, createdAt: now)
        if job.overlap == .skip, let running = try await store.runs(RunQuery(job: job.name, states: [.running], limit: 1)).first {
            run.state = .skipped
            run.finishedAt = now
            run.error = "skipped: run \(running.id) of this job is still running (overlap = \"skip\")"
            _ = try await store.insertRun(run)
            try? journal.record(run: run)
            return .finished(run)
        }
        guard try await store.insertRun(run) else { throw AppError.failure("could not record the run") }

        if let daemon = try await servingDaemon(now: now) {
            if daemon.host == ProcessInfo.processInfo.hostName {
                kill(daemon.pid, SIGUSR1)  // start it now rather than at the runner's next poll
            }
            guard wait else { return .queued(run) }
            return .finished(try await waitForChain(of: run, clock: clock))
        }
        let runner = makeRunner()
        var current = run
        while true {
            let exclusive = job.overlap != .allow
            guard let claimed = try await claim(current, runner: runner, owner: identity, exclusive: exclusive, clock: clock) else {
                // Another process (a daemon that just started) took it over: follow it from here.
                return .finished(try await waitForChain(of: current, clock: clock))
            }
            var performed = await runner.perform(claimed: claimed)
            if performed == nil {
                // The store could not take the outcome (its connection dropped): one more try,
                // else the command fails saying why; a run taken over is followed where it goes.
                performed = try await runner.recordUnrecorded().first { $0.id == current.id }
            }
            guard let ended = performed else {
                return .finished(try await waitForChain(of: current, clock: clock))
            }
            guard let retry = try await pendingRetry(after: ended) else { return .finished(ended) }
            current = retry
        }
    }

    /// Claims the pending run, waiting while another run of the job holds it back (overlap `queue`)
    /// or its retry backoff has not passed.
    private func claim(_ run: RunRecord, runner: Runner, owner: ProcessIdentity, exclusive: Bool, clock: any WallClock) async throws -> RunRecord? {
        while true {
            try? await clock.sleep(until: run.notBefore)
            if let claimed = try await store.claimRun(run.id, owner: owner.description, at: clock.now(), exclusive: exclusive) {
                return claimed
            }
            guard let latest = try await store.run(run.id), latest.state == .pending else { return nil }
            try await clock.sleep(until: clock.now().addingTimeInterval(0.5))
        }
    }

    private func pendingRetry(after run: RunRecord) async throws -> RunRecord? {
        try await store.runs(RunQuery(job: run.job, states: [.pending], limit: 100))
            .first { $0.slotKey == run.slotKey && $0.attempt == run.attempt + 1 }
    }

    /// Polls the store until the run and any retries of it are final.
    private func waitForChain(of run: RunRecord, clock: any WallClock) async throws -> RunRecord {
        var attempt = run.attempt
        while true {
            let chain = try await store.runs(RunQuery(job: run.job, limit: 200)).filter { $0.slotKey == run.slotKey }
            if let latest = chain.max(by: { $0.attempt < $1.attempt }), latest.attempt >= attempt {
                attempt = latest.attempt
                if latest.state.isFinal { return latest }
            }
            try await clock.sleep(until: clock.now().addingTimeInterval(0.25))
        }
    }
}
