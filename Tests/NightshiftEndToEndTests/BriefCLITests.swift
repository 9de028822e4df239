import Foundation
import Testing

/// `nightshift brief`: the sections of a real night in rank order, its three formats, the saved
/// Markdown, the quiet line of an empty workspace, and delivery to a real webhook on 127.0.0.1.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct BriefCLITests {
    func brief(_ workspace: TestWorkspace, _ extra: [String] = []) async throws -> BriefInfo {
        let result = try await CLI.run(["brief", "--format", "json", "-w", workspace.root] + extra)
        guard result.status == 0 else { throw CLIError("brief --format json \(extra.joined(separator: " ")) failed: \(result)") }
        return try CLI.decode(BriefInfo.self, result.stdout)
    }

    @Test("after a seeded night, --format json has builds shipped, builds failed, approvals waiting (with the approve command), queue and next tasks in rank order")
    func briefOfASeededNight() async throws {
        try await withWorkspace { workspace in
            _ = try await workspace.runExampleNight()
            let next = try await workspace.addTask("Polish the docs", hours: 1, category: "Documentation", ["--id", "polish-docs"])
            let actionID = try #require(try await workspace.task(BuilderExample.parked).actionId)

            let before = Date()
            let json = try await brief(workspace, ["--no-save"])
            let after = Date()
            #expect(!json.quiet && json.workspace == "builder", "\(json.summary)")
            let ids = json.sections.map(\.id)
            let wanted = ["builds_shipped", "builds_failed", "approvals_waiting", "queue", "next_tasks"]
            #expect(ids.filter(wanted.contains) == wanted, "\(json.sections)")
            #expect(json.sections.map(\.rank) == json.sections.map(\.rank).sorted(), "sections come in rank order: \(json.sections)")
            let since = try parseISO8601(json.period.since)
            #expect(since >= before - 24 * 3600 - 1 && since <= after - 24 * 3600, "the default period is the last 24 hours: \(json.period)")

            let shipped = json.section("builds_shipped")
            #expect(Set(shipped?.items.elements?.compactMap { $0["id"]?.string } ?? []) == BuilderExample.completed, "\(String(describing: shipped))")
            #expect(shipped?.lines.first == "3 tasks shipped, 4 h of estimated work.", "\(String(describing: shipped))")
            let failed = json.section("builds_failed")
            #expect(failed?.items.elements?.compactMap { $0["id"]?.string } == [BuilderExample.failed], "\(String(describing: failed))")
            #expect(failed?.lines.first?.contains("verification failed") == true && failed?.lines.first?.hasSuffix("nightshift queue retry tidy-build") == true)
            let approvals = json.section("approvals_waiting")
            let approval = approvals?.items.elements?.first
            #expect(approval?["id"]?.string == actionID, "\(String(describing: approvals))")
            #expect(approval?["approve_command"]?.string == "nightshift approvals approve \(actionID)", "\(String(describing: approval))")
            #expect(approvals?.lines.first?.contains("Approve with nightshift approvals approve \(actionID), or reject with nightshift approvals reject \(actionID).") == true)
            #expect(json.section("queue")?.items["total"] == .number(6), "\(String(describing: json.section("queue")))")
            #expect(json.section("next_tasks")?.items.elements?.compactMap { $0["id"]?.string } == [next.id], "the only ready task")

            let html = try await CLI.run(["brief", "--format", "html", "--no-save", "-w", workspace.root])
            #expect(html.status == 0, "\(html)")
            let page = html.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>"), "\(html)")
            for part in ["<html lang=\"en\">", "<meta charset=\"utf-8\">", "<title>Nightshift brief: builder", "<body>", "</body>"] {
                #expect(page.contains(part), "\(part): \(page)")
            }
            for id in wanted { #expect(page.contains("<section id=\"\(id)\">"), "\(id): \(page)") }
            #expect(!workspace.exists("reports/brief"), "--no-save writes nothing")

            let markdown = try await CLI.run(["brief", "-w", workspace.root])
            #expect(markdown.status == 0, "\(markdown)")
            #expect(markdown.stdout.hasPrefix("# Nightshift brief: builder\n"), "\(markdown)")
            for heading in ["## What shipped overnight", "## Tasks that failed", "## Approvals waiting", "## Build queue", "## Next tasks"] {
                #expect(markdown.stdout.contains(heading), "\(heading): \(markdown)")
            }
            let saved = markdown.stderr.split(separator: "\n").first { $0.hasPrefix("brief written to ") }.map { String($0.dropFirst("brief written to ".count)) }
            let days = [UTCClock.day(before), UTCClock.day(Date())]
            let path = try #require(saved, "\(markdown)")
            #expect(days.contains { path == "\(workspace.root)/reports/brief/\($0).md" }, "\(path)")
            let file = try #require(try? String(contentsOfFile: path, encoding: .utf8))
            #expect(file.trimmingCharacters(in: .newlines) == markdown.stdout.trimmingCharacters(in: .newlines), "the file is what was printed")
        }
    }

    @Test("a fresh workspace's brief is one quiet line; --since takes an instant or a duration and refuses anything else with exit 2")
    func quietBriefAndSince() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            // The JSON summary is the same line, but for its "since" minute: the two commands may run on either side of a minute's turn.
            let quietLine = "Quiet night: nothing ran, nothing waits for you (since "
            let quiet = try await CLI.run(["brief", "--no-save", "-w", workspace.root])
            #expect(quiet.status == 0, "\(quiet)")
            let lines = quiet.stdout.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix(quietLine), "\(quiet)")
            #expect(!workspace.exists("reports/brief"), "--no-save writes nothing: \(quiet)")
            let json = try await brief(workspace, ["--no-save"])
            #expect(json.quiet && json.sections.isEmpty && json.summary.hasPrefix(quietLine), "\(json)")
            let html = try await CLI.run(["brief", "--format", "html", "--no-save", "-w", workspace.root])
            #expect(html.stdout.contains("<p class=\"summary\">Quiet night:") && !html.stdout.contains("<section"), "\(html)")

            let saved = try await CLI.run(["brief", "-w", workspace.root])
            #expect(saved.status == 0 && saved.stderr.contains("brief written to \(workspace.root)/reports/brief/"), "\(saved)")

            let twelve = try await brief(workspace, ["--since", "12h", "--no-save"])
            #expect(try parseISO8601(twelve.period.until).timeIntervalSince(parseISO8601(twelve.period.since)) == 12 * 3600, "\(twelve.period)")
            let instant = "2026-01-05T23:00:00+00:00"
            let fixed = try await brief(workspace, ["--since", instant, "--no-save"])
            #expect(try parseISO8601(fixed.period.since) == parseISO8601(instant), "\(fixed.period)")

            let future = ISO8601DateFormatter().string(from: Date() + 3600)
            for (since, message) in [
                ("yesterday", "--since must be an ISO 8601 instant with offset (2026-11-20T23:00:00Z) or a duration (12h), found \"yesterday\""),
                ("2026-13-45T00:00:00Z", "--since must be an ISO 8601 instant"),
                ("12x", "--since must be an ISO 8601 instant"),
                (future, "--since is in the future"),
            ] {
                let result = try await CLI.run(["brief", "--since", since, "--no-save", "-w", workspace.root])
                #expect(result.status == 2, "\(since): \(result)")
                #expect(result.stderr.contains(message) && result.stdout.isEmpty, "\(since): \(result)")
            }
            let format = try await CLI.run(["brief", "--format", "pdf", "-w", workspace.root])
            #expect(format.status == 2, "\(format)")
        }
    }

    @Test("--deliver posts text and content to a real webhook, and the next brief starts where the delivered one ended")
    func deliverPostsToTheWebhookAndMovesThePeriod() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilderExample()
            try await workspace.seedExampleQueue()
            let recorder = try RequestRecorder(logPath: "\(workspace.base)/requests.jsonl")
            defer { recorder.stop() }
            let config = try #require(workspace.read("nightshift.toml"))
            try workspace.write(config: config + "\n[notifiers.hook]\nwebhook = \"\(recorder.url)\"\n")

            let delivered = try await CLI.run(["brief", "--deliver", "--format", "json", "--no-save", "-w", workspace.root])
            #expect(delivered.status == 0, "\(delivered)")
            let first = try CLI.decode(BriefInfo.self, delivered.stdout)
            let requests = try recorder.requests()
            #expect(requests.count == 1, "\(requests.map(\.path))")
            let request = try #require(requests.first)
            #expect(request.path == "/" && request.headers["Content-Type"] == "application/json", "\(request.headers)")
            let body = try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any]
            let text = try #require(body?["text"] as? String, "Slack reads text: \(request.body)")
            let content = try #require(body?["content"] as? String, "Discord reads content: \(request.body)")
            for message in [text, content] {
                #expect(message.hasPrefix("Nightshift brief: builder"), "\(message)")
                #expect(message.contains("Build queue") && message.contains("Next tasks") && message.contains("fix-login Fix the flaky login test"), "\(message)")
            }
            #expect(content.utf16.count <= 2000, "Discord takes at most 2000 characters")

            let second = try await brief(workspace, ["--no-save"])
            #expect(second.period.since == first.period.until, "the next brief starts where the delivered one ended: \(first.period) then \(second.period)")
            #expect(try recorder.requests().count == 1, "a brief without --deliver sends nothing")
        }
    }

    @Test("a brief that no notifier accepted exits 1 and is not marked delivered: the next brief still covers its period")
    func failedDeliveryKeepsThePeriod() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            // Port 9 (discard) on loopback: nothing listens there, so the connection is refused.
            let config = try #require(workspace.read("nightshift.toml"))
            try workspace.write(config: config + "\n[notifiers.hook]\nwebhook = \"http://127.0.0.1:9/\"\n")
            let since = "2026-01-05T23:00:00+00:00"
            let failed = try await CLI.run(["brief", "--deliver", "--since", since, "--format", "json", "--no-save", "-w", workspace.root])
            #expect(failed.status == 1, "\(failed)")
            #expect(failed.stderr.contains("nightshift: brief not delivered to hook: "), "\(failed)")
            let next = try await brief(workspace, ["--no-save"])
            #expect(try parseISO8601(next.period.since) <= Date() - 23 * 3600,
                    "an undelivered brief must not move the next brief's start past what the operator never received: \(next.period)")
        }
    }

    @Test("--deliver with no notifier configured says so, exits 0 and marks nothing: the next brief still covers its period")
    func noNotifierIsNoDelivery() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            let since = "2026-01-05T23:00:00+00:00"
            let undelivered = try await CLI.run(["brief", "--deliver", "--since", since, "--format", "json", "--no-save", "-w", workspace.root])
            #expect(undelivered.status == 0, "\(undelivered)")
            #expect(undelivered.stderr.contains("brief not delivered: no notifier is configured ([[notifiers]] in nightshift.toml)"), "\(undelivered)")
            #expect(!undelivered.stderr.contains("delivered to"), "\(undelivered)")
            let next = try await brief(workspace, ["--no-save"])
            #expect(try parseISO8601(next.period.since) <= Date() - 23 * 3600,
                    "a brief nobody received must not move the next brief's start: \(next.period)")
        }
    }
}
