import Foundation
import Testing

/// What the library logs reaches the operator's terminal only when asked for: commands log at
/// `warning` unless `-v` or `--log-level` says otherwise; `serve` logs `info`.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct LogLevelCLITests {
    static let config = """
        [workspace]
        time_zone = "UTC"

        [policy.catalog]
        ping = "autonomous"
        """

    /// Lines of `stderr` the log handler wrote at `level` (`2026-… info nightshift: … message`).
    static func logLines(_ stderr: String, level: String) -> [Substring] {
        stderr.split(separator: "\n").filter { $0.split(separator: " ").dropFirst().first == Substring(level) }
    }

    @Test("propose prints no info line by default, and does with -v or --log-level info")
    func propose() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let quiet = try await CLI.run(workspace.args("propose", "ping"))
            #expect(quiet.status == 0, "\(quiet)")
            #expect(Self.logLines(quiet.stderr, level: "info").isEmpty && !quiet.stderr.contains("nightshift.action."), "\(quiet)")
            for flags in [["-v"], ["--verbose"], ["--log-level", "info"], ["--log-level", "debug"]] {
                let loud = try await CLI.run(workspace.args("propose", "ping") + flags)
                #expect(loud.status == 0, "\(flags): \(loud)")
                let lines = Self.logLines(loud.stderr, level: "info")
                #expect(lines.contains { $0.contains("nightshift.action.decided_by=catalog.ping") }, "\(flags): \(loud)")
            }
            let error = try await CLI.run(workspace.args("propose", "ping", "--log-level", "error", "-v"))
            #expect(Self.logLines(error.stderr, level: "info").isEmpty, "--log-level wins over -v: \(error)")
            let bad = try await CLI.run(workspace.args("propose", "ping", "--log-level", "loud"))
            #expect(bad.status == 2, "\(bad)")
            #expect(bad.stderr.contains("\"loud\" is not a log level; use one of trace, debug, info, notice, warning, error, critical"), "\(bad)")
            #expect(bad.stderr.contains("--log-level"), "\(bad)")
        }
    }

    @Test("queue work prints its results on stdout and no info line on stderr unless -v")
    func queueWork() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: "exit 0")
            _ = try await workspace.addTask("First")
            let quiet = try await CLI.run(workspace.args("queue", "work"))
            #expect(quiet.status == 0 && quiet.stdout.contains("succeeded: task_1"), "\(quiet)")
            #expect(Self.logLines(quiet.stderr, level: "info").isEmpty && !quiet.stderr.contains("nightshift.action."), "\(quiet)")
            _ = try await workspace.addTask("Second")
            let verbose = try await CLI.run(workspace.args("queue", "work", "-v"))
            #expect(verbose.status == 0 && verbose.stdout.contains("succeeded: task_2"), "\(verbose)")
            #expect(Self.logLines(verbose.stderr, level: "info").contains { $0.contains("nightshift.action.type=spawn_subagent") }, "\(verbose)")
        }
    }

    @Test("serve logs info by default")
    func serveLogsInfo() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let serve = try await ServeProcess.start(workspace)
            defer { serve.kill() }
            #expect(Self.logLines(serve.stderr, level: "info").contains { $0.hasSuffix("serving workspace") }, "\(serve.stderr)")
        }
    }
}
