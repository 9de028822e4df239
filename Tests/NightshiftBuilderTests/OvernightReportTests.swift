import Foundation
import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("Overnight report")
struct OvernightReportTests {
    static let since = local(2026, 3, 4, 23)
    static let until = local(2026, 3, 5, 7)

    /// A task as a night left it.
    static func task(
        _ id: String, _ state: TaskState, hours: Double = 1, title: String? = nil, category: String = "Bug fixes", started: Date? = nil,
        finished: Date? = nil, updated: Date? = nil, error: String? = nil, attempts: Int = 1, log: String? = nil
    ) -> QueueTask {
        var task = builderTask(id, hours: hours, state: state, category: category, createdAt: local(2026, 3, 3, 12))
        task.title = title ?? "Task \(id)"
        task.startedAt = started
        task.finishedAt = finished
        task.updatedAt = updated ?? finished ?? started ?? task.createdAt
        task.lastError = error
        task.attempts = attempts
        if let log { task.result = .object(["log": .string(log), "exit": .integer(0)]) }
        return task
    }

    /// One of each kind, plus some outside the night.
    static let night: [QueueTask] = [
        task("late", .succeeded, hours: 2.5, title: "Add export", category: "Features", started: local(2026, 3, 5, 2), finished: local(2026, 3, 5, 5),
             log: "logs/late.log"),
        task("early", .succeeded, hours: 3, title: "Fix login", started: local(2026, 3, 4, 23), finished: local(2026, 3, 5, 2), log: "logs/early.log"),
        task("yesterday", .succeeded, hours: 5, started: local(2026, 3, 4, 1), finished: local(2026, 3, 4, 5)),
        task("this-morning", .succeeded, hours: 1, finished: local(2026, 3, 5, 7, 1)),
        task("broke", .failed, hours: 2, title: "Speed up search", category: "Performance optimization", started: local(2026, 3, 5, 0),
             finished: local(2026, 3, 5, 4), error: "the agent exited with status 1", attempts: 3),
        task("old-failure", .failed, finished: local(2026, 3, 3, 4), error: "old"),
        task("busy", .running, hours: 4, title: "Refactor store", started: local(2026, 3, 5, 3)),
        task("stopped", .queued, hours: 6, title: "Migrate", started: local(2026, 3, 5, 1), updated: local(2026, 3, 5, 6),
             error: "stopped at the end of the overnight window"),
        task("rescheduled", .scheduled, hours: 1, started: local(2026, 3, 5, 1, 30), updated: local(2026, 3, 5, 6, 30), error: "resource limit"),
        task("untouched", .queued, hours: 2),
        task("started-last-week", .queued, hours: 2, started: local(2026, 2, 25, 1)),
        task("parked", .awaitingApproval, hours: 2, title: "Delete old logs", category: "Maintenance", updated: local(2026, 3, 5, 0),
             error: "waits for approval act_12"),
        task("dropped", .cancelled, finished: local(2026, 3, 5, 1), error: "cancelled by the operator"),
        task("blocked", .blocked, hours: 1),
    ]

    @Test("each list holds the tasks of its kind that moved during the night, in order")
    func lists() {
        let report = OvernightReport(tasks: Self.night, since: Self.since, until: Self.until, timeZone: Zones.utc)
        #expect(report.date == "2026-03-05")
        #expect(report.completed.map(\.id) == ["early", "late"])
        #expect(report.failed.map(\.id) == ["broke"])
        #expect(report.inProgress.map(\.id) == ["busy", "stopped", "rescheduled"])
        #expect(report.awaitingApproval.map(\.id) == ["parked"])
        #expect(report.hoursShipped == 5.5)
        #expect(!report.isEmpty)
        #expect(report.problemsFixed.isEmpty)
        #expect(report.targets == ["builds_completed": "2-3", "hours_shipped": "6-8"])
    }

