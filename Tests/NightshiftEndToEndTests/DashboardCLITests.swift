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
