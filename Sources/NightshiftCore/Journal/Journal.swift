public import Foundation

/// The operator's daily log: `journal/YYYY-MM-DD.md`, one line per finished run.
///
/// Lines are appended with a single `write` on a file opened with `O_APPEND`, so the daemon and CLI
/// processes can append to the same day without interleaving.
public struct Journal: Sendable {
    public var directory: String
    public var timeZone: TimeZone
    /// Redacted from every line, whatever it quotes (a run's error, a step's excerpt).
    public var secrets: SecretValues

    public init(directory: String, timeZone: TimeZone, secrets: SecretValues = .none) {
        self.directory = directory
        self.timeZone = timeZone
        self.secrets = secrets
    }

    /// The journal file for the day `date` falls on in the workspace's zone.
    public func path(for date: Date) -> String {
        "\(directory)/\(Self.dayString(date, timeZone)).md"
    }

    /// Appends one line for a finished run.
    public func record(run: RunRecord) throws {
        let at = run.finishedAt ?? run.createdAt
        var line = "- \(Self.timeString(at, timeZone)) **\(run.job)** \(run.state)"
        if let duration = run.duration { line += " in \(Self.durationString(duration))" }
        line += " (\(run.trigger)"
        if run.attempt > 1 { line += ", attempt \(run.attempt)" }
        line += ", run \(run.id))"
        if let summary = summary(of: run) { line += " — \(summary)" }
        try append(line, at: at)
    }

    /// Appends a free-form line (a missed-cycle notice, a daemon start).
    public func note(_ text: String, at date: Date) throws {
        try append("- \(Self.timeString(date, timeZone)) \(text)", at: date)
    }

    private func append(_ line: String, at date: Date) throws {
        let file = path(for: date)
        var text = ""
        if !FileManager.default.fileExists(atPath: file) { text += "# Journal \(Self.dayString(date, timeZone))\n\n" }
        text += secrets.redact(line).replacingOccurrences(of: "\n", with: " ") + "\n"
        do { try AppendOnlyFile.append(text, to: file) } catch { throw JournalError(path: file, errno: error.errno) }
    }

    /// Redacted before it is shortened, so that no secret is cut where redaction cannot see it.
    private func summary(of run: RunRecord) -> String? {
        let text = secrets.redact(run.error ?? run.excerpt?.split(whereSeparator: \.isNewline).last.map(String.init))
        guard let text, !text.isEmpty else { return nil }
        return text.count > 160 ? String(text.prefix(157)) + "…" : text
    }

    static func dayString(_ date: Date, _ zone: TimeZone) -> String {
        let parts = components(date, zone)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    static func timeString(_ date: Date, _ zone: TimeZone) -> String {
        let parts = components(date, zone)
        return String(format: "%02d:%02d:%02d", parts.hour!, parts.minute!, parts.second!)
    }

    private static func components(_ date: Date, _ zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    /// `850ms`, `12.3s`, `4m05s`, `2h10m`.
    public static func durationString(_ seconds: TimeInterval) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, (whole % 3600) / 60)
    }
}

/// The journal file could not be written.
public struct JournalError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String { "\(path): cannot append to the journal (\(String(cString: strerror(errno))))" }
}
