import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `serve --log-level debug` (and trace) with secrets and an unrelated value in its environment:
/// the log shows neither. docs/RELIABILITY.md, "Secrets".
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ServeLogSecretsTests {
    @Test("serve at debug and trace level prints no environment value and no secret", arguments: ["debug", "trace"])
    func serveLogsNoSecrets(level: String) async throws {
        try await withWorkspace { workspace in
            let server = try RequestRecorder(logPath: "\(workspace.base)/requests.jsonl")
            defer { server.stop() }
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"
                shutdown_grace = "2s"

                [jobs.tick]
                every = "1s"
                command = ["sh", "-c", "echo tick $GITHUB_PAT"]
                env = ["GITHUB_PAT"]

                [jobs.hook]
                every = "1s"
                webhook = { url = "env:HOOK_URL", headers = { X-Api = "env:HOOK_HEADER" } }
                """)
            // One value nothing reads: printing it would mean printing the environment.
            let unread = "unread-e2e-environment-value-2727"
            let environment = [
                "GITHUB_PAT": SecretsCLITests.planted["GITHUB_PAT"]!, "HOOK_HEADER": SecretsCLITests.planted["HOOK_HEADER"]!,
                "HOOK_URL": "http://127.0.0.1:\(server.port)/echo/\(SecretsCLITests.hookToken)", "E2E_UNREAD_VALUE": unread,
            ]
            let serve = try BackgroundCLI(["serve", "-w", workspace.root, "--log-level", level], in: workspace, environment: environment)
            defer { serve.kill() }
            try await waitUntil("serve ran both jobs", timeout: 30) {
                if !serve.isRunning { throw CLIError("serve exited: \(serve.stderr)") }
                let runs = try await workspace.runs(states: ["succeeded"])
                return Set(runs.map(\.job)) == ["tick", "hook"]
            }
            ProcessTable.signal(serve.pid, SIGTERM)
            #expect(try await serve.wait(timeout: 20) == 0, "\(serve.stderr)")
            let output = serve.stdout + serve.stderr
            #expect(output.contains("debug"), "the log level is on: \(output.prefix(2000))")
            let planted = [SecretsCLITests.planted["GITHUB_PAT"]!, SecretsCLITests.planted["HOOK_HEADER"]!, SecretsCLITests.hookToken]
            for value in planted + [unread, "E2E_UNREAD_VALUE"] {
                #expect(!output.contains(value), "serve --log-level \(level) printed \(value):\n\(output)")
            }
        }
    }
}
