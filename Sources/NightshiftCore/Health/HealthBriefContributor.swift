public import Foundation

/// The health part of the morning brief: what the fixes cleared in the period, and what is still
/// open, critical first, saying which problems need the operator.
public struct HealthBriefContributor: BriefContributor {
    public init() {}

    public func sections(for period: BriefPeriod, store: any Store) async throws -> [BriefSection] {
        let fixed = try await Self.fixed(in: store, from: period.since, until: period.until)
        let open = try await store.problems(ProblemQuery(open: true)).sorted { ($0.severity, $1.key) > ($1.severity, $0.key) }
        var sections: [BriefSection] = []
        if !fixed.isEmpty {
            sections.append(BriefSection(
                id: "auto_fixed", title: "Fixed automatically", rank: BriefSection.Rank.autoFixed,
                lines: fixed.map { "\($0.summary) (\($0.key)), \($0.resolution ?? "fixed")." },
                items: .array(fixed.map(Self.item))
            ))
        }
        if !open.isEmpty {
            sections.append(BriefSection(
                id: "health_problems", title: "Health problems", rank: BriefSection.Rank.autoFixed + 5,
                lines: open.map { problem in
                    "\(problem.severity == .critical ? "Critical" : "Warning"): \(problem.summary) (\(problem.key), since "
                        + "\(ISO8601.format(problem.firstSeen, in: period.timeZone)))"
                        + (problem.fix.map { "; nightshift health fix can \($0.phrase)." } ?? "; needs the operator.")
                },
                items: .array(open.map(Self.item))
            ))
        }
        return sections
    }

    /// Problems a fix resolved in [start, until), oldest first.
    public static func fixed(in store: any Store, from start: Date, until: Date) async throws -> [Problem] {
        try await store.problems(ProblemQuery(open: false, since: start, limit: 1000)).filter { problem in
            guard let resolved = problem.resolvedAt else { return false }
            return resolved < until && problem.resolution?.hasPrefix("fixed") == true
        }.reversed()
    }

    private static func item(_ problem: Problem) -> JSONValue {
        .object([
            "id": .string(problem.id), "key": .string(problem.key), "severity": .string(problem.severity.rawValue),
            "summary": .string(problem.summary), "fix": problem.fix.map { .string($0.actionType) } ?? .null,
            "resolution": problem.resolution.map { .string($0) } ?? .null,
        ])
    }
}
