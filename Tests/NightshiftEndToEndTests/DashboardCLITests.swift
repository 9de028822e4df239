import Foundation
import Testing

/// `nightshift dashboard`: the builder's state at a glance, from the store as it is.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DashboardCLITests {
    struct DashboardInfo: Decodable {
        struct Context: Decodable {
            var context: String
            var maxConcurrentBuilds: Int
        }
        struct Queue: Decodable {
            var total: Int
            var byState: [String: Int]
        }
        struct Next: Decodable {
            var id: String
        }
        var context: Context
        var queue: Queue
        var next: [Next]
        var approvals: [Next]
    }

    @Test("the example's seeded queue: context, queue totals, next tasks by score, approvals waiting; bad --watch exits 2")
    func dashboardShowsTheQueue() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilderExample()
            try await workspace.seedExampleQueue()
            let text = try await CLI.run(workspace.args("dashboard"))
            #expect(text.status == 0, "\(text)")
            for section in ["NIGHTSHIFT DASHBOARD", "Context: ", "Work intensity: ", "Active builds: 0", "Queue: 5 task(s)", "Next tasks:", "Approvals waiting: none", "Problems: none open"] {
                #expect(text.stdout.contains(section), "\(section) in \(text.stdout)")
            }
            #expect(text.stdout.contains("  - fix-login Fix the flaky login test (1h, score 8)"), "\(text.stdout)")

            let json = try await CLI.json(DashboardInfo.self, workspace.args("dashboard"))
            #expect(json.queue.total == 5 && json.queue.byState["blocked"] == 1, "\(json.queue)")
            #expect(json.next.map(\.id).first == "fix-login" && json.next.count == 3, "\(json.next.map(\.id))")
            #expect(json.approvals.isEmpty && json.context.maxConcurrentBuilds >= 1)

            for bad in [["--watch", "0"], ["--watch", "5", "--json"], ["--watch", "x"]] {
                let refused = try await CLI.run(workspace.args("dashboard") + bad)
                #expect(refused.status == 2, "\(bad): \(refused)")
            }
        }
    }
}

/// `nightshift metrics`: the success metrics against the reference's targets.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct MetricsCLITests {
    struct MetricsInfo: Decodable {
        struct Metric: Decodable {
            var name: String
            var value: Double
            var target: [Double]?
            var met: Bool?
        }
        var period: String
        var metrics: [Metric]
    }

    @Test("after a night of the example's queue: builds and hours shipped counted from the succeeded tasks, targets scaled to the period")
    func metricsCountTheNight() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilderExample()
            try await workspace.seedExampleQueue()
            let worked = try await CLI.run(workspace.args("queue", "work"))
            #expect(worked.stdout.contains("succeeded:"), "\(worked)")
            let succeeded = try await workspace.allTasks().filter { $0.state == "succeeded" }

            let day = try await CLI.json(MetricsInfo.self, workspace.args("metrics", "--period", "day"))
            let byName = Dictionary(day.metrics.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(day.period == "day")
            #expect(byName["builds completed"]?.value == Double(succeeded.count) && byName["builds completed"]?.target == [2, 3], "\(day.metrics)")
            #expect(byName["hours shipped"]?.value == succeeded.map(\.hours).reduce(0, +) && byName["hours shipped"]?.target == [6, 8])
            #expect(byName["builds completed"]?.met == (succeeded.count >= 2))
            #expect(byName["self-improvements"]?.value == 0 && byName["problems auto-fixed"]?.value == 0)

            let week = try await CLI.json(MetricsInfo.self, workspace.args("metrics"))
            #expect(week.period == "week" && week.metrics.first { $0.name == "builds completed" }?.target == [14, 21], "scaled ×7: \(week.metrics)")
            let text = try await CLI.run(workspace.args("metrics", "--period", "month"))
            #expect(text.status == 0 && text.stdout.contains("weekend projects completed: 0  (target 2–4)"), "\(text)")
            let bad = try await CLI.run(workspace.args("metrics", "--period", "year"))
            #expect(bad.status == 2 && bad.stderr.contains("--period must be day, week or month"), "\(bad)")
        }
    }
}
