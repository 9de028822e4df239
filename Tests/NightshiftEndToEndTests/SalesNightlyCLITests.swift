import Foundation
import NightshiftTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sales pack's night with the built binary: the example workspace's whole cycle, the research
/// agent stopped or parked by the policy, the CRM pull against the stand-in (a page failing for
/// good, bad JSON, resumed), and SIGKILL inside `dedupe` and inside `rescore`.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct SalesNightlyCLITests {
    /// `nightshift init --example sales -w ROOT`, and its sample file imported.
    static func exampleWorkspace(_ workspace: TestWorkspace) async throws {
        let created = try await CLI.run(["init", "--example", "sales", "-w", workspace.root])
        guard created.status == 0 else { throw CLIError("init --example sales failed: \(created)") }
        let imported = try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/prospects.csv"))
        guard imported.status == 0 else { throw CLIError("import failed: \(imported)") }
    }

    static func count(_ workspace: TestWorkspace, _ sql: String) async throws -> Int {
        Int(try await SQLiteTool.query(workspace.storePath, sql) ?? "") ?? -1
    }

    @Test("the example's night: eleven steps succeed; duplicates merged, broken records researched, a checked backup, cards; a second night merges and researches nothing again")
    func exampleNight() async throws {
        try await withWorkspace { workspace in
            try await Self.exampleWorkspace(workspace)
            let first = try await CLI.run(workspace.args("cycles", "run", "nightly", "--json"), timeout: 120)
            #expect(first.status == 0, "\(first)")
            let run = try CLI.decode(CycleRunInfo.self, first.stdout)
            #expect(run.steps.map(\.name) == [
                "backup", "pull", "dedupe", "assess", "research", "groundskeeper", "rescore", "buckets", "nurture", "brief", "intel",
            ])
            #expect(run.steps.allSatisfy { $0.state == "succeeded" && $0.attempt == 1 }, "\(run.steps)")
            // Ana Ruiz / Anna Ruiz at Acme and Lena Novak / Lena Nowak at Wayne (the Gmail pair is one row at import).
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_merges") == 2)
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_prospects") == 27)
            let researched = try await Self.count(workspace, "SELECT COUNT(*) FROM sales_activities WHERE kind = 'researched'")
            #expect(researched >= 3, "the broken records with an address went to bin/research")
            let day = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            try await SQLiteTool.expectIntegrity("\(workspace.root)/backups/\(day).sqlite")
            #expect(workspace.read("reports/cards/\(day).md")?.hasPrefix("# Cards for \(day)\n\n1. p_") == true)

            let brief = try await CLI.run(workspace.args("brief"))
            let text = workspace.read("reports/brief/\(day).md") ?? ""
            #expect(brief.status == 0 && text.contains("## Prospects overnight") && text.contains("2 merges"), "\(text)")
            #expect(text.contains("## Today's first 10 cards"), "\(text)")

            let second = try await CLI.run(workspace.args("cycles", "run", "nightly", "--json"), timeout: 120)
            #expect(second.status == 0, "\(second)")
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_merges") == 2, "nothing is merged twice")
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_activities WHERE kind = 'researched'") == researched,
                    "a record researched last night waits 30 days")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test("a policy that forbids research_prospect stops every call; one that asks for approval parks them, and approving runs the agent")
    func researchThroughTheGate() async throws {
        try await withWorkspace { workspace in
            try await Self.exampleWorkspace(workspace)
            _ = try await CLI.run(workspace.args("prospects", "assess"))
            let policy = try #require(workspace.read("policy.toml"))
            try workspace.write("policy.toml", policy.replacingOccurrences(of: "[catalog]\n", with: "[catalog]\nresearch_prospect = \"hard_stop\"\n"))
            let forbidden = try await CLI.run(workspace.args("prospects", "step", "research"))
            #expect(forbidden.status == 0 && forbidden.stdout.contains("is forbidden by the policy"), "\(forbidden)")
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_activities WHERE kind = 'researched'") == 0)

            try workspace.write("policy.toml", policy.replacingOccurrences(of: "[catalog]\n", with: "[catalog]\nresearch_prospect = \"approval\"\n"))
            let parked = try await CLI.run(workspace.args("prospects", "step", "research"))
            #expect(parked.status == 0 && parked.stdout.contains("waits for approval"), "\(parked)")
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_activities WHERE kind = 'researched'") == 0)
            let waiting = try await CLI.run(workspace.args("approvals", "list", "--json"))
            let ids = try CLI.decode([JSONView].self, waiting.stdout).compactMap { $0["id"]?.string }
            #expect(ids.count == 5, "\(waiting)")
            let approved = try await CLI.run(workspace.args("approvals", "approve", try #require(ids.first)))
            #expect(approved.status == 0, "\(approved)")
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_activities WHERE kind = 'researched'") == 1, "the approved call ran")
        }
    }

    @Test("nurture drafts go through the gate: a policy that forbids draft_nurture_email leaves the outbox empty; allowed, a do-not-contact prospect still gets none")
    func nurtureThroughTheGate() async throws {
        try await withWorkspace { workspace in
            try await Self.exampleWorkspace(workspace)
            _ = try await CLI.run(workspace.args("prospects", "step", "rescore"))
            let policy = try #require(workspace.read("policy.toml"))
            try workspace.write("policy.toml", policy.replacingOccurrences(of: "[catalog]\n", with: "[catalog]\ndraft_nurture_email = \"hard_stop\"\n"))
            let forbidden = try await CLI.run(workspace.args("prospects", "step", "nurture"))
            #expect(forbidden.status == 0 && forbidden.stdout.contains("is forbidden by the policy"), "\(forbidden)")
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_outbox") == 0)

            try workspace.write("policy.toml", policy)
            let list = try await CLI.run(workspace.args("prospects", "list", "--json"))
            let ids = try CLI.decode([JSONView].self, list.stdout).filter { $0["state"] == .string("unengaged") }.compactMap { $0["id"]?.string }
            let marked = try await CLI.run(workspace.args("prospects", "dnc", try #require(ids.first)))
            #expect(marked.status == 0, "\(marked)")
            let drafted = try await CLI.run(workspace.args("prospects", "step", "nurture"))
            #expect(drafted.status == 0 && drafted.stdout.contains("drafted "), "\(drafted)")
            let outbox = try CLI.decode([JSONView].self, try await CLI.run(workspace.args("outbox", "list", "--json")).stdout)
            #expect(!outbox.isEmpty && !outbox.contains { $0["prospect"] == .string(ids[0]) }, "\(outbox)")
            let shown = try await CLI.run(workspace.args("outbox", "show", try #require(outbox.first?["id"]?.string)))
            #expect(shown.status == 0 && shown.stdout.contains("Subject: "), "\(shown)")
            let again = try await CLI.run(workspace.args("prospects", "step", "nurture"))
            #expect(again.status == 0)
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_outbox") >= outbox.count)
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_outbox WHERE prospect_id = '\(ids[0])'") == 0)
        }
    }

    /// Contacts for the stand-in: `count` people, each at a company of their own (so none is a duplicate).
    static func contacts(_ count: Int) throws -> Data {
        let items: [[String: String]] = (1...count).map { index in
            [
                "id": "\(index)", "email": "person\(index)@co\(index).example", "first_name": "First\(index)", "last_name": "Last\(index)",
                "company": "Co \(index)", "updated_at": "2026-12-01T10:00:00Z",
            ]
        }
        return try JSONSerialization.data(withJSONObject: items)
    }

    @Test("prospects pull: pages stored with their cursor; a page failing for good stops the pull (exit 1), the next pull resumes there and nothing is stored twice; bad JSON names the page")
    func pullResumes() async throws {
        try await withWorkspace { workspace in
            try await Self.exampleWorkspace(workspace)
            func configure(_ standIn: CRMStandInProcess) throws {
                var config = try #require(workspace.read("nightshift.toml"))
                if let start = config.range(of: "\n[sales.crm]") { config = String(config[..<start.lowerBound]) }
                try workspace.write(config: config + "\n[sales.crm]\nkind = \"activecampaign\"\nurl = \"\(standIn.baseURL)\"\ntoken = \"env:AC_TOKEN\"\npage_size = 20\n")
            }
            let token = ["AC_TOKEN": "stand-in-token"]
            // The third page fails every time: two pages are stored, then the pull stops.
            let failing = try await CRMStandInProcess(contacts: try Self.contacts(95), token: "stand-in-token", arguments: ["--fail-page", "3", "--fail-page-times", "0"])
            defer { failing.stop() }
            try configure(failing)
            let stopped = try await CLI.run(workspace.args("prospects", "pull"), environment: token, timeout: 120)
            #expect(stopped.status == 1 && stopped.stderr.contains("the pull stopped"), "\(stopped)")
            #expect(!stopped.stderr.contains("stand-in-token") && !stopped.stdout.contains("stand-in-token"), "the token is never printed")
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_prospects WHERE record LIKE '%activecampaign:%'") == 40)
            failing.stop()

            let healthy = try await CRMStandInProcess(contacts: try Self.contacts(95), token: "stand-in-token")
            defer { healthy.stop() }
            try configure(healthy)
            let resumed = try await CLI.run(workspace.args("prospects", "pull", "--json"), environment: token, timeout: 120)
            #expect(resumed.status == 0, "\(resumed)")
            let report = try CLI.decode(JSONView.self, resumed.stdout)
            #expect(report["pull"]?["inserted"] == .number(55) && report["pull"]?["fetched"] == .number(55), "it went on from offset 40: \(resumed)")
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_prospects WHERE record LIKE '%activecampaign:%'") == 95)
            let again = try await CLI.run(workspace.args("prospects", "pull", "--json"), environment: token, timeout: 60)
            #expect(try CLI.decode(JSONView.self, again.stdout)["pull"]?["fetched"] == .number(0), "only what changed since: \(again)")
            healthy.stop()

            let broken = try await CRMStandInProcess(contacts: try Self.contacts(5), token: "stand-in-token", arguments: ["--bad-json-page", "1"])
            defer { broken.stop() }
            try configure(broken)
            let bad = try await CLI.run(workspace.args("prospects", "pull"), environment: token, timeout: 60)
            #expect(bad.status == 1 && bad.stderr.contains("JSON"), "\(bad)")
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_prospects WHERE record LIKE '%activecampaign:%'") == 95)
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test("SIGKILL inside dedupe and inside rescore: the resumed cycle runs each once more with its idempotency key, every step succeeds, nothing is merged twice")
    func killedMidStep() async throws {
        try await withWorkspace { workspace in
            let created = try await CLI.run(["init", "--example", "sales", "-w", workspace.root])
            #expect(created.status == 0, "\(created)")
            // The pull step reads 300 contacts from the CRM stand-in, in pages of 50.
            let crm = try await CRMStandInProcess(contacts: try Self.contacts(300), token: "stand-in-token")
            defer { crm.stop() }
            let config = try #require(workspace.read("nightshift.toml"))
            try workspace.write(config: config + "\n[sales.crm]\nkind = \"activecampaign\"\nurl = \"\(crm.baseURL)\"\ntoken = \"env:AC_TOKEN\"\npage_size = 50\n")
            let environment = ["AC_TOKEN": "stand-in-token"]
            // 12,000 generated prospects with known duplicates: dedupe and rescore take long
            // enough in a debug build to be killed inside.
            let generator = ProspectFileGenerator(count: 12_000, duplicateRate: 0.05, seed: 11)
            try generator.write(to: "\(workspace.root)/big.csv")
            let imported = try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/big.csv"), timeout: 120)
            #expect(imported.status == 0, "\(imported)")
            let groups = try await CLI.run(workspace.args("prospects", "dedupe", "--dry-run", "--json"), timeout: 120)
            let expected = try CLI.decode([JSONView].self, groups.stdout).count
            #expect(expected > 100, "\(groups.stderr)")
            let before = try await Self.count(workspace, "SELECT COUNT(*) FROM sales_prospects")

            var process = try BackgroundCLI(["cycles", "run", "nightly", "-w", workspace.root], in: workspace, environment: environment)
            defer { process.kill() }
            let folder = "\(workspace.root)/logs/cycles"
            /// The cycle run's id: its log is logs/cycles/ID.log.
            func runLog() -> String? { ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().first }
            func log() -> String { runLog().flatMap { try? String(contentsOfFile: "\(folder)/\($0)", encoding: .utf8) } ?? "" }
            var runID = ""
            for step in ["dedupe", "rescore"] {
                try await waitUntil("step \(step) started", timeout: 60, poll: 0.01) {
                    if log().contains("step \(step) started") { return true }
                    if !process.isRunning { throw CLIError("nightshift exited early: \(process.ending)\n\(log())") }
                    return false
                }
                try await Task.sleep(for: .milliseconds(150))
                process.kill()
                #expect(!log().contains("step \(step) succeeded"), "killed inside \(step)")
                runID = String(try #require(runLog()).dropLast(4))
                process = try BackgroundCLI(["cycles", "resume", runID, "-w", workspace.root], in: workspace, environment: environment)
            }
            let status = try await process.wait(timeout: 180)
            #expect(status == 0, "\(process.stderr)\n\(log())")
            let run = try await CLI.json(CycleRunInfo.self, workspace.args("cycles", "show", runID))
            #expect(run.state == "succeeded" && run.steps.allSatisfy { $0.state == "succeeded" }, "\(run)")
            let attempts = Dictionary(uniqueKeysWithValues: run.steps.map { ($0.name, $0.attempt) })
            #expect(attempts["dedupe"] == 2 && attempts["rescore"] == 2, "the two killed steps ran once more: \(attempts)")
            #expect(attempts.filter { $0.key != "dedupe" && $0.key != "rescore" }.values.allSatisfy { $0 == 1 }, "no finished step ran again: \(attempts)")
            let keys = Set(run.steps.map(\.idempotencyKey))
            #expect(keys.count == 11 && run.steps.allSatisfy { $0.idempotencyKey == "\(runID):\($0.name)" })
            // The pull ran once (before the kills): every contact stored once.
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_prospects WHERE record LIKE '%activecampaign:%'") == 300)
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_activities WHERE kind = 'imported' AND record LIKE '%activecampaign%'") == 300)
            // Every group merged once: as many merges as the dry run found, each record in one.
            #expect(try await Self.count(workspace, "SELECT COUNT(*) FROM sales_merges") == expected)
            let merged = try await Self.count(workspace, "SELECT COUNT(*) FROM sales_activities WHERE kind = 'merged'")
            #expect(merged == expected)
            let gone = before + 300 - (try await Self.count(workspace, "SELECT COUNT(*) FROM sales_prospects"))
            #expect(gone >= expected, "each merge removed its merged records, once")
            let rescored = try await CLI.run(workspace.args("prospects", "score", "--json"), timeout: 120)
            #expect(try CLI.decode(JSONView.self, rescored.stdout)["changed"] == .number(0), "the resumed rescore scored every prospect: \(rescored)")
            let again = try await CLI.run(workspace.args("prospects", "dedupe", "--dry-run", "--json"), timeout: 120)
            #expect(try CLI.decode([JSONView].self, again.stdout).isEmpty, "no duplicate is left")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }
}
