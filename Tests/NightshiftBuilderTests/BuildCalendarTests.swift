import Foundation
@testable import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("Build calendar: the planned sessions as an iCalendar feed")
struct BuildCalendarTests {
    let zone = TimeZone(identifier: "Europe/Berlin")!

    func scheduled(_ id: String, _ title: String, window: String, at: String, hours: Double, score: Double) -> QueueTask {
        var task = QueueTask(id: id, queue: "builder", title: title, category: "Bug fixes", hours: hours, score: score, state: .scheduled, createdAt: .distantPast)
        task.window = window
        task.scheduledFor = ISO8601.parse(at)
        return task
    }

    @Test("one event per window opening with its tasks, best score first; our own strict parser reads it back")
    func feedParsesBack() throws {
        let tasks = [
            scheduled("task_1", "Fix login", window: "overnight", at: "2026-12-07T23:00:00+01:00", hours: 2, score: 4),
            scheduled("task_2", "Profile queries; the slow ones, all", window: "overnight", at: "2026-12-07T23:00:00+01:00", hours: 3, score: 6),
            scheduled("task_3", "Docs for the \\ API", window: "work_hours", at: "2026-12-08T09:00:00+01:00", hours: 1.5, score: 2),
            QueueTask(id: "task_4", queue: "builder", title: "Not scheduled", category: "Bug fixes", createdAt: .distantPast),
        ]
        let text = BuildCalendar.ics(tasks, windows: TimeWindow.defaults, timeZone: zone, workspace: "builder, home", at: ISO8601.parse("2026-12-07T12:00:00Z")!)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 }, "lines are folded at 75 octets")
        let calendar = try ICSCalendar.parse(text, file: "calendar.ics")
        #expect(calendar.events.map(\.summary) == ["Nightshift overnight builds: 2 tasks (5h)", "Nightshift work hours builds: 1 task (1.5h)"])
        let occurrences = calendar.occurrences(from: ISO8601.parse("2026-12-07T00:00:00Z")!, to: ISO8601.parse("2026-12-09T00:00:00Z")!)
        #expect(occurrences.map(\.start) == [ISO8601.parse("2026-12-07T22:00:00Z")!, ISO8601.parse("2026-12-08T08:00:00Z")!])
        #expect(occurrences.map(\.end) == [ISO8601.parse("2026-12-08T06:00:00Z")!, ISO8601.parse("2026-12-08T16:00:00Z")!])
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("DESCRIPTION:task_2: Profile queries\\; the slow ones\\, all (Bug fixes\\, 3h)\\ntask_1: Fix login"), "\(text)")
        #expect(!text.contains("task_4"))
    }
}
