import Foundation
import NightshiftCore
import NightshiftTesting
import Testing

/// The brief's four renderings and its webhook body, over the night of ``BriefNight`` and over a
/// quiet one.
@Suite("Brief renderer")
struct BriefRendererTests {
    static let quietLine = "Quiet night: nothing ran, nothing waits for you (since 2026-11-20 23:00)."

    func nightBrief() async throws -> Brief {
        let night = BriefNight()
        try await night.record()
        let pack = FixedContributor(fixed: [
            BriefSection(id: "shipped_overnight", title: "Shipped overnight", rank: BriefSection.Rank.shipped, lines: ["Task 42 merged."]),
        ])
        return try await night.builder(contributors: [pack]).build(since: BriefNight.since, until: BriefNight.until)
    }

    func quietBrief() async throws -> Brief {
        try await BriefNight().builder().build(since: BriefNight.since, until: BriefNight.until)
    }

    @Test("Markdown: heading, period, summary, one ## per section in rank order, lines escaped")
    func markdown() async throws {
        let text = BriefRenderer.markdown(try await nightBrief())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "# Nightshift brief: acme-night")
        #expect(lines[2] == "2026-11-20 23:00 to 2026-11-21 07:00 (Europe/Berlin), generated 2026-11-21 07:00.")
        #expect(lines[4].hasPrefix("Since 2026-11-20 23:00: 4 runs succeeded"))
        #expect(lines.filter { $0.hasPrefix("## ") } == [
            "## Shipped overnight", "## Failed runs", "## Missed runs and catch-ups", "## Cycle overruns", "## Approvals waiting",
            "## Goals behind pace",
        ])
        #expect(text.contains("\\<script\\>alert(1)\\</script\\>"))
        #expect(!text.contains("<script>"))
        #expect(text.contains("- send_email for tenant acme"))
        #expect(text.contains("nightshift approvals approve a_mail"))
        #expect(text.hasSuffix("\n"))
    }

    @Test("HTML: a complete document, every text escaped, one section element per section")
    func html() async throws {
        let text = BriefRenderer.html(try await nightBrief())
        #expect(text.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(text.contains("<meta charset=\"utf-8\">"))
        #expect(text.hasSuffix("</html>\n"))
        #expect(!text.contains("<script"))
        #expect(text.contains("rsync exited with status 3: &lt;script&gt;alert(1)&lt;/script&gt;."))
        #expect(text.contains("missed = &quot;once&quot;"))
        #expect(text.contains("<section id=\"approvals_waiting\">\n<h2>Approvals waiting</h2>"))
        #expect(text.components(separatedBy: "<section ").count - 1 == 6)
        #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("src="))
    }

    @Test("JSON: sorted keys, ISO 8601 instants in the brief's zone, sections with ids, lines and items")
    func json() async throws {
        let text = BriefRenderer.json(try await nightBrief())
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value["quiet"] == .bool(false))
        #expect(value["workspace"] == .string("acme-night"))
        #expect(value["generated_at"] == .string("2026-11-21T07:00:00+01:00"))
        #expect(value["period"] == .object([
            "since": .string("2026-11-20T23:00:00+01:00"), "until": .string("2026-11-21T07:00:00+01:00"), "time_zone": .string("Europe/Berlin"),
        ]))
        #expect(value["counts"]?["approvals_waiting"] == .integer(2))
        guard case .array(let sections) = value["sections"] else { Issue.record("sections is not an array"); return }
        #expect(sections.map { $0["id"] } == [
            "shipped_overnight", "failed_runs", "missed_runs", "cycle_overruns", "approvals_waiting", "goals_behind",
        ].map(JSONValue.string))
        #expect(sections[1]["rank"] == .integer(35))
        #expect(sections[1].lookup("items.0.error") == .string("rsync exited with status 3: <script>alert(1)</script>"))
        #expect(sections[4].lookup("items.0.approve_command") == .string("nightshift approvals approve a_mail"))
        // Keys sorted at every level: each object's keys appear in order in the text.
        let top = ["counts", "generated_at", "period", "quiet", "sections", "summary", "workspace"]
        let offsets = top.map { text.range(of: "\"\($0)\" :")?.lowerBound ?? text.range(of: "\"\($0)\":")!.lowerBound }
        #expect(offsets == offsets.sorted())
    }

    @Test("chat text: compact, plain, every section's title and lines")
    func chatText() async throws {
        let text = BriefRenderer.chatText(try await nightBrief())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Nightshift brief: acme-night")
        #expect(lines[1].hasPrefix("Since 2026-11-20 23:00:"))
        #expect(lines.contains("Approvals waiting"))
        #expect(lines.contains("- backup failed at 01:24 (exit status 3, run r_backup): rsync exited with status 3: <script>alert(1)</script>."))
        #expect(!text.contains("##") && !text.contains("**"))
    }

    @Test("a quiet night is exactly one line in every format")
    func quiet() async throws {
        let brief = try await quietBrief()
        #expect(BriefRenderer.markdown(brief) == Self.quietLine + "\n")
        #expect(BriefRenderer.chatText(brief) == Self.quietLine)
        let html = BriefRenderer.html(brief)
        #expect(html.contains("<body>\n<p class=\"summary\">\(Self.quietLine)</p>\n</body>"))
        #expect(!html.contains("<h1>") && !html.contains("<section"))
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(BriefRenderer.json(brief).utf8))
        #expect(json["quiet"] == .bool(true))
        #expect(json["summary"] == .string(Self.quietLine))
        #expect(json["sections"] == .array([]))
        let body = try JSONDecoder().decode(JSONValue.self, from: BriefRenderer.webhookBody(brief))
        #expect(body == .object(["text": .string(Self.quietLine), "content": .string(Self.quietLine)]))
    }

    @Test("webhook body: Slack text escaped, Discord content cut at whole lines to 2,000 characters with a note")
    func webhookTruncation() async throws {
        var brief = try await nightBrief()
        let filler = (1...80).map { "Filler line \($0) of a long night, padded to make the message long enough to cut." }
        brief.sections.append(BriefSection(id: "next_tasks", title: "Next tasks", rank: BriefSection.Rank.nextTasks, lines: filler))
        let body = try JSONDecoder().decode(JSONValue.self, from: BriefRenderer.webhookBody(brief))
        guard case .string(let content) = body["content"], case .string(let slack) = body["text"] else {
            Issue.record("body lacks content or text"); return
        }
        #expect(content.utf16.count <= BriefRenderer.discordLimit)
        #expect(content.utf16.count > BriefRenderer.discordLimit - 200)
        let full = BriefRenderer.chatText(brief)
        let kept = content.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(full.hasPrefix(kept.joined(separator: "\n")))
        let left = full.split(separator: "\n", omittingEmptySubsequences: false).count - kept.count
        #expect(content.hasSuffix("\n… \(left) more lines not shown: run nightshift brief for the whole brief."))
        #expect(slack.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(slack.contains("Filler line 80 of a long night"))
    }

    @Test("one line longer than the Discord limit is cut by characters")
    func webhookLongLine() async throws {
        var brief = try await quietBrief()
        brief.sections = [BriefSection(id: "x", title: "X", rank: 1, lines: [String(repeating: "é", count: 3000)])]
        brief.workspaceName = String(repeating: "w", count: 2500)
        let body = try JSONDecoder().decode(JSONValue.self, from: BriefRenderer.webhookBody(brief))
        guard case .string(let content) = body["content"] else { Issue.record("no content"); return }
        #expect(content.utf16.count <= BriefRenderer.discordLimit)
        #expect(content.hasPrefix("Nightshift brief: www"))
        #expect(content.hasSuffix("more lines not shown: run nightshift brief for the whole brief."))
    }
}
