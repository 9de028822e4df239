public import Foundation
public import NightshiftCore

/// The runs' use cases: the newest runs (of one job, in some states) and one run with its log.
public struct RunHistory: Sendable {
    let app: NightshiftApplication

    public init(_ app: NightshiftApplication) { self.app = app }

    /// The newest `limit` runs, of `job` when given (a job neither declared nor ever run is a
    /// failure), in `states` when not empty.
    public func list(job: String?, states: Set<RunState>, limit: Int) async throws -> [RunRecord] {
        guard limit > 0 else { throw AppError.usage("--limit must be at least 1") }
        if let job, app.configuration.job(named: job) == nil, try await app.store.jobState(job) == nil {
            throw AppError.failure("no job named \"\(job)\"")
        }
        return try await app.store.runs(RunQuery(job: job, states: states, limit: limit))
    }

    /// One run, and the path of its log when it has one.
    public func show(_ id: String) async throws -> (run: RunRecord, logPath: String?) {
        guard let run = try await app.store.run(id) else { throw AppError.failure("no run with id \(id)") }
        let logPath = "\(app.workspace.runLogsDirectory)/\(run.id).log"
        return (run, FileManager.default.fileExists(atPath: logPath) ? logPath : nil)
    }
}
