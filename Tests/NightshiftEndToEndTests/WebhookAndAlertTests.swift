import Foundation
import Testing

/// Webhook jobs and failure alerts against a real HTTP server on 127.0.0.1 (python3's http.server,
/// run as a child process), through the built binary.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct WebhookAndAlertTests {
    @Test func webhookJobsAndAlertsReachTheServerWithSecretsFromTheEnvironment() async throws {
        try await withWorkspace { workspace in
            let server = try RequestRecorder(logPath: "\(workspace.root)/requests.jsonl")
            defer { server.stop() }
            let port = server.port
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"

                [notifiers.hook]
                webhook = "http://127.0.0.1:\(port)/alert"

                [notifiers.file]
                command = ["sh", "-c", "echo \\"$NIGHTSHIFT_ALERT_TEXT\\" >> alerts.txt"]

                [jobs.hook]
                schedule = "0 0 1 1 *"
                webhook = { url = "http://127.0.0.1:\(port)/job", headers = { X-Token = "env:E2E_HOOK_TOKEN" }, body = '{"hello":"world"}' }

                [jobs.rejected]
                schedule = "0 0 1 1 *"
                webhook = "http://127.0.0.1:\(port)/fail"

                [jobs.broken]
                schedule = "0 0 1 1 *"
                command = ["sh", "-c", "echo nope; exit 4"]
                alert_after = 2
                alert_cooldown = "1h"
                """)
            let secret = "s3cr3t-hook-value"
            let environment = ["E2E_HOOK_TOKEN": secret]

            let sent = try await CLI.run(workspace.args("jobs", "run", "hook"), environment: environment)
            #expect(sent.status == 0, "\(sent)")
            let job = try #require(try server.requests().first { $0.path == "/job" })
            #expect(job.body == #"{"hello":"world"}"#)
            #expect(job.headers["X-Token"] == secret)
            #expect(job.headers["Content-Type"] == "application/json")
            let run = try #require(try await workspace.runs(job: "hook").first)
            #expect(run.state == "succeeded" && run.exitStatus == 200)
            let shown = try await CLI.run(workspace.args("runs", "show", run.id, "--log"), environment: environment)
            #expect(!shown.stdout.contains(secret), "the secret leaked into run output: \(shown.stdout)")

            let rejected = try await CLI.run(workspace.args("jobs", "run", "rejected"), environment: environment)
            #expect(rejected.status == 1, "a non-2xx answer is a failure: \(rejected)")
            #expect(try await workspace.runs(job: "rejected").first?.exitStatus == 500)

            for attempt in 1...3 {
                let broken = try await CLI.run(workspace.args("jobs", "run", "broken"), environment: environment)
                #expect(broken.status == 1, "attempt \(attempt): \(broken)")
            }
            // alert_after = 2: the second failure alerts; the third is inside the cooldown.
            let alerts = try server.requests().filter { $0.path == "/alert" }
            #expect(alerts.count == 1)
            let alert = try JSONSerialization.jsonObject(with: Data(try #require(alerts.first).body.utf8)) as? [String: Any]
            #expect(alert?["kind"] as? String == "failing")
            #expect(alert?["job"] as? String == "broken")
            #expect(alert?["consecutive_failures"] as? Int == 2)
            let text = workspace.read("alerts.txt") ?? ""
            #expect(text.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 1)
            #expect(text.contains("broken failed 2 times in a row"), "\(text)")
        }
    }

    @Test("a parked job action is announced through the webhook notifier and runs once approved")
    func approvalsAreAnnouncedThroughWebhookNotifiers() async throws {
        try await withWorkspace { workspace in
            let server = try RequestRecorder(logPath: "\(workspace.root)/requests.jsonl")
            defer { server.stop() }
            let port = server.port
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"

                [notifiers.hook]
                webhook = "http://127.0.0.1:\(port)/alert"

                [jobs.deploy]
                schedule = "0 0 1 1 *"
                command = ["sh", "-c", "echo deployed >> deployed.txt"]
                action_type = "deploy"
                attributes = { target = "production" }

                [policy.catalog]
                deploy = "approval"
                """)
            let run = try await CLI.run(workspace.args("jobs", "run", "deploy"))
            #expect(run.status == 3, "a parked run exits 3, as propose does: \(run)")
            #expect(workspace.read("deployed.txt") == nil, "a parked action must not run")
            let recorded = try #require(try await workspace.runs(job: "deploy").first)
            #expect(recorded.state == "awaiting_approval", "\(recorded)")

            let announcements = try server.requests().filter { $0.path == "/alert" }
            #expect(announcements.count == 1, "\(announcements)")
            let body = try JSONSerialization.jsonObject(with: Data(try #require(announcements.first).body.utf8)) as? [String: Any]
            #expect(body?["kind"] as? String == "approval")
            #expect(body?["job"] as? String == "deploy")
            let text = try #require(body?["text"] as? String)
            let id = try #require(text.split(separator: " ").first { $0.hasPrefix("a_") }.map(String.init), "\(text)")
            #expect(text.contains("deploy needs the operator's approval"), "\(text)")

            let approved = try await CLI.run(workspace.args("approvals", "approve", id, "--note", "ship it"))
            #expect(approved.status == 0, "\(approved)")
            #expect(workspace.read("deployed.txt") == "deployed\n")
            let runs = try await workspace.runs(job: "deploy")
            #expect(runs.first?.trigger == "approval" && runs.first?.state == "succeeded", "\(runs)")
        }
    }
}
