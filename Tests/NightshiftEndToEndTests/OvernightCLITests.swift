import Foundation
import Testing

/// `nightshift overnight …` on the builder example, seeded by its own `bin/seed-queue.sh`: a whole
/// night of real sub-agents (the example's harmless `bin/agent.sh`) through the example's policy.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct OvernightCLITests {
    /// What the example night must come to, in the report from the store and in the written file.
    func expectExampleNight(_ report: OvernightReportInfo, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let completed = report.completed.map(\.id)
        #expect(completed.count == 3 && Set(completed) == BuilderExample.completed, "\(label): \(report.completed)", sourceLocation: sourceLocation)
        if let fix = completed.firstIndex(of: "fix-login"), let doc = completed.firstIndex(of: "doc-login") {
            #expect(fix < doc, "\(label): doc-login depends on fix-login, so it finished later: \(completed)", sourceLocation: sourceLocation)
        }
        #expect(report.completed.allSatisfy { $0.state == "succeeded" && $0.attempts == 1 }, "\(label): \(report.completed)", sourceLocation: sourceLocation)
        #expect(report.failed.map(\.id) == [BuilderExample.failed], "\(label): \(report.failed)", sourceLocation: sourceLocation)
        let note = report.failed.first?.note ?? ""
        #expect(note.contains("verification failed") && note.contains("test -f work/does-not-exist.md"), "\(label): \(note)", sourceLocation: sourceLocation)
        #expect(report.awaitingApproval.map(\.id) == [BuilderExample.parked], "\(label): \(report.awaitingApproval)", sourceLocation: sourceLocation)
        #expect(report.inProgress.isEmpty, "\(label): \(report.inProgress)", sourceLocation: sourceLocation)
        #expect(report.hoursShipped == BuilderExample.hoursShipped, "\(label)", sourceLocation: sourceLocation)
    }

    @Test("a seeded night: start exits 0, writes reports/overnight/DAY.json and .md, and report, brief, the spawn log and the cycle history agree")
    func seededNight() async throws {
        try await withWorkspace { workspace in
            let began = Date()
            try await workspace.initializeBuilderExample()
            try await workspace.seedExampleQueue()
            #expect(try await workspace.allTasks().count == 5)
            let (cycle, start) = try await workspace.startOvernight()
            let ended = Date()
            #expect(start.status == 0, "the cycle succeeded, although one task failed: \(start)")
            #expect(cycle.cycle == "overnight" && cycle.state == "succeeded" && cycle.trigger == "manual", "\(start)")
            #expect(cycle.steps.map(\.name) == ["scan", "fix", "prebuild", "schedule", "builds", "report"])
            #expect(cycle.steps.allSatisfy { $0.state == "succeeded" }, "\(start)")

            // The report step wrote the night's files, named after the day it ran (UTC).
            let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(workspace.root)/reports/overnight")) ?? []
            let day = try #require(
                [UTCClock.day(began), UTCClock.day(ended)].first { files.contains("\($0).json") && files.contains("\($0).md") },
                "reports/overnight/ holds \(files)"
            )
            let written = try CLI.decode(OvernightReportInfo.self, try #require(workspace.read("reports/overnight/\(day).json")))
            #expect(written.date == day)
            let markdown = try #require(workspace.read("reports/overnight/\(day).md"))
            #expect(markdown.hasPrefix("# Overnight report \(day)"), "\(markdown)")

            // A report counts from the window's last opening (23:00 UTC). If one passed while the
            // test ran, the night began before it: the written report covers only its end, and
            // the report is asked for from the test's start.
            if !UTCClock.windowOpened(between: began, and: ended) {
                expectExampleNight(written, "reports/overnight/\(day).json")
                for id in BuilderExample.completed.union([BuilderExample.failed, BuilderExample.parked]) {
                    #expect(markdown.contains("- \(id) "), "the Markdown report lists \(id): \(markdown)")
                }
            }
            var report = try await workspace.overnightReport()
            let crossed = UTCClock.windowOpened(between: began, and: Date())
            if crossed { report = try await workspace.overnightReport(since: began) }
            expectExampleNight(report, "overnight report --json")
            let parked = try await workspace.task(BuilderExample.parked)
            let actionID = try #require(parked.actionId, "\(parked)")
            #expect(report.awaitingApproval.first?.note?.contains("nightshift approvals approve \(actionID)") == true, "\(report.awaitingApproval)")

            let brief = try await CLI.run(workspace.args("overnight", "brief"))
            if !UTCClock.windowOpened(between: began, and: Date()) {
                #expect(brief.status == 0, "\(brief)")
                #expect(brief.stdout.hasPrefix("What shipped overnight ("), "\(brief)")
                for id in BuilderExample.completed { #expect(brief.stdout.contains("✓ \(id) "), "\(id): \(brief)") }
                #expect(brief.stdout.contains("✗ tidy-build Tidy the build scripts: the agent exited 0 but verification failed"), "\(brief)")
                #expect(brief.stdout.contains("? csv-export Add CSV export: awaiting approval: nightshift approvals approve \(actionID)"), "\(brief)")
                #expect(brief.stdout.contains("Hours shipped: 4 h"), "\(brief)")
            }

            // Each agent that ran has one start and one end line, in that order, with the same pid.
            let log = try workspace.spawnLog()
            let started = Set(log.map(\.task))
            #expect(started == BuilderExample.completed.union([BuilderExample.failed]), "a parked task never starts: \(log)")
            for task in started {
                let lines = log.filter { $0.task == task }
                #expect(lines.map(\.event) == ["start", "end"], "\(task): \(lines)")
                guard lines.count == 2 else { continue }
                #expect(lines[0].pid != nil && lines[0].pid == lines[1].pid && lines[0].attempt == 1 && lines[1].attempt == 1, "\(task): \(lines)")
                #expect(lines[1].exit == 0 && lines[1].end != nil, "\(task)'s agent exits 0 (even tidy-build's: its verify fails): \(lines)")
                #expect(lines[1].log.hasSuffix("logs/subagents/\(task).log"), "\(lines)")
            }
            if let fixEnd = log.first(where: { $0.task == "fix-login" && $0.event == "end" })?.end,
               let docStart = log.first(where: { $0.task == "doc-login" && $0.event == "start" })?.start {
                #expect(try parseISO8601(docStart) >= parseISO8601(fixEnd), "doc-login starts after fix-login ended: \(log)")
            }

            let history = try await CLI.json([CycleRunInfo].self, workspace.args("cycles", "history", "overnight"))
            #expect(history.map(\.id) == [cycle.id], "\(history.map(\.id))")
            #expect(history.first?.state == "succeeded" && history.first?.steps.count == 6)

            // --write writes the files again from the store.
            try FileManager.default.removeItem(atPath: "\(workspace.root)/reports/overnight")
            let rewritten = try await CLI.json(
                OvernightReportInfo.self, workspace.args("overnight", "report", "--write", "--since", ISO8601DateFormatter().string(from: began))
            )
            #expect(workspace.exists("reports/overnight/\(rewritten.date).json") && workspace.exists("reports/overnight/\(rewritten.date).md"))
            expectExampleNight(rewritten, "overnight report --write --since")
        }
    }

    @Test("approving csv-export's parked spawn builds it at once; the next overnight start asks nothing again")
    func approvedTaskShipsOnTheNextNight() async throws {
        try await withWorkspace { workspace in
            let began = Date()
            _ = try await workspace.runExampleNight()
            let parked = try await workspace.task(BuilderExample.parked)
            #expect(parked.state == "awaiting_approval", "\(parked)")
            let actionID = try #require(parked.actionId, "\(parked)")
            let approved = try await CLI.run(workspace.args("approvals", "approve", actionID))
            #expect(approved.status == 0, "\(approved)")
            #expect(try await workspace.task(BuilderExample.parked).state == "succeeded", "approving executed the spawn")

            let (second, result) = try await workspace.startOvernight()
            #expect(result.status == 0 && second.state == "succeeded", "\(result)")
            let task = try await workspace.task(BuilderExample.parked)
            #expect(task.state == "succeeded" && task.attempts == 1, "the approved spawn ran once: \(task)")
            let waiting = try await workspace.approvals()
            #expect(waiting.isEmpty, "the approval was used, not asked for again: \(waiting)")
            let report = try await workspace.overnightReport(since: began)
            #expect(report.completed.map(\.id).contains(BuilderExample.parked) && report.awaitingApproval.isEmpty, "\(report.completed) \(report.awaitingApproval)")
            #expect(report.hoursShipped == BuilderExample.hoursShipped + 4)
            #expect(try workspace.spawnLog().filter { $0.task == BuilderExample.parked }.map(\.event) == ["start", "end"])
        }
    }

    @Test("is-overnight exits 0 inside 23:00–07:00 UTC and 1 outside; an unknown step exits 2; a workspace without [builder] exits 2")
    func isOvernightAndBadSteps() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilderExample()
            let before = Date()
            let result = try await CLI.run(workspace.args("overnight", "is-overnight"))
            let after = Date()
            #expect(result.status == 0 || result.status == 1, "\(result)")
            let open = UTCClock.isOvernight(before)
            if open == UTCClock.isOvernight(after) {
                #expect(result.status == (open ? 0 : 1), "now is \(before): \(result)")
                let prefix = open ? "yes: the overnight window is open until " : "no: the overnight window opens at "
                #expect(result.stdout.hasPrefix(prefix), "\(result)")
                let stamp = result.stdout.dropFirst(prefix.count).trimmingCharacters(in: .whitespacesAndNewlines)
                let expected = UTCClock.calendar.nextDate(
                    after: before, matching: DateComponents(hour: open ? BuilderExample.windowClosesAtHour : BuilderExample.windowOpensAtHour, minute: 0, second: 0),
                    matchingPolicy: .strict
                )
                #expect(try parseISO8601(stamp) == expected, "\(result)")
            }

            let step = try await CLI.run(workspace.args("overnight", "step", "nope"))
            #expect(step.status == 2, "\(step)")
            #expect(step.stderr.contains("no overnight step \"nope\"; the steps are scan, fix, prebuild, schedule, builds, report"), "\(step)")
            let scan = try await CLI.run(workspace.args("overnight", "step", "scan"))
            #expect(scan.status == 0 && scan.stdout.contains(#"NIGHTSHIFT_OUTPUT {"escalated":[],"open":[],"resolved":[]}"#), "\(scan)")

            try workspace.write(config: "[workspace]\ntime_zone = \"UTC\"\n")
            for verb in [["start"], ["is-overnight"], ["report"]] {
                let refused = try await CLI.run(["overnight"] + verb + ["-w", workspace.root])
                #expect(refused.status == 2 && refused.stderr.contains("has no [builder] table"), "\(verb): \(refused)")
            }
        }
    }
}
