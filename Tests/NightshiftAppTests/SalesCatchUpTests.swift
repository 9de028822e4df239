import Foundation
import Logging
import NightshiftApp
import NightshiftCore
import NightshiftSales
import NightshiftTesting
import Testing

/// The sales pack's nightly cycle when the machine was off at 02:00: the daemon comes back at 07:30
/// and runs the condensed catch-up (backup, buckets, brief) first, then the rest; the brief says so.
@Suite("Sales nightly catch-up")
struct SalesCatchUpTests {
    @Test("a missed night: backup, buckets and brief run first, then pull … intel; a parked prospect is back; the brief says the cycle was missed")
    func condensedCatchUp() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-sales-missed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("[workspace]\ntime_zone = \"Europe/Berlin\"\n\n[sales]\n".utf8).write(to: URL(fileURLWithPath: "\(folder)/nightshift.toml"))
        try Data("first_name,last_name,email,company\nAna,Ruiz,ana@acme.example,Acme\nAnna,Ruiz,aruiz@acme.example,Acme\nBo,Li,bo@globex.example,Globex\n".utf8)
            .write(to: URL(fileURLWithPath: "\(folder)/p.csv"))
        let workspace = Workspace(root: folder)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        // The last run the store saw was the evening before; the machine comes back Monday 2027-02-01
        // at 07:30 Berlin time, after the 02:00 slot (and the 07:00 deadline).
        let store = try StoreFactory.open(workspace)
        try await store.migrate()
        try await store.syncJobs(["nightly"], at: ISO8601.parse("2027-01-31T20:00:00Z")!)
        let clock = TestClock(now: ISO8601.parse("2027-01-31T20:00:00Z")!)
        let app = try await buildApplication(workspace: workspace, environment: ProcessInfo.processInfo.environment, clock: clock, logger: logger)
        _ = try await app.importProspects(path: "\(folder)/p.csv", mapping: [:], source: nil, skipBad: false)
        let bo = try #require(try await app.listProspects(states: [], limit: 10).first { $0.name == "Bo Li" })
        _ = try await app.parkProspect(bo.id, until: "2027-02", reason: "after the budget")

        clock.advance(to: ISO8601.parse("2027-02-01T06:30:00Z")!)
        let daemon = Task { try await app.serve() }
        defer { daemon.cancel() }
        let deadline = Date().addingTimeInterval(240)
        var runs: [CycleRunRecord] = []
        while Date() < deadline {
            runs = try await app.store.cycleRuns(cycle: "nightly", tenant: nil, states: [], limit: 10)
            if runs.count == 2, runs.allSatisfy({ $0.state.isFinal }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        daemon.cancel()
        _ = try? await daemon.value

        #expect(runs.map(\.state) == [.succeeded, .succeeded], "\(runs)")
        for run in runs { for step in try await app.store.steps(of: run.id) where step.state != .succeeded { Issue.record("\(run.variant) \(step.name): \(step.state) \(step.error ?? "") \(step.output ?? "")") } }
        let condensed = try #require(runs.first { $0.variant == .condensed })
        let remainder = try #require(runs.first { $0.variant == .remainder })
        #expect(condensed.slot == ISO8601.parse("2027-02-01T01:00:00Z")!, "02:00 in Berlin")
        #expect(try await app.store.steps(of: condensed.id).map(\.name) == ["backup", "buckets", "brief"])
        #expect(try await app.store.steps(of: remainder.id).map(\.name) == ["pull", "dedupe", "assess", "research", "groundskeeper", "rescore", "nurture", "intel"])
        #expect(FileManager.default.fileExists(atPath: "\(folder)/backups/2027-02-01.sqlite"))
        #expect(try await app.prospect(bo.id).state == .unengaged, "February's first business day is Monday the 1st")
        let merges = try await (app.store as? any SalesStore)?.merges(tenant: "", survivor: nil) ?? []
        #expect(merges.count == 1, "the remainder's dedupe ran")

        let brief = try await app.brief(since: ISO8601.parse("2027-01-31T20:00:00Z")!, until: clock.now().addingTimeInterval(60))
        let text = brief.sections.flatMap(\.lines).joined(separator: "\n")
        #expect(text.contains("Nightly cycle missed — running catch-up now."), "\(text)")
        #expect(brief.sections.contains { $0.id == "sales_night" } && text.contains("Back: \(bo.id)"), "\(text)")
    }
}
