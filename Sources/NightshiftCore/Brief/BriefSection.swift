public import Foundation

/// One part of a ``Brief``: a titled list of plain sentences, with the same facts as structured
/// data for `--format json`.
///
/// The core makes the sections about runs, cycles, approvals and goals; packs add theirs through a
/// ``BriefContributor``. Sections are shown in ``rank`` order (see ``Rank``), so core and pack
/// sections interleave however many packs there are.
///
/// ```swift
/// BriefSection(
///     id: "shipped_overnight", title: "Shipped overnight", rank: BriefSection.Rank.shipped,
///     lines: ["Task 42 merged: retry the flaky upload."], items: .array([.object(["task": .integer(42)])])
/// )
/// ```
public struct BriefSection: Sendable, Hashable, Codable, Identifiable {
    /// Stable, snake_case (`failed_runs`): what JSON readers and tests key on.
    public var id: String
    /// A short heading, e.g. `Failed runs`.
    public var title: String
    /// Where the section goes: lower first. Use the constants in ``Rank``.
    public var rank: Int
    /// Plain sentences, one per fact, without Markdown: each renderer escapes and formats them.
    public var lines: [String]
    /// The same facts as data (usually an array of objects); `null` when there is nothing to add.
    public var items: JSONValue

    /// A section with these parts.
    public init(id: String, title: String, rank: Int, lines: [String], items: JSONValue = .array([])) {
        self.id = id
        self.title = title
        self.rank = rank
        self.lines = lines
        self.items = items
    }

    /// Nothing to say: no lines. The builder leaves empty sections out of the brief.
    public var isEmpty: Bool { lines.isEmpty }

    /// The fixed ranks that order a brief's sections, core and pack alike.
    public enum Rank {
        /// Pack: what was finished and shipped overnight.
        public static let shipped = 10
        /// Pack: work started and not finished yet.
        public static let inProgress = 20
        /// Pack: tasks that failed.
        public static let failedTasks = 30
        /// Core: job runs that failed or were interrupted.
        public static let failedRuns = 35
        /// Core: missed slots and catch-up runs, cycle catch-ups included.
        public static let missedRuns = 40
        /// Core: cycle runs and steps that went over their budget.
        public static let cycleOverruns = 50
        /// Core: actions waiting in the approval inbox.
        public static let approvals = 60
        /// Pack: problems fixed without the operator.
        public static let autoFixed = 70
        /// Pack: what is expected to happen next (e.g. a disk filling up).
        public static let predictions = 80
        /// Core: active goals that are behind their pace.
        public static let goalsBehind = 90
        /// Pack: queue sizes and throughput.
        public static let queue = 100
        /// Pack: what runs next.
        public static let nextTasks = 110
        /// Core: contributors that could not say their part.
        public static let problems = 120
    }

    /// The ids of the sections the core makes.
    public enum CoreID {
        /// See ``Rank/failedRuns``.
        public static let failedRuns = "failed_runs"
        /// See ``Rank/missedRuns``.
        public static let missedRuns = "missed_runs"
        /// See ``Rank/cycleOverruns``.
        public static let cycleOverruns = "cycle_overruns"
        /// See ``Rank/approvals``.
        public static let approvals = "approvals_waiting"
        /// See ``Rank/goalsBehind``.
        public static let goalsBehind = "goals_behind"
        /// See ``Rank/problems``.
        public static let problems = "brief_problems"
    }
}

/// Adds a pack's sections to the brief, read from the store like the core's.
///
/// The builder calls every contributor once per brief; sections it returns empty are left out, and
/// an error it throws becomes a line in the `brief_problems` section instead of failing the brief.
public protocol BriefContributor: Sendable {
    /// The pack's sections about `period` (each with a rank from ``BriefSection/Rank``).
    func sections(for period: BriefPeriod, store: any Store) async throws -> [BriefSection]
}
