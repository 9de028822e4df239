import Foundation
@testable import NightshiftApp
import NightshiftCore
import Testing

/// What the learners read from a store: derived timings, failures and manual runs, and the
/// commands and job blocks made from requests.
@Suite("Learning history")
struct LearningHistoryTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("job runs and cycle steps become timings and failures; jobs run runs of declared jobs are manual runs; logged events count too")
    func derivesOperations() async throws {
        let store = MemoryStore()
        let now = Self.now
        func run(_ job: String, _ state: RunState, trigger: RunTrigger = .schedule, manual: Bool = false, minutesAgo: Double, seconds: Double, error: String? = nil) -> RunRecord {
            let start = now.addingTimeInterval(-minutesAgo * 60)
            let id = RunID.make(now: start)
            return RunRecord(
                id: id, job: job, slot: start, slotKey: manual ? "manual:\(id)" : nil, trigger: trigger, state: state, createdAt: start,
                startedAt: start, finishedAt: start.addingTimeInterval(seconds), error: error)
        }
        let runs = [
            run("backup", .succeeded, minutesAgo: 50, seconds: 2),
            run("backup", .failed, minutesAgo: 40, seconds: 1.5, error: "exited with status 3"),
            run("backup", .succeeded, trigger: .manual, manual: true, minutesAgo: 30, seconds: 3),
            run("retired", .failed, minutesAgo: 20, seconds: 1, error: "gone"),
            run("backup", .skipped, minutesAgo: 10, seconds: 0),
            run("run_command", .succeeded, trigger: .manual, minutesAgo: 5, seconds: 1),
        ]
        for record in runs { #expect(try await store.insertRun(record)) }
        let cycleRun = CycleRunRecord(cycle: "nightly", slot: now.addingTimeInterval(-3600), trigger: .schedule, state: .failed, createdAt: now.addingTimeInterval(-3600))
        let stepStart = now.addingTimeInterval(-3500)
        #expect(try await store.insertCycleRun(cycleRun, steps: [
            StepRecord(cycleRunID: cycleRun.id, index: 0, name: "scan", state: .succeeded, attempt: 1, startedAt: stepStart, finishedAt: stepStart.addingTimeInterval(0.25)),
            StepRecord(cycleRunID: cycleRun.id, index: 1, name: "fix", state: .failed, attempt: 1, startedAt: stepStart, finishedAt: stepStart.addingTimeInterval(4), error: "no fixer"),
            StepRecord(cycleRunID: cycleRun.id, index: 2, name: "report", state: .skipped),
        ]))
        try await store.insertEvent(ObservedEvent(kind: .timing, name: "sync.mail", at: now.addingTimeInterval(-60), value: 7200))
        try await store.insertEvent(ObservedEvent(kind: .failure, name: "sync.mail", at: now.addingTimeInterval(-30), data: .object(["error": .string("timeout")])))
        try await store.insertEvent(ObservedEvent(kind: .timing, name: "late", at: now.addingTimeInterval(60), value: 1))

        let history = try await LearningHistory.operations(in: store, jobs: ["backup"], now: now)
        let timings = history.timings.map { "\($0.operation)=\(Int($0.milliseconds))" }.sorted()
        #expect(timings == ["cycle:nightly/fix=4000", "cycle:nightly/scan=250", "job:backup=1500", "job:backup=2000", "job:backup=3000", "sync.mail=7200"])
        let failures = history.failures.map { "\($0.operation): \($0.error)" }.sorted()
        #expect(failures == ["cycle:nightly/fix: no fixer", "job:backup: exited with status 3", "sync.mail: timeout"])
        #expect(history.failures.first { $0.operation == "job:backup" }?.runID == runs[1].id)
        #expect(history.failures.first { $0.operation == "cycle:nightly/fix" }?.runID == cycleRun.id)
        #expect(history.manualRuns.map(\.runID) == [runs[2].id], "only jobs run runs of declared jobs")
    }

    @Test("a request's command is a string (sh -c) or an array of strings; the newest one with a command wins")
    func commands() {
        #expect(PrebuildCommand(meta: .object(["command": .string("make all")])) == .shell("make all"))
        #expect(PrebuildCommand(meta: .object(["command": .array([.string("a"), .string("b c")])])) == .argv(["a", "b c"]))
        for bad: JSONValue in [.integer(1), .array([]), .array([.string("a"), .integer(2)]), .string("")] {
            #expect(PrebuildCommand(meta: .object(["command": bad])) == nil)
            #expect(PrebuildCommand.isMalformed(.object(["command": bad])))
        }
        #expect(!PrebuildCommand.isMalformed(.object(["title": .string("x")])))
        #expect(PrebuildCommand.argv(["a", "b c"]).payload == .object(["command": .array([.string("a"), .string("b c")])]))
        #expect(PrebuildCommand.shell("x").payload == .object(["shell": .string("x")]))

        let at = Self.now
        let events = [
            ObservedEvent(kind: .request, name: "r", at: at, data: .object(["command": .string("old")])),
            ObservedEvent(kind: .request, name: "r", at: at.addingTimeInterval(20), data: nil),
            ObservedEvent(kind: .request, name: "r", at: at.addingTimeInterval(10), data: .object(["command": .string("new")])),
        ]
        #expect(LearningHistory.commands(events) == ["r": .shell("new")])
    }

    @Test("job names and TOML values are escaped so the block always parses")
    func tomlBlocks() throws {
        #expect(PrebuildJobProposal.jobName(for: "job:backup.daily") == "prebuild-job-backup-daily")
        #expect(PrebuildJobProposal.jobName(for: "nba_rankings") == "prebuild-nba_rankings")
        #expect(PrebuildCommand.shell("echo \"a\\b\"\n\t\u{1}").toml == #""echo \"a\\b\"\n\t\u0001""#)
        #expect(PrebuildCommand.argv(["sh", "-c", "x > 'y'"]).toml == #"["sh", "-c", "x > 'y'"]"#)

        let pattern = Pattern(
            name: "job:sync \"mail\"", kind: .dayOfWeek(weekday: 5), occurrences: 8, consistency: 1, confidence: 0.85,
            typicalMinute: 540, firstSeen: Self.now, lastSeen: Self.now)
        let proposal = PrebuildJobProposal(
            pattern: pattern, jobName: PrebuildJobProposal.jobName(for: pattern.name), schedule: try CronExpression(parsing: "0 6 * * 4"),
            timeZone: "Europe/Berlin", command: .argv(["./bin/sync", "--all"]))
        let toml = try #require(proposal.toml)
        _ = try TOMLParser.parse(toml)
        #expect(toml.hasPrefix("[jobs.prebuild-job-sync--mail-]\n"), "\(toml)")
        #expect(proposal.acceptCommand == #"nightshift patterns accept 'job:sync "mail".thu'"#)
    }
}
