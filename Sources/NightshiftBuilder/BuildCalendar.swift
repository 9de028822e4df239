public import Foundation
public import NightshiftCore

/// The planned build sessions as an iCalendar feed (`reports/calendar.ics`), for the operator's
/// calendar to subscribe to: one event per window opening that has scheduled tasks, its tasks in
/// the description. Written whenever the queue is scheduled, from every task `scheduled` then, so
/// that the feed is the whole plan, not the last scheduling's part of it.
public enum BuildCalendar {
    /// The feed of `tasks` (those `scheduled` with a window and a time are placed) in `windows`.
    public static func ics(_ tasks: [QueueTask], windows: [TimeWindow], timeZone: TimeZone, workspace: String, at now: Date) -> String {
        let byWindow = Dictionary(windows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var sessions: [String: (window: TimeWindow, opening: DateInterval, tasks: [QueueTask])] = [:]
        for task in tasks where task.state == .scheduled {
            guard let name = task.window, let start = task.scheduledFor, let window = byWindow[name],
                  let opening = window.opening(at: start, in: timeZone) ?? window.opening(at: start.addingTimeInterval(1), in: timeZone)
            else { continue }
            let key = "\(name)-\(Self.stamp(opening.start))"
            sessions[key, default: (window, opening, [])].tasks.append(task)
        }
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Nightshift//Build sessions//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape("Nightshift build sessions (\(workspace))"),
        ]
        for key in sessions.keys.sorted(by: { sessions[$0]!.opening.start < sessions[$1]!.opening.start || (sessions[$0]!.opening.start == sessions[$1]!.opening.start && $0 < $1) }) {
            let session = sessions[key]!
            let tasks = session.tasks.sorted { ($1.score, $0.id) < ($0.score, $1.id) }
            let hours = tasks.map(\.hours).reduce(0, +)
            let summary = "Nightshift \(session.window.name.replacingOccurrences(of: "_", with: " ")) builds: \(tasks.count) task\(tasks.count == 1 ? "" : "s") (\(StepText.hours(hours)))"
            let description = tasks.map { "\($0.id): \($0.title) (\($0.category), \(StepText.hours($0.hours)))" }.joined(separator: "\n")
            lines += [
                "BEGIN:VEVENT", "UID:\(key)@nightshift", "DTSTAMP:\(stamp(now))", "DTSTART:\(stamp(session.opening.start))",
                "DTEND:\(stamp(session.opening.end))", "SUMMARY:" + escape(summary), "DESCRIPTION:" + escape(description),
                "TRANSP:OPAQUE", "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.flatMap(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Writes the feed to `DIRECTORY/calendar.ics` (atomically); returns its path.
    @discardableResult
    public static func write(
        _ tasks: [QueueTask], windows: [TimeWindow], timeZone: TimeZone, workspace: String, at now: Date, to directory: String
    ) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/calendar.ics"
        try Data(ics(tasks, windows: windows, timeZone: timeZone, workspace: workspace, at: now).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    /// `20261207T230000Z`.
    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
    }

    /// TEXT as RFC 5545 wants it: backslash, semicolon, comma and newline escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": continue
            default: out.append(character)
            }
        }
        return out
    }

    /// A content line folded at 75 octets, never inside a UTF-8 character.
    static func fold(_ line: String) -> [String] {
        var lines: [String] = []
        var current = "", octets = 0, limit = 75
        for character in line {
            let size = String(character).utf8.count
            if octets + size > limit {
                lines.append(current)
                current = " "
                octets = 1
                limit = 75
            }
            current.append(character)
            octets += size
        }
        lines.append(current)
        return lines
    }
}
