public import Foundation

/// Assembles the ``Brief`` of a period from the store alone: the core's sections about runs,
/// cycles, approvals and goals, then every pack's through its ``BriefContributor``.
///
/// ```swift
/// let builder = BriefBuilder(
///     store: store, contributors: [builderPack], timeZone: zone, workspaceName: "acme", clock: SystemWallClock()
/// )
/// let brief = try await builder.build(since: lastBrief, until: Date())
/// print(BriefRenderer.markdown(brief))
/// ```
public struct BriefBuilder: Sendable {
    /// What the builder needs beyond the store.
    public struct Configuration: Sendable {
        /// Whole-cycle budgets in seconds by cycle name, from the declarations (the store keeps
        /// only step budgets); a cycle missing here is checked step by step only.
        public var cycleBudgets: [String: Double] = [:]
        /// How many runs of the period (created or finished in it), and of the newest cycle runs
        /// and parked actions, are read at most: the store lists them newest first, and the brief
        /// filters them further in memory.
        public var scanLimit = 10_000

        /// The defaults: no cycle budgets, the newest 10,000 records.
        public init() {}
    }

    /// Where the records come from.
    public var store: any Store
    /// The packs' sections, asked in this order.
    public var contributors: [any BriefContributor]
    /// The zone every time in the brief is shown in.
    public var timeZone: TimeZone
    /// The workspace's name, for the heading.
    public var workspaceName: String
    /// Gives the brief's ``Brief/generatedAt`` and decides which approvals have expired.
    public var clock: any WallClock
    /// Cycle budgets and how far back the store is read.
    public var configuration: Configuration

    /// A builder over `store`.
    public init(
        store: any Store, contributors: [any BriefContributor] = [], timeZone: TimeZone, workspaceName: String,
        clock: any WallClock, configuration: Configuration = .init()
    ) {
        self.store = store
        self.contributors = contributors
        self.timeZone = timeZone
        self.workspaceName = workspaceName
        self.clock = clock
        self.configuration = configuration
    }

    /// The brief of `since` up to, not including, `until`.
    ///
    /// Sections with nothing to say are left out; the rest are sorted by rank (ties keep the
    /// order they were made in: the core's first, then the contributors' in order). A contributor
    /// that throws does not fail the brief: its error becomes a line of `brief_problems`.
    /// - Throws: what the store throws for the core's own queries.
    public func build(since: Date, until: Date) async throws -> Brief {
        let period = BriefPeriod(since: since, until: until, timeZone: timeZone)
        let now = clock.now()
        // Every run the sections count was created or finished in the period: the store reads
        // those, not the runs before them.
        let runs = since < until
            ? try await store.runs(RunQuery(period: since..<until, limit: configuration.scanLimit)).filter { $0.createdAt < until } : []
        let cycleRuns = try await store.cycleRuns(cycle: nil, tenant: nil, states: [], limit: configuration.scanLimit)
            .filter { $0.createdAt < until }

        var counts = BriefCounts()
        for run in runs where period.contains(run.finishedAt) {
            switch run.state {
            case .succeeded: counts.succeeded += 1
            case .failed: counts.failed += 1
            case .interrupted: counts.interrupted += 1
            default: break
            }
        }
        counts.cycleRuns = cycleRuns.filter { $0.state.isFinal && period.contains($0.finishedAt) }.count

        var sections = [
            failedRuns(runs, period),
            missedRuns(runs, cycleRuns: cycleRuns, period, counts: &counts),
            try await overruns(cycleRuns, period, counts: &counts),
            try await approvals(period, now: now, counts: &counts),
            try await goalsBehind(period, counts: &counts),
        ]
        var problems: [String] = []
        for contributor in contributors {
            do {
                sections += try await contributor.sections(for: period, store: store)
            } catch {
                problems.append("\(type(of: contributor)) could not add its part: \(error)".briefLine())
            }
        }
        if !problems.isEmpty {
            sections.append(BriefSection(
                id: BriefSection.CoreID.problems, title: "Parts missing from this brief", rank: BriefSection.Rank.problems,
                lines: problems, items: .array(problems.map(JSONValue.string))
            ))
        }
        let ordered = sections.enumerated()
            .filter { !$0.element.isEmpty }
            .sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }
            .map(\.element)
        return Brief(
            period: period, generatedAt: now, workspaceName: workspaceName, counts: counts,
            summary: ordered.isEmpty ? counts.quietLine(period) : counts.summary(period), sections: ordered
        )
    }
}
