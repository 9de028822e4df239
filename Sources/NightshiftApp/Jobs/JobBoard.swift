public import Foundation
public import NightshiftCore

/// The jobs' use cases: every job with its state and last run, a job's recent runs, pausing and
/// resuming.
public struct JobBoard: Sendable {
    let app: NightshiftApplication

    public init(_ app: NightshiftApplication) { self.app = app }

    /// Every job (the declared and the packs'), with its state and last finished or running run.
    public func views(at now: Date = Date()) async throws -> [JobView] {
        let states = Dictionary(try await app.store.jobStates().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var views: [JobView] = []
        for job in app.jobs {
            let last = try await app.store.runs(RunQuery(job: job.name, states: [.succeeded, .failed, .running, .interrupted, .skipped, .missed], limit: 1)).first
            views.append(JobView(job, state: states[job.name], last: last, now: now))
        }
        return views
    }

    /// One job as `jobs show` shows it: its view, its next five fires after `now` and its newest runs.
    ///
    /// - Throws: ``AppError/failure(_:)`` for a job that is not declared.
    public func show(_ name: String, at now: Date) async throws -> JobDetail {
        guard let job = app.configuration.job(named: name), let view = try await views(at: now).first(where: { $0.name == name }) else {
            throw AppError.failure("no job named \"\(name)\"; `nightshift jobs list` shows the declared jobs")
        }
        var fires: [Date] = []
        var cursor = now
        while fires.count < 5, let next = job.nextSlot(after: cursor) {
            fires.append(next)
            cursor = next
        }
        return JobDetail(job: view, nextFires: fires, runs: try await recentRuns(name), declaration: job)
    }

    /// The newest `limit` runs of `name`.
    public func recentRuns(_ name: String, limit: Int = 10) async throws -> [RunRecord] {
        try await app.store.runs(RunQuery(job: name, limit: limit))
    }

    /// Stops (`paused`) or restarts firing the schedule of `name`. A failure for an unknown job.
    public func setPaused(_ name: String, _ paused: Bool) async throws {
        guard app.configuration.job(named: name) != nil, try await app.store.setPaused(name, paused) else {
            throw AppError.failure("no job named \"\(name)\"")
        }
    }
}
