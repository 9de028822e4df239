import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The daemon and its store's files (issue 11, item 11): it checkpoints the write-ahead log, and
/// when `nightshift.sqlite` or its `-wal` is removed or replaced under it, it keeps what it has,
/// alerts through the notifiers and exits 1 with a message saying what to do — instead of
/// writing into a file nobody will read again.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct StoreFilesTests {
    static func config(port: Int, checkpoint: String) -> String {
        """
        [workspace]
        time_zone = "UTC"
        shutdown_grace = "2s"

        [store]
        file_check_interval = "200ms"
        checkpoint_interval = "\(checkpoint)"

        [notifiers.hook]
        webhook = "http://127.0.0.1:\(port)/alert"

        [notifiers.file]
        command = ["sh", "-c", "echo \\"$NIGHTSHIFT_ALERT_TEXT\\" >> alerts.txt"]

        [jobs.by-hand]
        schedule = "0 0 1 1 *"
        command = ["sh", "-c", "echo by hand"]
        """
    }

    /// A served workspace with one finished manual run; `body` gets the daemon and the recorder.
    static func serving(
        checkpoint: String = "1h", _ body: (TestWorkspace, ServeProcess, RequestRecorder, String) async throws -> Void
    ) async throws {
        try await withWorkspace { workspace in
            let server = try RequestRecorder(logPath: "\(workspace.base)/requests.jsonl")
            defer { server.stop() }
            try await workspace.initialize(config: config(port: server.port, checkpoint: checkpoint))
            let serve = try await ServeProcess.start(workspace)
            defer { serve.kill() }
            let ran = try await CLI.run(workspace.args("jobs", "run", "by-hand", "--wait", "--json"))
            #expect(ran.status == 0, "\(ran)")
            let run = try #require(try await workspace.runs(job: "by-hand").first)
            try await body(workspace, serve, server, run.id)
        }
    }

    /// Waits for the daemon to stop by itself; returns its stderr.
    static func stopped(_ serve: ServeProcess) async throws -> String {
        try await waitUntil("serve notices its store files changed and exits", timeout: 20, poll: 0.05) { !serve.isRunning }
        #expect(serve.exitStatus == 1, "\(serve.stderr)")
        return serve.stderr
    }

    /// The alert both notifiers received.
    static func expectAlert(_ server: RequestRecorder, _ workspace: TestWorkspace, saying text: String) throws {
        let alerts = try server.requests().filter { $0.path == "/alert" }
        #expect(alerts.count == 1, "\(alerts.map(\.body))")
        let alert = try JSONSerialization.jsonObject(with: Data(try #require(alerts.first).body.utf8)) as? [String: Any]
        #expect(alert?["kind"] as? String == "store", "\(String(describing: alert))")
        #expect((alert?["text"] as? String)?.contains(text) == true, "\(String(describing: alert))")
        #expect(workspace.read("alerts.txt")?.contains(text) == true, "the command notifier got it too")
    }

    /// The copy of the store the daemon saved, as its message names it.
    static func rescued(in stderr: String, _ workspace: TestWorkspace) throws -> String {
        let prefix = "saved in \(workspace.storePath).rescued-"
        let start = try #require(stderr.range(of: prefix), "\(stderr)")
        let name = stderr[start.lowerBound...].dropFirst("saved in ".count).prefix { $0 != ":" && !$0.isWhitespace }
        return String(name)
    }

    @Test("the daemon checkpoints the write-ahead log: it is emptied within seconds")
    func checkpointsTheLog() async throws {
        try await Self.serving(checkpoint: "1s") { workspace, _, _, _ in
            try await waitUntil("nightshift.sqlite-wal is truncated to 0 bytes", timeout: 15, poll: 0.05) {
                let size = (try? FileManager.default.attributesOfItem(atPath: workspace.storePath + "-wal")[.size] as? Int) ?? -1
                return size == 0
            }
        }
    }

    @Test("nightshift.sqlite removed under serve: it saves a copy, alerts, exits 1; the copy put back holds every run")
    func databaseRemoved() async throws {
        try await Self.serving { workspace, serve, server, runID in
            try FileManager.default.removeItem(atPath: workspace.storePath)
            let stderr = try await Self.stopped(serve)
            #expect(stderr.contains("nightshift: the store file \(workspace.storePath) was removed; the daemon stopped"), "\(stderr)")
            try Self.expectAlert(server, workspace, saying: "\(workspace.storePath) was removed")
            let copy = try Self.rescued(in: stderr, workspace)
            #expect(stderr.contains("`mv \(copy) \(workspace.storePath)`"), "\(stderr)")
            #expect(!FileManager.default.fileExists(atPath: workspace.storePath + "-wal"), "the removed file's log must not meet the copy")

            try FileManager.default.moveItem(atPath: copy, toPath: workspace.storePath)
            let runs = try await workspace.runs(job: "by-hand")
            #expect(runs.map(\.id) == [runID] && runs.first?.state == "succeeded", "\(runs)")
            #expect(try await CLI.run(workspace.args("audit", "verify")).status == 0)
        }
    }

    @Test("nightshift.sqlite replaced by another workspace's store: exits 1 with an alert; the stranger is refused, the saved copy is not")
    func databaseReplaced() async throws {
        try await Self.serving { workspace, serve, server, runID in
            let other = try TestWorkspace()
            defer { other.remove() }
            try await other.initialize()
            #expect(rename(other.storePath, workspace.storePath) == 0)
            let stderr = try await Self.stopped(serve)
            #expect(stderr.contains("the store file \(workspace.storePath) was replaced by another file"), "\(stderr)")
            try Self.expectAlert(server, workspace, saying: "was replaced by another file")

            let refused = try await CLI.run(workspace.args("status"))
            #expect(refused.status == 1 && refused.stderr.contains("another workspace's store"), "\(refused)")
            try FileManager.default.moveItem(atPath: try Self.rescued(in: stderr, workspace), toPath: workspace.storePath + ".mine")
            #expect(rename(workspace.storePath + ".mine", workspace.storePath) == 0)
            #expect(try await workspace.runs(job: "by-hand").map(\.id) == [runID])
        }
    }

    @Test("nightshift.sqlite-wal removed under serve: its transactions reach the database file first, then it exits 1 with an alert")
    func logRemoved() async throws {
        try await Self.serving { workspace, serve, server, runID in
            // No checkpoint for an hour: the manual run's commit is in the log only.
            try FileManager.default.removeItem(atPath: workspace.storePath + "-wal")
            let stderr = try await Self.stopped(serve)
            #expect(stderr.contains("the store file \(workspace.storePath)-wal was removed; the daemon stopped"), "\(stderr)")
            #expect(stderr.contains("nothing is lost"), "\(stderr)")
            try Self.expectAlert(server, workspace, saying: "-wal was removed")
            let runs = try await workspace.runs(job: "by-hand")
            #expect(runs.map(\.id) == [runID] && runs.first?.state == "succeeded", "\(runs)")
            #expect(try await CLI.run(workspace.args("audit", "verify")).status == 0)
        }
    }
}
