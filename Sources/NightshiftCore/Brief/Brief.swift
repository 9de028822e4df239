public import Foundation

/// The morning brief: what happened in one period, assembled from the store by ``BriefBuilder``
/// and rendered by ``BriefRenderer`` as Markdown, HTML, JSON or a chat message.
public struct Brief: Sendable, Hashable, Codable {
    /// The span the brief covers, and the zone its times are shown in.
    public var period: BriefPeriod
    /// When the brief was assembled.
    public var generatedAt: Date
    /// The workspace's name, for the heading.
    public var workspaceName: String
    /// The figures behind ``summary``.
    public var counts: BriefCounts
    /// One sentence: the counts, or the quiet-night line when ``isQuiet``.
    public var summary: String
    /// The sections with something to say, in rank order.
    public var sections: [BriefSection]

    /// A brief with these parts; ``BriefBuilder/build(since:until:)`` makes real ones.
    public init(period: BriefPeriod, generatedAt: Date, workspaceName: String, counts: BriefCounts, summary: String, sections: [BriefSection]) {
        self.period = period
        self.generatedAt = generatedAt
        self.workspaceName = workspaceName
        self.counts = counts
        self.summary = summary
        self.sections = sections
    }

    /// Nothing to say: every renderer prints only ``summary``, the quiet-night line.
    public var isQuiet: Bool { sections.allSatisfy(\.isEmpty) }

    /// The section with `id`, if the brief has it.
    public func section(_ id: String) -> BriefSection? {
        sections.first { $0.id == id }
    }
}
