import Foundation

/// A run as `runs list --json`, `runs show --json` and `jobs run --json` print it.
struct RunInfo: Decodable, Sendable, CustomStringConvertible {
    var id: String
    var job: String
    var state: String
    var trigger: String
    var attempt: Int
    var slot: String
    var createdAt: String
    var notBefore: String
    var startedAt: String?
    var finishedAt: String?
    var durationSeconds: Double?
    var exitStatus: Int?
    var error: String?
    var excerpt: String?
    var owner: String?
    var logPath: String?

    var description: String {
        "\(id) \(job) \(state) \(trigger) attempt=\(attempt) slot=\(slot)\(error.map { " error=\($0)" } ?? "")"
    }
}

/// `status --json`.
struct StatusInfo: Decodable, Sendable {
    struct Scheduler: Decodable, Sendable {
        var running: Bool
        var pid: Int32?
        var host: String?
        var since: String?
        var stoppedAt: String?
    }
    var workspace: String
    var scheduler: Scheduler
    var failing: [String]
    var pendingRuns: Int
    var runningRuns: Int
}

/// One job of `jobs list --json`.
struct JobInfo: Decodable, Sendable {
    var name: String
    var schedule: String
    var action: String
    var command: String?
    var paused: Bool
    var nextFire: String?
    var overlap: String
    var missed: String
    var retryAttempts: Int
    var lastRun: RunInfo?
}

extension TestWorkspace {
    /// `runs list --json`, newest first.
    func runs(job: String? = nil, states: [String] = [], limit: Int = 500) async throws -> [RunInfo] {
        var arguments = args("runs", "list", "--limit", String(limit))
        if let job { arguments += ["--job", job] }
        for state in states { arguments += ["--state", state] }
        return try await CLI.json([RunInfo].self, arguments)
    }

    /// `runs show ID --json`.
    func run(_ id: String) async throws -> RunInfo {
        try await CLI.json(RunInfo.self, args("runs", "show", id))
    }

    /// `status --json`.
    func status() async throws -> StatusInfo {
        try await CLI.json(StatusInfo.self, args("status"))
    }

    /// `jobs list --json`.
    func jobs() async throws -> [JobInfo] {
        try await CLI.json([JobInfo].self, args("jobs", "list"))
    }
}
