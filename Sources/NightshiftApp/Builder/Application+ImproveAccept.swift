public import Foundation
public import NightshiftBuilder
public import NightshiftCore

extension NightshiftApplication {
    /// Turns the self-improver's suggestion `id` (as `improve suggest` lists it now) into a queue
    /// task, so that the overnight runner builds the fix: a knowledge gap becomes a `Documentation`
    /// task, anything else an `Infrastructure` one, with the suggestion and its evidence as the
    /// description. The task's id follows from the suggestion's (`improve-KIND-SUBJECT`), so one
    /// suggestion is accepted once. Both categories are queued even when the policy does not list
    /// them (accepting is deliberate); the policy then decides the spawn as always.
    public func acceptImprovement(_ id: String, hours: Double = 2, at now: Date) async throws -> QueueTask {
        let queue = try buildQueue()
        let current = try await improvements(at: now)
        guard let improvement = current.first(where: { $0.id == id }) else {
            let known = current.map(\.id)
            throw AppError.failure(
                "no suggestion \(id) now" + (known.isEmpty ? "; improve suggest has none" : "; improve suggest lists \(known.joined(separator: ", "))")
            )
        }
        let new = BuildQueue.NewTask(
            id: Self.taskID(for: improvement), title: Self.title(for: improvement), description: Self.description(of: improvement, at: now),
            hours: hours, category: improvement.kind == .knowledgeGap ? "Documentation" : "Infrastructure", priority: .medium,
            newCategory: true
        )
        do { return try await queue.add(new, at: now) } catch let error as BuildQueue.Failure {
            throw AppError.failure("\(error.description) (improve accept \(id) queued it before: nightshift queue show \(new.id ?? ""))")
        }
    }

    /// `improve-slow-job-backup`: letters, digits, '-', '_' and '.' only, at most 64 characters.
    static func taskID(for improvement: Improvement) -> String {
        let raw = "improve-\(improvement.kind.rawValue)-\(improvement.subject)"
        let cleaned = String(raw.unicodeScalars.map { scalar -> Character in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "-_.".unicodeScalars.contains(scalar) ? Character(scalar) : "-"
        })
        return String(cleaned.prefix(64))
    }

    static func title(for improvement: Improvement) -> String {
        switch improvement.kind {
        case .unreliable: "Make \(improvement.subject) reliable"
        case .slow: "Speed up \(improvement.subject)"
        case .knowledgeGap: "Document \(improvement.subject)"
        case .automate: "Schedule \(improvement.subject)"
        }
    }

    static func description(of improvement: Improvement, at now: Date) -> String {
        var lines = [improvement.summary, "", "Evidence (nightshift improve suggest, \(ISO8601.format(now, in: TimeZone(identifier: "UTC")!))):"]
        for key in improvement.evidence.keys.sorted() { lines.append("- \(key): \(improvement.evidence[key]?.text ?? "")") }
        if let schedule = improvement.proposedSchedule {
            lines += ["", "Proposed schedule, to adopt in nightshift.toml:", schedule.toml, "Check it first: \(schedule.previewCommand)"]
        }
        return lines.joined(separator: "\n")
    }
}