    @Test("entries carry the task's fields, its note and its log")
    func entries() throws {
        let report = OvernightReport(tasks: Self.night, since: Self.since, until: Self.until, timeZone: Zones.utc)
        let late = try #require(report.completed.last)
        #expect(late.id == "late")
        #expect(late.title == "Add export")
        #expect(late.category == "Features")
        #expect(late.hours == 2.5)
        #expect(late.state == "succeeded")
        #expect(late.note == nil)
        #expect(late.attempts == 1)
        #expect(late.log == "logs/late.log")
        let broke = try #require(report.failed.first)
        #expect(broke.note == "the agent exited with status 1")
        #expect(broke.attempts == 3)
        #expect(broke.state == "failed")
        #expect(report.inProgress.map(\.note) == [
            "running since 2026-03-05T03:00:00+00:00", "stopped at the end of the overnight window", "resource limit",
        ])
        #expect(report.awaitingApproval.first?.note == "waits for approval act_12")
    }

    @Test("the Markdown has the title, period, summary and one section per non-empty list")
    func markdown() {
        let report = OvernightReport(tasks: Self.night, since: Self.since, until: Self.until, timeZone: Zones.utc)
        let expected = """
            # Overnight report 2026-03-05

            2026-03-04T23:00:00+00:00 – 2026-03-05T07:00:00+00:00

            Completed: 2 (target 2–3) · failed: 1 · in progress: 3 · awaiting approval: 1
            Hours shipped: 5.5 h (target 6–8 h)

            ## Completed

            - early Fix login (3 h, Bug fixes)
            - late Add export (2.5 h, Features)

            ## Failed

            - broke Speed up search (2 h, Performance optimization): the agent exited with status 1

            ## In progress

            - busy Refactor store (4 h, Bug fixes): running since 2026-03-05T03:00:00+00:00
            - stopped Migrate (6 h, Bug fixes): stopped at the end of the overnight window
            - rescheduled Task rescheduled (1 h, Bug fixes): resource limit

            ## Awaiting approval

            - parked Delete old logs (2 h, Maintenance): waits for approval act_12

            Problems fixed: none

            """
        #expect(report.markdown(timeZone: Zones.utc) == expected)
    }

    @Test("the summary counts against the targets; whole hours print without a fraction")
    func summaryLines() {
        let tasks = [
            Self.task("a", .succeeded, hours: 4, finished: local(2026, 3, 5, 1)), Self.task("b", .succeeded, hours: 3, finished: local(2026, 3, 5, 4)),
        ]
        let report = OvernightReport(tasks: tasks, since: Self.since, until: Self.until, timeZone: Zones.utc)
        #expect(report.summaryLines == [
            "Completed: 2 (target 2–3) · failed: 0 · in progress: 0 · awaiting approval: 0", "Hours shipped: 7 h (target 6–8 h)",
        ])
        #expect(!report.markdown(timeZone: Zones.utc).contains("## Failed"))
    }

    @Test("a night where nothing happened says so, with no sections")
    func emptyNight() {
        let quiet = [Self.task("untouched", .queued), Self.task("yesterday", .succeeded, finished: local(2026, 3, 4, 5))]
        for tasks in [[], quiet] {
            let report = OvernightReport(tasks: tasks, since: Self.since, until: Self.until, timeZone: Zones.utc)
            #expect(report.isEmpty)
            #expect(report.hoursShipped == 0)
            #expect(report.summaryLines == ["Nothing was built overnight: no task ran, finished or waited."])
            let markdown = report.markdown(timeZone: Zones.utc)
            #expect(markdown.contains("Nothing was built overnight: no task ran, finished or waited."))
            #expect(!markdown.contains("## "))
        }
    }

    @Test("the report's date is the morning's date in the workspace's zone")
    func dateInZone() {
        // 03:00 UTC on the 5th is still the evening of the 4th in New York.
        let report = OvernightReport(tasks: [], since: local(2026, 3, 4, 15), until: local(2026, 3, 5, 3), timeZone: Zones.newYork)
        #expect(report.date == "2026-03-04")
        #expect(report.markdown(timeZone: Zones.newYork).contains("2026-03-04T10:00:00-05:00 – 2026-03-04T22:00:00-05:00"))
    }

    @Test("write puts DATE.json (snake_case keys, local times) and DATE.md in the directory, creating it")
    func write() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overnight-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("reports/overnight").path
        let report = OvernightReport(tasks: Self.night, since: Self.since, until: Self.until, timeZone: Zones.utc)

        let paths = try report.write(to: directory, timeZone: Zones.utc)
        #expect(paths.json == "\(directory)/2026-03-05.json")
        #expect(paths.markdown == "\(directory)/2026-03-05.md")
        #expect(try String(contentsOfFile: paths.markdown, encoding: .utf8) == report.markdown(timeZone: Zones.utc))

        let data = try Data(contentsOf: URL(fileURLWithPath: paths.json))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(json.keys) == [
            "date", "since", "until", "completed", "failed", "in_progress", "awaiting_approval", "hours_shipped", "problems_fixed",
            "problems_note", "targets",
        ])
        #expect(json["since"] as? String == "2026-03-04T23:00:00+00:00")
        #expect(json["until"] as? String == "2026-03-05T07:00:00+00:00")
        #expect(json["hours_shipped"] as? Double == 5.5)
        #expect((json["targets"] as? [String: String]) == ["builds_completed": "2-3", "hours_shipped": "6-8"])
        let completed = try #require(json["completed"] as? [[String: Any]])
        #expect(completed.map { $0["id"] as? String } == ["early", "late"])
        #expect(Set(completed[1].keys) == ["id", "title", "category", "hours", "state", "attempts", "log"])
        #expect(completed[1]["log"] as? String == "logs/late.log")
        let inProgress = try #require(json["in_progress"] as? [[String: Any]])
        #expect(inProgress.first?["note"] as? String == "running since 2026-03-05T03:00:00+00:00")

        // Written again (a rerun of the step), the files are replaced, not appended to.
        try report.write(to: directory, timeZone: Zones.utc)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["2026-03-05.json", "2026-03-05.md"])
    }
}
