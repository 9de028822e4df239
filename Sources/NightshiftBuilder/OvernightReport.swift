public import Foundation
public import NightshiftCore

/// What a night of builds came to: written to `reports/overnight/YYYY-MM-DD.json` and `.md` at the
/// end of the overnight cycle, and read by the morning brief.
public struct OvernightReport: Sendable, Codable, Hashable {
    /// One task as the report shows it.
    public struct Entry: Sendable, Codable, Hashable {
        public var id: String
        public var title: String
        public var category: String
        public var hours: Double
        public var state: String
        /// Why it failed, waits, or was stopped.
        public var note: String?
        public var attempts: Int
        public var log: String?
        /// Under git isolation: the task's branch, its commits (oldest first) and whether they were merged.
        public var branch: String?
        public var commits: [String]?
        public var merged: Bool?

        /// " — branch nightshift/T (merged: abc1234, def5678)", or "" without git isolation.
        public var gitNote: String {
            guard let branch else { return "" }
            let shas = (commits ?? []).map { String($0.prefix(7)) }
            let what = shas.isEmpty ? "no commits" : (merged == true ? "merged: " : "for review: ") + shas.joined(separator: ", ")
            return " — branch \(branch) (\(what))"
        }
    }

    /// The morning's date (`YYYY-MM-DD`, workspace zone): the report's file name.
    public var date: String
    public var since: Date
    public var until: Date
    public var completed: [Entry]
    public var failed: [Entry]
    /// Running now, or started tonight and queued again (stopped at the window's end, by the
    /// resource gate, or after a lost worker).
    public var inProgress: [Entry]
    public var awaitingApproval: [Entry]
    public var hoursShipped: Double
    /// Problems the health fixes resolved overnight (the app fills it from the store).
    public var problemsFixed: [String]
    public var problemsNote: String
    /// The reference's daily targets: 2–3 builds, 6–8 hours shipped.
    public var targets: [String: String]

    /// Builds the report of the tasks that moved between `since` and `until`.
    public init(tasks: [QueueTask], since: Date, until: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let day = calendar.dateComponents([.year, .month, .day], from: until)
        date = String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
        self.since = since
        self.until = until
        func entry(_ task: QueueTask, note: String? = nil) -> Entry {
            let git = task.result?["git"]
            var commits: [String]?
            if case .array(let items)? = git?["commits"] { commits = items.compactMap(\.stringValue) }
            var merged: Bool?
            if case .bool(let value)? = git?["merged"] { merged = value }
            return Entry(
                id: task.id, title: task.title, category: task.category, hours: task.hours, state: task.state.rawValue,
                note: note ?? task.lastError, attempts: task.attempts, log: task.result?["log"]?.stringValue,
                branch: git?["branch"]?.stringValue, commits: commits, merged: merged
            )
        }
        let period = { (date: Date?) in date.map { $0 >= since && $0 <= until } ?? false }
        let ordered = tasks.sorted { ($0.finishedAt ?? $0.updatedAt, $0.id) < ($1.finishedAt ?? $1.updatedAt, $1.id) }
        completed = ordered.filter { $0.state == .succeeded && period($0.finishedAt) }.map { entry($0, note: nil) }
        failed = ordered.filter { $0.state == .failed && period($0.finishedAt) }.map { entry($0) }
        inProgress = ordered.filter { $0.state == .running || (TaskState.waiting.contains($0.state) && $0.state != .awaitingApproval && period($0.startedAt)) }
            .map { entry($0, note: $0.state == .running ? "running since \(ISO8601.format($0.startedAt ?? since, in: timeZone))" : $0.lastError) }
        awaitingApproval = ordered.filter { $0.state == .awaitingApproval }.map { entry($0) }
        hoursShipped = completed.reduce(0) { $0 + $1.hours }
        problemsFixed = []
        problemsNote = "none"
        targets = ["builds_completed": "2-3", "hours_shipped": "6-8"]
    }

    /// Nothing happened to any task in the period.
    public var isEmpty: Bool { completed.isEmpty && failed.isEmpty && inProgress.isEmpty && awaitingApproval.isEmpty }

    /// The report as Markdown.
    public func markdown(timeZone: TimeZone) -> String {
        var lines = ["# Overnight report \(date)", "", "\(ISO8601.format(since, in: timeZone)) – \(ISO8601.format(until, in: timeZone))", ""]
        lines.append(contentsOf: summaryLines)
        func section(_ title: String, _ entries: [Entry], detail: (Entry) -> String) {
            guard !entries.isEmpty else { return }
            lines.append(contentsOf: ["", "## \(title)", ""])
            lines.append(contentsOf: entries.map { "- \($0.id) \($0.title) (\(Self.hours($0.hours)), \($0.category))\(detail($0))" })
        }
        section("Completed", completed) { $0.gitNote }
        section("Failed", failed) { ($0.note.map { ": \($0)" } ?? "") + $0.gitNote }
        section("In progress", inProgress) { $0.note.map { ": \($0)" } ?? "" }
        section("Awaiting approval", awaitingApproval) { $0.note.map { ": \($0)" } ?? "" }
        lines.append(contentsOf: ["", "Problems fixed: \(problemsFixed.isEmpty ? problemsNote : problemsFixed.joined(separator: "; "))", ""])
        return lines.joined(separator: "\n")
    }

    /// The headline: counts, hours shipped, against the daily targets.
    public var summaryLines: [String] {
        if isEmpty { return ["Nothing was built overnight: no task ran, finished or waited."] }
        return [
            "Completed: \(completed.count) (target 2–3) · failed: \(failed.count) · in progress: \(inProgress.count) · awaiting approval: \(awaitingApproval.count)",
            "Hours shipped: \(Self.hours(hoursShipped)) (target 6–8 h)",
        ]
    }

    public static func hours(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) h" : String(format: "%.1f h", value)
    }

    /// Writes `DIR/DATE.json` and `DIR/DATE.md`. Returns the two paths.
    @discardableResult
    public func write(to directory: String, timeZone: TimeZone) throws -> (json: String, markdown: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.format(date, in: timeZone))
        }
        let json = "\(directory)/\(date).json", markdown = "\(directory)/\(date).md"
        try encoder.encode(self).write(to: URL(fileURLWithPath: json), options: .atomic)
        try Data(self.markdown(timeZone: timeZone).utf8).write(to: URL(fileURLWithPath: markdown), options: .atomic)
        return (json, markdown)
    }
}
