import Foundation
import Testing

/// `nightshift health …` on a real workspace: fixes on real files, their audit, `--dry-run`, a
/// forbidding policy, and a critical disk escalated to a real webhook.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct HealthCLITests {
    struct FixView: Decodable {
        var fix: String
        var actionType: String
        var status: String
        var actionId: String?
        var paths: [String]
    }

    struct FixReport: Decodable {
        var dryRun: Bool
        var fixes: [FixView]
    }

    struct ProblemView: Decodable {
        var key: String
        var severity: String
        var summary: String
        var fix: String?
        var resolvedAt: String?
        var resolution: String?
        var escalatedAt: String?
    }

    struct ScanView: Decodable {
        var open: [ProblemView]
        var resolved: [ProblemView]
        var escalated: [String]
    }

    /// Old, large, fresh and almost-old log files; returns their paths relative to the workspace.
    static func seedLogs(_ workspace: TestWorkspace) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: "\(workspace.root)/logs/runs", withIntermediateDirectories: true)
        func file(_ path: String, bytes: Int, daysOld: Double) throws {
            let full = "\(workspace.root)/\(path)"
            let line = Data("a log line that repeats and compresses well\n".utf8)
            var data = Data()
            while data.count < bytes { data.append(line) }
            try data.prefix(bytes).write(to: URL(fileURLWithPath: full))
            try manager.setAttributes([.modificationDate: Date().addingTimeInterval(-daysOld * 86_400)], ofItemAtPath: full)
        }
        try file("logs/old.log", bytes: 2000, daysOld: 40)
        try file("logs/runs/r_old.log", bytes: 500, daysOld: 31)
        try file("logs/big.log", bytes: 11 * 1_048_576, daysOld: 0)
        try file("logs/fresh.log", bytes: 100, daysOld: 0)
        try file("logs/almost.log", bytes: 100, daysOld: 29)
        try file("logs/old-but-small-enough-to-keep-if-young.txt", bytes: 10, daysOld: 1)
    }

    /// Every file under logs/ with its size and modification time.
    static func inventory(_ workspace: TestWorkspace) -> [String: String] {
        var files: [String: String] = [:]
        let root = "\(workspace.root)/logs"
        for relative in FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }) ?? [] {
            let attributes = try? FileManager.default.attributesOfItem(atPath: "\(root)/\(relative)")
            guard attributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            files[relative] = "\(attributes?[.size] ?? 0) \((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        }
        return files
    }

    @Test("health fix deletes exactly the old logs and gzips exactly the large one, each through the gate and in the audit; --dry-run changes nothing")
    func fixesTouchExactlyTheRightFiles() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            try Self.seedLogs(workspace)
            let before = Self.inventory(workspace)
            let auditBefore = try await workspace.audit().count

            let planned = try await CLI.json(FixReport.self, workspace.args("health", "fix", "--dry-run"))
            #expect(planned.dryRun)
            let byFix = Dictionary(uniqueKeysWithValues: planned.fixes.map { ($0.fix, $0) })
            #expect(byFix["delete_old_logs"]?.paths == ["logs/old.log", "logs/runs/r_old.log"], "\(planned.fixes)")
            #expect(byFix["rotate_large_logs"]?.paths == ["logs/big.log"], "\(planned.fixes)")
            #expect(byFix["optimize_store"] != nil)
            #expect(planned.fixes.allSatisfy { $0.status == "planned" && $0.actionId == nil }, "\(planned.fixes)")
            #expect(Self.inventory(workspace) == before, "--dry-run touched no file")
            #expect(try await workspace.audit().count == auditBefore, "--dry-run proposed nothing")

            let done = try await CLI.json(FixReport.self, workspace.args("health", "fix"))
            #expect(!done.dryRun && done.fixes.allSatisfy { $0.status == "done" }, "\(done.fixes)")
            let after = Self.inventory(workspace)
            #expect(after["old.log"] == nil && after["runs/r_old.log"] == nil, "the old logs are gone: \(after.keys.sorted())")
            #expect(after["fresh.log"] == before["fresh.log"] && after["almost.log"] == before["almost.log"], "young logs are untouched")
            #expect(after["old-but-small-enough-to-keep-if-young.txt"] == before["old-but-small-enough-to-keep-if-young.txt"])
            #expect(after["big.log"]?.hasPrefix("0 ") == true, "the large log was truncated in place: \(String(describing: after["big.log"]))")
            let gzipped = try #require(after["big.log.gz"], "big.log.gz exists: \(after.keys.sorted())")
            #expect((Int(gzipped.split(separator: " ")[0]) ?? .max) < 1_048_576, "it compressed: \(gzipped)")
            let unzipped = try await CLI.runProgram("/bin/sh", ["-c", "gzip -dc \"$0\" | wc -c", "\(workspace.root)/logs/big.log.gz"], environment: CLI.environment(), timeout: 30)
            #expect(unzipped.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(11 * 1_048_576), "\(unzipped)")
            #expect(Set(after.keys) == Set(["big.log", "big.log.gz", "fresh.log", "almost.log", "old-but-small-enough-to-keep-if-young.txt"]))

            let trail = try await workspace.audit(["--type", "decision"])
            let health = trail.filter { $0.actor == "pack:health" }
            for fix in done.fixes {
                let id = try #require(fix.actionId)
                #expect(health.contains { $0.subject == id }, "decision of \(fix.fix) is audited")
            }
            let executions = try await workspace.audit(["--type", "execution"]).filter { $0.actor == "pack:health" }
            #expect(Set(executions.map(\.subject)) == Set(done.fixes.compactMap(\.actionId)), "each fix's execution is audited")

            let again = try await CLI.json(FixReport.self, workspace.args("health", "fix"))
            #expect(again.fixes.map(\.fix) == ["optimize_store"], "nothing left to delete or rotate: \(again.fixes)")
        }
    }

    @Test("a policy that forbids delete_log is obeyed: the old logs stay, the decision is recorded forbidden, rotate_log still runs")
    func forbiddingPolicyIsObeyed() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"

                [policy.catalog]
                delete_log = "hard_stop"
                """)
            try Self.seedLogs(workspace)
            let result = try await CLI.run(workspace.args("health", "fix", "--json"))
            #expect(result.status == 0, "\(result)")
            let report = try CLI.decode(FixReport.self, result.stdout)
            let delete = try #require(report.fixes.first { $0.fix == "delete_old_logs" })
            #expect(delete.status == "forbidden", "\(report.fixes)")
            #expect(FileManager.default.fileExists(atPath: "\(workspace.root)/logs/old.log"), "a forbidden fix deletes nothing")
            #expect(FileManager.default.fileExists(atPath: "\(workspace.root)/logs/runs/r_old.log"))
            #expect(report.fixes.first { $0.fix == "rotate_large_logs" }?.status == "done")
            let decision = try #require(try await workspace.audit(["--type", "decision"]).first { $0.subject == delete.actionId })
            #expect(decision.data.description.contains("forbid"), "\(decision.data)")
            #expect(try await workspace.audit(["--type", "execution"]).allSatisfy { $0.subject != delete.actionId }, "never executed")
            let open = try await CLI.json([ProblemView].self, workspace.args("health", "list"))
            #expect(open.map(\.key) == ["logs.old"], "the old logs are still a problem: \(open)")

            let dry = try await CLI.json(FixReport.self, workspace.args("health", "fix", "--dry-run"))
            #expect(dry.fixes.first { $0.fix == "delete_old_logs" }.map { _ in true } == true)
        }
    }

    @Test("a critical disk opens a problem, reaches the webhook notifier once, and resolves when the disk clears; metrics keep the samples")
    func criticalDiskIsEscalatedAndResolves() async throws {
        try await withWorkspace { workspace in
            let server = try RequestRecorder(logPath: "\(workspace.base)/requests.jsonl")
            defer { server.stop() }
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"

                [notifiers.ops]
                webhook = "\(server.url)"
                """)
            let full = ["NIGHTSHIFT_RESOURCE_USAGE": "95,40"]
            let first = try CLI.decode(ScanView.self, try await CLI.run(workspace.args("health", "scan", "--json"), environment: full).stdout)
            let disk = try #require(first.open.first { $0.key == "disk.usage" }, "\(first)")
            #expect(disk.severity == "critical" && disk.summary == "disk 95.0 % used (critical above 90 %)" && disk.fix == nil)
            #expect(first.escalated.count == 1)
            try await waitUntil("the webhook received the escalation", timeout: 10) { try server.requests().count == 1 }
            #expect(try server.requests().first?.body.contains("disk 95.0 % used") == true)

            let second = try CLI.decode(ScanView.self, try await CLI.run(workspace.args("health", "scan", "--json"), environment: full).stdout)
            #expect(second.escalated.isEmpty && second.open.map(\.key) == ["disk.usage"], "escalated once: \(second)")
            #expect(try server.requests().count == 1)

            let text = try await CLI.run(workspace.args("health", "scan"), environment: ["NIGHTSHIFT_RESOURCE_USAGE": "50,40"])
            #expect(text.status == 0 && text.stdout.contains("resolved  disk.usage"), "\(text)")
            let all = try await CLI.json([ProblemView].self, workspace.args("health", "list", "--all"))
            #expect(all.count == 1 && all.first?.resolution == "cleared" && all.first?.resolvedAt != nil, "\(all)")
            #expect(try await CLI.json([ProblemView].self, workspace.args("health", "list")).isEmpty)

            struct SampleView: Decodable {
                var metric: String
                var value: Double
            }
            let samples = try await CLI.json([SampleView].self, workspace.args("health", "metrics", "--since", "1h"))
            #expect(samples.filter { $0.metric == "disk.used_percent" }.map(\.value) == [95, 95, 50], "\(samples.count) samples")
            #expect(samples.contains { $0.metric == "store.bytes" && $0.value > 0 })
            let bad = try await CLI.run(workspace.args("health", "metrics", "--since", "yesterday"))
            #expect(bad.status == 2 && bad.stderr.contains("--since"), "\(bad)")

            let brief = try await CLI.run(workspace.args("brief", "--since", "1h", "--no-save"))
            #expect(!brief.stdout.contains("Health problems"), "a resolved problem is not in the brief: \(brief)")
        }
    }

    @Test("with no notifier configured a critical problem is not claimed sent: the scan says so, and once a notifier is added the next scan sends it")
    func noNotifierIsNotSent() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"
                """)
            let full = ["NIGHTSHIFT_RESOURCE_USAGE": "95,40"]
            let text = try await CLI.run(workspace.args("health", "scan"), environment: full)
            #expect(text.status == 0, "\(text)")
            #expect(!text.stdout.contains("Sent to the notifiers"), "\(text)")
            #expect(text.stdout.contains("Not sent, no notifier is configured ([[notifiers]] in nightshift.toml): disk.usage"), "\(text)")

            let server = try RequestRecorder(logPath: "\(workspace.base)/requests.jsonl")
            defer { server.stop() }
            let config = try #require(workspace.read("nightshift.toml"))
            try workspace.write(config: config + "\n[notifiers.ops]\nwebhook = \"\(server.url)\"\n")
            let next = try CLI.decode(ScanView.self, try await CLI.run(workspace.args("health", "scan", "--json"), environment: full).stdout)
            #expect(next.escalated.count == 1, "the problem nobody was told of goes now: \(next)")
            try await waitUntil("the webhook received the escalation", timeout: 10) { try server.requests().count == 1 }
        }
    }
}
