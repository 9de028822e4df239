public import Foundation
public import NightshiftCore

/// `adopt_schedule`: gives a job the schedule the self-improver proposed, by editing its
/// `[jobs.NAME]` table in `nightshift.toml` — the `schedule` (or `every`, `at`) line becomes
/// `schedule = "CRON"`, and `time_zone` is set — then loads the edited file with every pack's
/// tables. A file that would not load is put back as it was, byte for byte, and nothing changed.
///
/// The payload binds the edit to the file it was proposed on (`file_sha256`): a file edited since
/// changes nothing. The default tier is `approval` ("Config changes": a wrong schedule runs a job
/// at the wrong time every day), so the operator approves the edit they asked for in the inbox,
/// or a policy lets `adopt_schedule` run on its own.
public struct ScheduleAdoptionHandler: ActionHandler {
    public static let type = "adopt_schedule"
    public var types: [String] { [Self.type] }

    /// The configuration file's path.
    let path: String
    /// The pack tables the edited file is loaded with.
    let sections: [any ConfigSection.Type]
    let environment: [String: String]

    public init(path: String, sections: [any ConfigSection.Type], environment: [String: String]) {
        self.path = path
        self.sections = sections
        self.environment = environment
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard let job = action.payload["job"]?.stringValue, let cron = action.payload["cron"]?.stringValue,
              let zone = action.payload["time_zone"]?.stringValue, let expected = action.payload["file_sha256"]?.stringValue
        else { return .failure("\(action.id): the payload names no job, cron, time_zone and file_sha256") }
        let file = (path as NSString).lastPathComponent
        guard let original = FileManager.default.contents(atPath: path) else { return .failure("\(file) cannot be read; nothing changed") }
        guard SHA256Hex.of(original) == expected else {
            return .failure("\(file) changed since the adoption was proposed (\(action.id)); nothing changed: propose it again")
        }
        let text = String(decoding: original, as: UTF8.self)
        let edited: String
        do { edited = try Self.edit(text, job: job, cron: cron, timeZone: zone) } catch {
            return .failure("\(file): \(error); nothing changed")
        }
        do {
            try Data(edited.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            return .failure("\(file) could not be written: \(error.localizedDescription); nothing changed")
        }
        do {
            _ = try ConfigLoader.load(path: path, environment: environment, sections: sections)
        } catch {
            // Put back exactly what was there.
            try? original.write(to: URL(fileURLWithPath: path), options: .atomic)
            return .failure("the edited \(file) would not load, so it was put back as it was: \(error)")
        }
        return ActionResult(succeeded: true, excerpt: "\(file): [jobs.\(job)] schedule = \"\(cron)\", time_zone = \"\(zone)\"")
    }

    /// What the file cannot be edited for.
    struct EditError: Error, CustomStringConvertible {
        let description: String
    }

    /// `text` with `[jobs.NAME]`'s schedule replaced (its `schedule`, `every` or `at` line, or a new
    /// line after the header) and its `time_zone` set. Only a table written as `[jobs.NAME]` (or
    /// `[jobs."NAME"]`) is edited; a job written otherwise is refused, not guessed at.
    static func edit(_ text: String, job: String, cron: String, timeZone: String) throws(EditError) -> String {
        var lines = text.components(separatedBy: "\n")
        let headers = ["[jobs.\(job)]", "[jobs.\"\(job)\"]"]
        guard let header = lines.firstIndex(where: { line in headers.contains { line.trimmingCharacters(in: .whitespaces).hasPrefix($0) } }) else {
            throw EditError(description: "no [jobs.\(job)] table to edit; add its schedule by hand")
        }
        var end = header + 1
        while end < lines.count, !lines[end].trimmingCharacters(in: .whitespaces).hasPrefix("[") { end += 1 }
        func key(_ line: String) -> String? {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "="), !trimmed.hasPrefix("#") else { return nil }
            return trimmed[..<equals].trimmingCharacters(in: .whitespaces)
        }
        let scheduleLine = "schedule = \(PrebuildCommand.tomlString(cron))"
        let zoneLine = "time_zone = \(PrebuildCommand.tomlString(timeZone))"
        let timing = (header + 1..<end).filter { ["schedule", "every", "at"].contains(key(lines[$0]) ?? "") }
        guard timing.count <= 1 else { throw EditError(description: "[jobs.\(job)] has more than one of schedule, every and at") }
        if let zone = (header + 1..<end).first(where: { key(lines[$0]) == "time_zone" }) {
            lines[zone] = zoneLine
        } else {
            lines.insert(zoneLine, at: timing.first.map { $0 + 1 } ?? header + 1)
        }
        if let line = timing.first {
            lines[line] = scheduleLine
        } else {
            lines.insert(scheduleLine, at: header + 1)
        }
        return lines.joined(separator: "\n")
    }
}

extension NightshiftApplication {
    /// Proposes giving the job of the `automate` suggestion `id` its proposed schedule
    /// (``ScheduleAdoptionHandler``): decided by the policy, executed by the gate through the
    /// handler when allowed, parked otherwise. A job the operator keeps running by hand at one
    /// time is the only kind with a schedule to adopt.
    public func adoptSchedule(_ id: String, at now: Date) async throws -> PolicyGate.Outcome {
        let current = try await improvements(at: now)
        guard let improvement = current.first(where: { $0.id == id }) else {
            throw AppError.failure("no suggestion \(id) now; improve suggest lists \(current.isEmpty ? "none" : current.map(\.id).joined(separator: ", "))")
        }
        guard let schedule = improvement.proposedSchedule else {
            throw AppError.failure("\(id) proposes no schedule to adopt (only an automate suggestion whose runs bunch at one time does)")
        }
        guard let file = FileManager.default.contents(atPath: workspace.configPath) else {
            throw AppError.failure("\(workspace.configPath) cannot be read")
        }
        let action = ProposedAction(
            type: ScheduleAdoptionHandler.type,
            attributes: ["job": .string(schedule.job), "category": .string("Config changes")],
            payload: .object([
                "job": .string(schedule.job), "cron": .string(schedule.cron.source), "time_zone": .string(schedule.timeZone),
                "file_sha256": .string(SHA256Hex.of(file)),
            ]),
            actor: Actor(.cli, "operator"), summary: "give job \(schedule.job) the schedule \"\(schedule.cron.source)\" (\(schedule.timeZone)) in nightshift.toml"
        )
        return try await gate.propose(action)
    }
}
