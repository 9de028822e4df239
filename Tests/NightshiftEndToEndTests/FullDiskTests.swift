import Foundation
import NightshiftTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A daemon whose disk fills up: it stays up, stops firing, retries its writes, alerts once, and
/// resumes by itself when space returns; reading commands work meanwhile. The workspace lives on a
/// small tmpfs of its own, which needs root to mount (CI runs as root).
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: getuid() == 0, "mounting a small tmpfs for the workspace needs root"))
struct FullDiskTests {
    @Test("a full disk keeps the daemon up and reading commands working; it alerts once and resumes by itself when space returns")
    func fullDisk() async throws {
        try await withWorkspace { workspace in
            try FileManager.default.createDirectory(atPath: workspace.root, withIntermediateDirectories: true)
            let mounted = try await CLI.runProgram("/bin/mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", workspace.root], environment: CLI.environment(), timeout: 30)
            try #require(mounted.status == 0, "mount: \(mounted)")
            defer { try? runUnmount(workspace.root) }
            // The webhook's log is outside the full disk.
            let server = try RequestRecorder(logPath: "\(workspace.base)/requests.jsonl")
            defer { server.stop() }
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"
                shutdown_grace = "2s"

                [notifiers.hook]
                webhook = "http://127.0.0.1:\(server.port)/alert"

                [jobs.tick]
                every = "1s"
                command = ["true"]
                """)
            let serve = try await ServeProcess.start(workspace)
            defer { serve.kill() }
            try await waitUntil("tick ran", timeout: 20) { try await workspace.runs(job: "tick", states: ["succeeded"]).count >= 2 }

            // Fill the disk to the last byte.
            let filler = "\(workspace.root)/filler"
            let handle = open(filler, O_WRONLY | O_CREAT, 0o600)
            try #require(handle >= 0)
            let chunk = [UInt8](repeating: 0x41, count: 1 << 16)
            while chunk.withUnsafeBytes({ write(handle, $0.baseAddress, $0.count) }) > 0 {}
            close(handle)

            try await waitUntil("the operator hears once that the store cannot be written", timeout: 30) {
                try server.requests().contains { $0.path == "/alert" && $0.body.contains("cannot write its store") }
            }
            try await Task.sleep(for: .seconds(4))
            #expect(serve.isRunning, "the daemon stays up on a full disk: \(serve.stderr)")
            let stalled = try server.requests().filter { $0.body.contains("cannot write its store") }
            #expect(stalled.count == 1, "one alert, not one per write: \(stalled.count)")
            let status = try await CLI.run(workspace.args("status", "--json"))
            #expect(status.status == 0, "status reads on a full disk: \(status)")
            let runs = try await CLI.run(workspace.args("runs", "list", "--json"))
            #expect(runs.status == 0, "runs list reads on a full disk: \(runs)")
            let before = try await workspace.runs(job: "tick").count
            try await Task.sleep(for: .seconds(3))
            #expect(try await workspace.runs(job: "tick").count == before, "nothing fires while the disk is full")

            try FileManager.default.removeItem(atPath: filler)
            try await waitUntil("the operator hears the store is written again", timeout: 60) {
                try server.requests().contains { $0.path == "/alert" && $0.body.contains("writes its store again") }
            }
            try await waitUntil("tick runs again", timeout: 30) { try await workspace.runs(job: "tick", states: ["succeeded"]).count > before }
            #expect(try await workspace.runs(states: ["running"]).allSatisfy { $0.job == "tick" }, "no run is left running")
            let code = try await serve.stop(SIGTERM)
            #expect(code == 0, "\(serve.stderr)")
            #expect(try await workspace.runs(states: ["running"]).isEmpty, "no run is left running after the stop")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }
}

/// Unmounts `path` (lazily, so a process still in it cannot keep it) from a `defer`, which cannot await.
private func runUnmount(_ path: String) throws {
    let umount = try ChildProcess("/bin/umount", ["-l", path], environment: CLI.environment(), stdout: .null, stderr: .null)
    _ = umount.waitBlocking(timeout: 30)
}
