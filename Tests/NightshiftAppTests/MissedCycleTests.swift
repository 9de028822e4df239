import Foundation
import Logging
import NightshiftApp
import NightshiftCore
import NightshiftTesting
import Testing

@Suite("Missed cycle at daemon start")
struct MissedCycleTests {
    static let config = """
        [workspace]
        time_zone = "UTC"

        [cycles.nightly]
        schedule = "0 2 * * *"

        [[cycles.nightly.steps]]
        name = "backup"
        run = { command = "echo \\"$NIGHTSHIFT_STEP $NIGHTSHIFT_VARIANT\\" >> steps.txt" }
        condensed = true
        [[cycles.nightly.steps]]
        name = "index"
        run = { command = "echo \\"$NIGHTSHIFT_STEP $NIGHTSHIFT_VARIANT\\" >> steps.txt" }
        [[cycles.nightly.steps]]
        name = "digest"
        run = { command = "echo \\"$NIGHTSHIFT_STEP $NIGHTSHIFT_VARIANT\\" >> steps.txt" }
        condensed = true
        [[cycles.nightly.steps]]
        name = "cleanup"
        run = { command = "echo \\"$NIGHTSHIFT_STEP $NIGHTSHIFT_VARIANT\\" >> steps.txt" }
        """

    @Test("a daemon started 5 hours after the slot runs the condensed steps first, then the rest, and says the cycle was missed")
    func condensedCatchUp() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-missed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(Self.config.utf8).write(to: URL(fileURLWithPath: "\(folder)/nightshift.toml"))
        let workspace = Workspace(root: folder)
        // The daemon last ran at 01:00, an hour before the nightly slot; it comes back at 07:00.
        let store = try StoreFactory.open(workspace)
        try await store.migrate()
        try await store.syncJobs(["nightly"], at: ISO8601.parse("2026-11-20T01:00:00Z")!)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let clock = TestClock(now: ISO8601.parse("2026-11-20T07:00:00Z")!)
        let app = try await buildApplication(workspace: workspace, environment: ProcessInfo.processInfo.environment, clock: clock, logger: logger)
        let daemon = Task { try await app.serve() }
        defer { daemon.cancel() }

        // Long enough for a loaded machine (the full suite on 2 cores); the loop ends when the runs do.
        let deadline = Date().addingTimeInterval(240)
        var runs: [CycleRunRecord] = []
        while Date() < deadline {
            runs = try await app.store.cycleRuns(cycle: "nightly", tenant: nil, states: [], limit: 10)
            let jobRuns = try await app.store.runs(RunQuery(job: "nightly"))
            if runs.count == 2, runs.allSatisfy({ $0.state.isFinal }), jobRuns.allSatisfy({ $0.state.isFinal }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        daemon.cancel()
        _ = try? await daemon.value

        #expect(runs.map(\.state) == [.succeeded, .succeeded], "\(runs)")
        #expect(Set(runs.map(\.variant)) == [.condensed, .remainder])
        #expect(runs.allSatisfy { $0.trigger == .catchup && $0.slot == ISO8601.parse("2026-11-20T02:00:00Z")! })
        let lines = try String(contentsOfFile: "\(folder)/steps.txt", encoding: .utf8).split(separator: "\n")
        #expect(lines == ["backup condensed", "digest condensed", "index remainder", "cleanup remainder"])
        let report = try String(contentsOfFile: "\(folder)/reports/cycles/nightly-2026-11-20.md", encoding: .utf8)
        #expect(report.contains("Nightly cycle missed — running catch-up now."))
        let json = try String(contentsOfFile: "\(folder)/reports/cycles/nightly-2026-11-20.json", encoding: .utf8)
        #expect(json.contains("\"notice\":\"Nightly cycle missed — running catch-up now.\""))
        let journal = try String(contentsOfFile: "\(folder)/journal/2026-11-20.md", encoding: .utf8)
        #expect(journal.contains("Nightly cycle missed — running catch-up now."))
        let jobRuns = try await app.store.runs(RunQuery(job: "nightly"))
        #expect(jobRuns.map(\.trigger) == [.catchup])
        #expect(jobRuns.map(\.state) == [.succeeded])
    }
}
