import Foundation
import NightshiftApp
import NightshiftCore
import NightshiftTesting
import Testing

@Suite("Success metrics in the brief: the week's on Mondays, the month's on the first")
struct MetricsBriefTests {
    @Test("Monday's brief has the week's metrics, the first of the month's the month's, a Wednesday's neither", arguments: [
        ("2026-11-30T07:00:00Z", ["metrics_week"]),
        ("2026-12-01T07:00:00Z", ["metrics_month"]),
        ("2026-12-02T07:00:00Z", [String]()),
    ])
    func metricsSections(at: String, expected: [String]) async throws {
        let now = ISO8601.parse(at)!
        let (app, folder) = try await GateStructureTests.builderApp(clock: TestClock(now: now))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let brief = try await app.brief(since: now.addingTimeInterval(-86_400), until: now)
        let ids = brief.sections.map(\.id).filter { $0.hasPrefix("metrics_") }
        #expect(ids == expected)
        if let section = brief.sections.first(where: { $0.id.hasPrefix("metrics_") }) {
            #expect(section.lines.contains { $0.hasPrefix("builds completed: 0") }, "\(section.lines)")
        }
    }
}
