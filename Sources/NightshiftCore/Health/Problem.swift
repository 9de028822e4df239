public import Foundation

/// How bad a problem is.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case warning, critical

    public var description: String { rawValue }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .critical }
}

/// A safe automatic fix the health service can carry out through the policy gate.
public enum FixKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Delete log files older than the retention (`delete_log`).
    case deleteOldLogs = "delete_old_logs"
    /// Gzip log files over the size limit (`rotate_log`).
    case rotateLargeLogs = "rotate_large_logs"
    /// `PRAGMA optimize`, WAL checkpoint, `VACUUM` when many pages are free (`optimize_store`).
    case optimizeStore = "optimize_store"
    /// Delete samples and run outputs past their retention (`prune_history`).
    case pruneHistory = "prune_history"

    public var description: String { rawValue }

    /// What the fix does, for sentences: "delete log", "rotate log" …
    public var phrase: String { actionType.replacingOccurrences(of: "_", with: " ") }

    /// The action type proposed to the policy gate for this fix.
    public var actionType: String {
        switch self {
        case .deleteOldLogs: "delete_log"
        case .rotateLargeLogs: "rotate_log"
        case .optimizeStore: "optimize_store"
        case .pruneHistory: "prune_history"
        }
    }
}

/// What one scan found wrong: the input to a problem's lifecycle.
public struct ProblemFinding: Sendable, Hashable, Codable {
    /// Stable identity across scans: `disk.usage`, `disk.trend`, `logs.large` …
    public var key: String
    public var severity: Severity
    /// One sentence for the operator: "disk 91 % full (critical above 90 %)".
    public var summary: String
    /// The numbers behind it.
    public var evidence: [String: JSONValue]
    /// The automatic fix that addresses it, or nil when it needs the operator's judgment.
    public var fix: FixKind?

    public init(key: String, severity: Severity, summary: String, evidence: [String: JSONValue] = [:], fix: FixKind? = nil) {
        self.key = key
        self.severity = severity
        self.summary = summary
        self.evidence = evidence
        self.fix = fix
    }
}

/// A problem as stored: open from the first scan that found it until one that no longer does.
public struct Problem: Sendable, Hashable, Codable {
    public var id: String
    public var key: String
    public var severity: Severity
    public var summary: String
    public var evidence: [String: JSONValue]
    public var fix: FixKind?
    public var firstSeen: Date
    public var lastSeen: Date
    /// How many scans found it.
    public var occurrences: Int
    public var resolvedAt: Date?
    /// Why it closed: "cleared", or the fix that cleared it.
    public var resolution: String?
    /// When it was last sent to the notifiers (critical, or nothing can fix it).
    public var escalatedAt: Date?

    public init(
        id: String, key: String, severity: Severity, summary: String, evidence: [String: JSONValue] = [:], fix: FixKind? = nil,
        firstSeen: Date, lastSeen: Date, occurrences: Int = 1, resolvedAt: Date? = nil, resolution: String? = nil, escalatedAt: Date? = nil
    ) {
        self.id = id
        self.key = key
        self.severity = severity
        self.summary = summary
        self.evidence = evidence
        self.fix = fix
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.occurrences = occurrences
        self.resolvedAt = resolvedAt
        self.resolution = resolution
        self.escalatedAt = escalatedAt
    }

    public var isOpen: Bool { resolvedAt == nil }

    /// A critical problem, or one no automatic fix addresses, goes to the operator.
    public var needsEscalation: Bool { severity == .critical || fix == nil }

    /// A new open problem for a finding first seen at `now`.
    public static func opened(_ finding: ProblemFinding, at now: Date) -> Problem {
        Problem(
            id: "prob_" + RunID.make().dropFirst(2), key: finding.key, severity: finding.severity, summary: finding.summary,
            evidence: finding.evidence, fix: finding.fix, firstSeen: now, lastSeen: now
        )
    }

    /// The open problem seen again in `finding` at `now`.
    public func seenAgain(_ finding: ProblemFinding, at now: Date) -> Problem {
        var copy = self
        copy.severity = finding.severity
        copy.summary = finding.summary
        copy.evidence = finding.evidence
        copy.fix = finding.fix
        copy.lastSeen = now
        copy.occurrences += 1
        return copy
    }
}

/// Which problems to list.
public struct ProblemQuery: Sendable, Hashable {
    /// true: open ones; false: resolved ones; nil: both.
    public var open: Bool?
    /// Only those seen (open) or resolved at or after this time.
    public var since: Date?
    public var limit: Int

    public init(open: Bool? = nil, since: Date? = nil, limit: Int = 500) {
        self.open = open
        self.since = since
        self.limit = limit
    }

    public func matches(_ problem: Problem) -> Bool {
        (open.map { $0 == problem.isOpen } ?? true) && since.map { (problem.resolvedAt ?? problem.lastSeen) >= $0 } ?? true
    }
}

/// What one scan changed.
public struct ProblemChanges: Sendable, Hashable {
    public var opened: [Problem] = []
    public var updated: [Problem] = []
    public var resolved: [Problem] = []

    public init(opened: [Problem] = [], updated: [Problem] = [], resolved: [Problem] = []) {
        self.opened = opened
        self.updated = updated
        self.resolved = resolved
    }

    /// Every problem still open after the scan.
    public var open: [Problem] { opened + updated }

    /// What a scan that found `findings` does to the `open` problems: one found again is refreshed,
    /// one not found is resolved with `resolution`, a finding with no open problem opens one. Every
    /// store applies this in one transaction.
    public static func scan(_ findings: [ProblemFinding], open: [Problem], resolution: String, at now: Date) -> ProblemChanges {
        var changes = ProblemChanges()
        var found: [String: ProblemFinding] = [:]
        for finding in findings where found[finding.key] == nil { found[finding.key] = finding }
        for problem in open {
            if let finding = found.removeValue(forKey: problem.key) {
                changes.updated.append(problem.seenAgain(finding, at: now))
            } else {
                var resolved = problem
                resolved.resolvedAt = now
                resolved.resolution = resolution
                changes.resolved.append(resolved)
            }
        }
        for finding in findings where found.removeValue(forKey: finding.key) != nil {
            changes.opened.append(Problem.opened(finding, at: now))
        }
        return changes
    }
}
