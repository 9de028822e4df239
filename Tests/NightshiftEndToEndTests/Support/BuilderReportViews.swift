import Foundation

/// `overnight report --json` and `reports/overnight/YYYY-MM-DD.json`.
struct OvernightReportInfo: Decodable, Sendable {
    struct Entry: Decodable, Sendable, CustomStringConvertible {
        var id: String
        var title: String
        var category: String
        var hours: Double
        var state: String
        var note: String?
        var attempts: Int
        var log: String?

        var description: String { "\(id) \(state)\(note.map { ": \($0)" } ?? "")" }
    }
    var date: String
    var since: String
    var until: String
    var completed: [Entry]
    var failed: [Entry]
    var inProgress: [Entry]
    var awaitingApproval: [Entry]
    var hoursShipped: Double
}

/// `context detect --json` and `context summary --json`.
struct ContextInfo: Decodable, Sendable {
    var context: String
    var source: String
    var until: String?
    var intensity: String
    var maxConcurrentBuilds: Int
    var lowRiskOnly: Bool
}

/// One span of `context upcoming --json`.
struct ContextSpanInfo: Decodable, Sendable, CustomStringConvertible {
    var context: String
    var source: String
    var start: String
    var end: String

    var description: String { "\(start)…\(end) \(context) (\(source))" }
}

/// A phase of a weekend project, as `weekend suggest|progress|summary --json` print it.
struct WeekendPhaseInfo: Decodable, Sendable, Equatable {
    var name: String
    var hours: Double
    var completedAt: String?
}

/// One suggestion of `weekend suggest --json`: the task's fields and its phases.
struct WeekendSuggestionInfo: Decodable, Sendable {
    var id: String
    var title: String
    var hours: Double
    var score: Double
    var state: String
    var phases: [WeekendPhaseInfo]
}

/// `weekend progress --json` and `weekend summary --json`.
struct WeekendPlanInfo: Decodable, Sendable {
    var task: String
    var title: String
    var hours: Double
    var progress: Double
    var selectedAt: String
    var startedAt: String?
    var completedAt: String?
    var phases: [WeekendPhaseInfo]
}

/// `brief --format json`. The decoder's snake-case conversion leaves `items` (free-form) as read.
struct BriefInfo: Decodable, Sendable {
    struct Period: Decodable, Sendable {
        var since: String
        var until: String
        var timeZone: String
    }
    struct Section: Decodable, Sendable, CustomStringConvertible {
        var id: String
        var title: String
        var rank: Int
        var lines: [String]
        var items: JSONView

        var description: String { "\(id) (\(rank))" }
    }
    var workspace: String
    var generatedAt: String
    var period: Period
    var quiet: Bool
    var summary: String
    /// Keyed in camelCase: the decoder's snake-case conversion rewrites dictionary keys too.
    var counts: [String: Int]
    var sections: [Section]

    func section(_ id: String) -> Section? { sections.first { $0.id == id } }
}

extension JSONView {
    /// The members of a JSON array, or nil.
    var elements: [JSONView]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
