import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

/// How queue commands print tasks.
enum TaskView {
    static func json(_ task: QueueTask, zone: TimeZone) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601.format($0, in: zone)) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            "id": .string(task.id), "title": .string(task.title), "description": .string(task.description), "category": .string(task.category),
            "hours": .number(task.hours), "score": .number(task.score), "priority": .string(task.priority.rawValue),
            "impact": .integer(Int64(task.impact)), "effort": .integer(Int64(task.effort)), "verify": text(task.verify),
            "depends_on": .array(task.dependsOn.map { .string($0) }), "state": .string(task.state.rawValue), "window": text(task.window),
            "scheduled_for": time(task.scheduledFor), "attempts": .integer(Int64(task.attempts)), "max_attempts": .integer(Int64(task.maxAttempts)),
            "lease_owner": text(task.leaseOwner), "lease_expires_at": time(task.leaseExpiresAt), "pid": task.pid.map { .integer(Int64($0)) } ?? .null,
            "action_id": text(task.actionID), "created_at": time(task.createdAt), "updated_at": time(task.updatedAt),
            "started_at": time(task.startedAt), "finished_at": time(task.finishedAt), "error": text(task.lastError), "result": task.result ?? .null,
        ])
    }

    static func print(_ tasks: [QueueTask], app: NightshiftApplication, json: Bool, empty: String) {
        if json { return Output.printJSON(.array(tasks.map { self.json($0, zone: app.configuration.settings.timeZone) })) }
        if tasks.isEmpty { return Swift.print(empty) }
        Output.table(["ID", "STATE", "SCORE", "HOURS", "PRIORITY", "CATEGORY", "DEPENDS", "TITLE"], tasks.map {
            [$0.id, $0.state.rawValue, number($0.score), hours($0.hours), $0.priority.rawValue, $0.category,
             $0.dependsOn.isEmpty ? "-" : $0.dependsOn.joined(separator: ","), $0.title]
        })
    }

    static func printDetail(_ task: QueueTask, zone: TimeZone) {
        var lines = [
            "\(task.id): \(task.title)", "state: \(task.state)", "category: \(task.category)",
            "estimate: \(hours(task.hours)); priority \(task.priority.rawValue), impact \(task.impact), effort \(task.effort), score \(number(task.score))",
        ]
        if !task.description.isEmpty { lines.append("description: \(task.description)") }
        if !task.dependsOn.isEmpty { lines.append("depends on: \(task.dependsOn.joined(separator: ", "))") }
        if let verify = task.verify { lines.append("verify: \(verify)") }
        if let window = task.window { lines.append("window: \(window) from \(Output.time(task.scheduledFor, zone))") }
        lines.append("attempts: \(task.attempts) of \(task.maxAttempts)")
        if let owner = task.leaseOwner { lines.append("claimed by: \(owner) until \(Output.time(task.leaseExpiresAt, zone))") }
        if let action = task.actionID { lines.append("policy action: \(action) (nightshift approvals show \(action))") }
        lines.append("created: \(Output.time(task.createdAt, zone))")
        if task.startedAt != nil { lines.append("started: \(Output.time(task.startedAt, zone))") }
        if task.finishedAt != nil { lines.append("finished: \(Output.time(task.finishedAt, zone))") }
        if let error = task.lastError { lines.append("note: \(error)") }
        if let log = task.result?["log"]?.stringValue { lines.append("log: \(log)") }
        if let verify = task.result?["verify"], let passed = verify["passed"] { lines.append("verification passed: \(passed.text)") }
        Swift.print(lines.joined(separator: "\n"))
    }

    static func percent(_ task: QueueTask, now: Date) -> Double {
        guard let started = task.startedAt else { return 0 }
        return min(100, now.timeIntervalSince(started) / (task.hours * 3600) * 100)
    }

    static func hours(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))h" : String(format: "%.1fh", value)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
