import Foundation
import NightshiftApp
import NightshiftCore
import NightshiftTesting
import Testing

@Suite("Health: what prune_history keeps")
struct HealthRetentionTests {
    @Test("prune_history keeps the learner's events for its 56-day lookback while it prunes samples past 30 days")
    func eventsOutliveTheSampleRetention() async throws {
        let now = ISO8601.parse("2026-11-21T12:00:00Z")!
        let (app, folder) = try await GateStructureTests.builderApp(clock: TestClock(now: now))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }
        try await app.store.insertSamples([
            MetricSample(metric: "disk_used_percent", value: 40, at: daysAgo(40)),
            MetricSample(metric: "disk_used_percent", value: 41, at: daysAgo(10)),
        ])
        for days in [60.0, 40, 10] {
            try await app.store.insertEvent(ObservedEvent(kind: .request, name: "weekly report", at: daysAgo(days)))
        }
        let outcomes = try await app.applyHealthFixes(dryRun: false, only: [.pruneHistory], at: now)
        #expect(outcomes.map(\.status) == [.done], "\(outcomes.map(\.detail))")
        #expect(outcomes.first?.fix.summary.contains("events older than 56 days") == true, "\(outcomes.first?.fix.summary ?? "")")
        let samples = try await app.store.samples(SampleQuery(limit: 10)).map(\.at)
        #expect(samples == [daysAgo(10)], "samples past 30 days go")
        let events = try await app.store.events(EventQuery(limit: 10)).map(\.at).sorted()
        #expect(events == [daysAgo(40), daysAgo(10)], "events within the learner's 56 days stay, older ones go")
    }
}
