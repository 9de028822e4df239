public import Foundation
public import NightshiftCore

/// `[sales.calendars]`: the operator's calendar files (`.ics`, exported or synced), for the hourly
/// calendar sync (meetings with prospects become activities) and demo prep (a note per upcoming
/// meeting in `reports/prep/`).
///
/// ```toml
/// [sales.calendars]
/// files = ["calendars/work.ics"]   # relative to the workspace
/// prep_hours = 24                  # how far ahead demo prep looks
/// ```
public struct SalesCalendarSettings: Sendable, Hashable {
    public var files: [String]
    public var prepHours = 24

    init?(reading table: TableReader) {
        defer { table.finish(known: ["files", "prep_hours"]) }
        guard let (files, location) = table.stringArray("files"), !files.isEmpty else {
            table.error("\(table.name("files")) must list the calendar files, e.g. [\"calendars/work.ics\"]", at: table.location)
            return nil
        }
        _ = location
        self.files = files
        if let hours = table.int("prep_hours", in: 1...24 * 14) { prepHours = hours }
    }
}

/// One meeting occurrence with the prospects among its attendees.
public struct ProspectMeeting: Sendable {
    public var occurrence: EventOccurrence
    public var prospects: [Prospect]

    /// The meeting's key: its UID (or summary) and start, for the once-only activity and the prep file.
    var key: String { "\(occurrence.uid.isEmpty ? occurrence.summary : occurrence.uid)@\(StoredTime.millis(occurrence.start))" }
}

extension SalesWork {
    /// The meetings overlapping `from..<to` in the calendar files (relative to `root`) whose
    /// attendees include prospects, matched by address (identity keys). A file that cannot be read
    /// or parsed throws naming it, its line and what is wrong.
    public func meetings(calendars: SalesCalendarSettings, root: String, from: Date, to: Date) async throws -> [ProspectMeeting] {
        var occurrences: [EventOccurrence] = []
        for file in calendars.files {
            let path = file.hasPrefix("/") ? file : "\(root)/\(file)"
            occurrences += try ICSCalendar.read(path: path, file: file, floatingTimeZone: timeZone).occurrences(from: from, to: to)
        }
        let keys = Set(occurrences.flatMap { $0.attendees.map(EmailAddress.identityKey) })
        guard !keys.isEmpty else { return [] }
        var byKey: [String: Prospect] = [:]
        for prospect in try await store.prospects(tenant: tenant, emailKeys: Array(keys)) {
            if let key = prospect.emailKey { byKey[key] = prospect }
        }
        return occurrences.compactMap { occurrence in
            let prospects = occurrence.attendees.compactMap { byKey[EmailAddress.identityKey($0)] }
            return prospects.isEmpty ? nil : ProspectMeeting(occurrence: occurrence, prospects: prospects)
        }
    }

    /// Calendar sync: each meeting with prospects in the last day and the next two weeks becomes a
    /// `meeting` activity on each of them (once per occurrence); one that has begun counts as a touch.
    /// Returns the activities added.
    public func syncCalendar(_ calendars: SalesCalendarSettings, root: String, at now: Date) async throws -> Int {
        let meetings = try await meetings(calendars: calendars, root: root, from: now.addingTimeInterval(-86_400), to: now.addingTimeInterval(14 * 86_400))
        var activities: [ProspectActivity] = []
        var touched: [String: Prospect] = [:]
        for meeting in meetings {
            for prospect in meeting.prospects {
                activities.append(ProspectActivity(
                    id: ProspectActivity.stableID(.meeting, prospect.id, meeting.key), tenant: tenant, prospectID: prospect.id,
                    at: meeting.occurrence.start, kind: .meeting, actor: ProspectActivity.packActor,
                    summary: "meeting \(ISO8601.format(meeting.occurrence.start, in: timeZone)): \(meeting.occurrence.summary)",
                    data: .object(["uid": .string(meeting.occurrence.uid), "start": .string(ISO8601.format(meeting.occurrence.start, in: .gmt))])
                ))
                guard meeting.occurrence.start <= now else { continue }
                var current = touched[prospect.id] ?? prospect
                if (current.lastTouchAt ?? .distantPast) < meeting.occurrence.start {
                    current.lastTouchAt = meeting.occurrence.start
                    current.updatedAt = now
                    touched[prospect.id] = current
                }
            }
        }
        let fresh = try await store.activities(tenant: tenant, prospect: nil, kinds: [.meeting], since: now.addingTimeInterval(-86_400), newestFirst: false, limit: Int.max)
        let known = Set(fresh.map(\.id))
        let new = activities.filter { !known.contains($0.id) }
        _ = try await store.updateProspects(Array(touched.values), activities: new)
        return new.count
    }

    /// Demo prep: a note for each meeting with prospects starting in the next `prep_hours`, in
    /// `directory` (`reports/prep/YYYY-MM-DD-HHMM-UID.md`), rewritten each hour with what is known
    /// then: each prospect's record and score, last touches, notes and intel. Returns the paths.
    public func prepareMeetings(_ calendars: SalesCalendarSettings, root: String, directory: String, at now: Date) async throws -> [String] {
        let meetings = try await meetings(calendars: calendars, root: root, from: now, to: now.addingTimeInterval(Double(calendars.prepHours) * 3600))
            .filter { $0.occurrence.start >= now }
        guard !meetings.isEmpty else { return [] }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var paths: [String] = []
        for meeting in meetings {
            var lines = ["# Prep: \(meeting.occurrence.summary)", "", "\(ISO8601.format(meeting.occurrence.start, in: timeZone)) to \(ISO8601.format(meeting.occurrence.end, in: timeZone))", ""]
            for prospect in meeting.prospects {
                lines.append("## \(prospect.label)\(prospect.company.map { ", \($0)" } ?? "")")
                lines.append("")
                lines.append("- \(prospect.title ?? "title unknown") · \(prospect.emails.first ?? "no address") · state \(prospect.state.rawValue) · score \(JSONValue.number(prospect.score).text)")
                let history = try await store.activities(tenant: tenant, prospect: prospect.id, kinds: [], since: nil, newestFirst: true, limit: 200)
                func section(_ title: String, _ kinds: Set<ProspectActivity.Kind>) {
                    let rows = history.filter { kinds.contains($0.kind) }.prefix(5)
                    guard !rows.isEmpty else { return }
                    lines.append("")
                    lines.append("### \(title)")
                    lines += rows.map { "- \(ISO8601.format($0.at, in: timeZone)): \($0.summary)" }
                }
                section("Last touches", [.meeting, .drafted, .state])
                section("Notes", [.note])
                section("Intel", [.intel])
                lines.append("")
            }
            let stamp = ISO8601.format(meeting.occurrence.start, in: timeZone).prefix(16).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "T", with: "-")
            let slug = String((meeting.occurrence.uid.isEmpty ? meeting.occurrence.summary : meeting.occurrence.uid)
                .map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(40))
            let path = "\(directory)/\(stamp)-\(slug).md"
            try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            paths.append(path)
        }
        return paths
    }
}
