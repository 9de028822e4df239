import Foundation
import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("Scoring: impact over effort, defaults from priority and hours")
struct BuildScoreTests {
    @Test("the score is impact / effort rounded to three decimals", arguments: [
        (8, 2, 4.0), (5, 3, 1.667), (2, 3, 0.667), (10, 7, 1.429), (1, 10, 0.1), (10, 1, 10.0), (7, 9, 0.778),
    ])
    func score(impact: Int, effort: Int, expected: Double) {
        #expect(BuildScore.score(impact: impact, effort: effort) == expected)
    }

    @Test("an effort below 1 counts as 1 rather than dividing by zero", arguments: [0, -3])
    func effortBelowOne(effort: Int) {
        #expect(BuildScore.score(impact: 6, effort: effort) == 6)
    }

    @Test("each priority has its default impact", arguments: [
        (BuildPriority.high, 8), (.medium, 5), (.low, 2),
    ])
    func defaultImpact(priority: BuildPriority, impact: Int) {
        #expect(priority.defaultImpact == impact)
    }

    @Test("a priority is parsed in any case, and anything else is rejected", arguments: [
        ("HIGH", BuildPriority.high), ("high", .high), ("Medium", .medium), ("low", .low), ("urgent", nil), ("", nil),
    ] as [(String, BuildPriority?)])
    func parsePriority(text: String, expected: BuildPriority?) {
        #expect(BuildPriority(parsing: text) == expected)
    }

    @Test("the default effort is one point per hour, rounded up, between 1 and 10", arguments: [
        (0.25, 1), (0.5, 1), (1, 1), (1.01, 2), (1.5, 2), (3, 3), (4.2, 5), (9.5, 10), (10, 10), (24, 10), (168, 10),
    ] as [(Double, Int)])
    func defaultEffort(hours: Double, effort: Int) {
        #expect(BuildScore.defaultEffort(hours: hours) == effort)
    }

    @Test("a task without builder attributes reads as MEDIUM, impact 5, effort from its hours")
    func attributesDefault() {
        let task = builderTask("t", hours: 2.5)
        #expect(task.priority == .medium)
        #expect(task.impact == 5)
        #expect(task.effort == 3)
        #expect(task.verify == nil)
    }

    @Test("a task's builder attributes are read back, integers or not")
    func attributesRead() {
        var task = builderTask("t", hours: 2.5)
        task.attributes = ["priority": .string("low"), "impact": .integer(9), "effort": .number(4), "verify": .string("swift test")]
        #expect(task.priority == .low)
        #expect(task.impact == 9)
        #expect(task.effort == 4)
        #expect(task.verify == "swift test")
    }

    @Test("queue add scores a task from its priority, hours and overrides", arguments: [
        (BuildPriority.high, 2.0, nil, nil, 4.0),  // 8 / 2
        (.medium, 3.0, nil, nil, 1.667),  // 5 / 3
        (.low, 0.5, nil, nil, 2.0),  // 2 / 1
        (.low, 12.0, nil, nil, 0.2),  // 2 / 10
        (.medium, 3.0, 9, nil, 3.0),  // 9 / 3
        (.high, 6.0, nil, 1, 8.0),  // 8 / 1
        (.high, 6.0, 7, 3, 2.333),  // 7 / 3
    ] as [(BuildPriority, Double, Int?, Int?, Double)])
    func addScores(priority: BuildPriority, hours: Double, impact: Int?, effort: Int?, score: Double) async throws {
        let (queue, _) = memoryQueue()
        let task = try await queue.add(
            .init(title: "Work", hours: hours, category: "Bug fixes", priority: priority, impact: impact, effort: effort), at: local(2026, 3, 4, 9)
        )
        #expect(task.score == score)
        #expect(task.priority == priority)
        #expect(task.impact == impact ?? priority.defaultImpact)
        #expect(task.effort == effort ?? BuildScore.defaultEffort(hours: hours))
    }

    @Test("ready tasks run by score, highest first, then the older first, then by id")
    func readyOrdering() {
        let early = local(2026, 3, 1, 8), late = local(2026, 3, 2, 8)
        let tasks = [
            builderTask("low", score: 0.5, createdAt: early),
            builderTask("tie-new", score: 2, createdAt: late),
            builderTask("top", score: 4, createdAt: late),
            builderTask("tie-old", score: 2, createdAt: early),
            builderTask("tie-old-b", score: 2, createdAt: early),
            builderTask("scheduled", score: 1, state: .scheduled, createdAt: early),
        ]
        #expect(BuildQueue.ready(tasks).map(\.id) == ["top", "tie-old", "tie-old-b", "tie-new", "scheduled", "low"])
    }

    @Test("only queued or scheduled tasks whose dependencies all succeeded are ready")
    func readyFilter() {
        let tasks = [
            builderTask("done", score: 9, state: .succeeded),
            builderTask("after-done", score: 1, dependsOn: ["done"]),
            builderTask("after-open", score: 8, dependsOn: ["open"]),
            builderTask("open", score: 2),
            builderTask("after-missing", score: 7, dependsOn: ["nowhere"]),
            builderTask("blocked", score: 6, state: .blocked),
            builderTask("running", score: 6, state: .running),
            builderTask("parked", score: 6, state: .awaitingApproval),
            builderTask("failed", score: 6, state: .failed),
            builderTask("cancelled", score: 6, state: .cancelled),
        ]
        #expect(BuildQueue.ready(tasks).map(\.id) == ["open", "after-done"])
    }
}
