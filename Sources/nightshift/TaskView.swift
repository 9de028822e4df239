import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

/// How queue commands print tasks.
enum TaskView {
    static func print(_ tasks: [QueueTask], app: NightshiftApplication, json: Bool, empty: String) {
        if json { return Output.printJSON(.array(tasks.map { $0.json(zone: app.configuration.settings.timeZone) })) }
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
        let outcomes = task.phaseOutcomes
        for (index, phase) in task.phases.enumerated() {
            let outcome = outcomes[phase.name]
            let state = outcome.map { "\($0.state), \($0.attempts) attempt\($0.attempts == 1 ? "" : "s")" } ?? "left"
            lines.append("phase \(index + 1): \(phase.name) (\(hours(phase.hours)))\(phase.verify.map { ", verify: \($0)" } ?? "") — \(state)")
        }
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

    static func hours(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))h" : String(format: "%.1fh", value)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
