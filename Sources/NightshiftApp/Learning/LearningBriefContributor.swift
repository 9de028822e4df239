import Foundation
public import NightshiftCore

/// The learners' part of the morning brief: "Predictions for today" (the patterns expected in the
/// 24 hours after the brief, with their pre-builds) and "Suggestions" (the self-improver's).
///
/// Both are read from the store like the rest of the brief; either is left out when it has
/// nothing to say.
public struct LearningBriefContributor: BriefContributor {
    /// The `Suggestions` section's rank: after predictions, before goals behind pace.
    public static let improvementsRank = 85
    /// The declared jobs, whose runs the self-improver reads.
    public var jobs: Set<String>

    /// A contributor reading the runs of `jobs`.
    public init(jobs: [String]) {
        self.jobs = Set(jobs)
    }

    public func sections(for period: BriefPeriod, store: any Store) async throws -> [BriefSection] {
        let now = period.until
        var sections: [BriefSection] = []
        if let predictions = try await predictions(store: store, now: now, zone: period.timeZone) { sections.append(predictions) }
        let history = try await LearningHistory.operations(in: store, jobs: jobs, now: now)
        let improvements = SelfImprover(timeZone: period.timeZone).suggestions(
            timings: history.timings, failures: history.failures, manualRuns: history.manualRuns, now: now)
        if !improvements.isEmpty {
            sections.append(BriefSection(
                id: "improvements", title: "Suggestions", rank: Self.improvementsRank,
                lines: improvements.map { improvement in
                    improvement.summary + (improvement.proposedSchedule.map { " (preview: \($0.previewCommand))" } ?? "")
                },
                items: .array(improvements.map(\.json))))
        }
        return sections
    }

    private func predictions(store: any Store, now: Date, zone: TimeZone) async throws -> BriefSection? {
        let learner = PatternLearner(timeZone: zone)
        let events = try await LearningHistory.requests(in: store, learner: learner, now: now)
        let patterns = learner.patterns(from: LearningHistory.patternEvents(events), now: now)
        let predictions = learner.predictions(patterns.filter { $0.band >= .medium }, from: now)
        guard !predictions.isEmpty else { return nil }
        let enabled: Set<String>
        if case .array(let ids)? = try await store.stateValue(NightshiftApplication.enabledPatternsKey) {
            enabled = Set(ids.compactMap(\.stringValue))
        } else {
            enabled = []
        }
        let commands = LearningHistory.commands(events)
        let suggestions = Dictionary(
            learner.suggestions(patterns, from: now).map { ($0.pattern.id, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        var items: [JSONValue] = []
        for prediction in predictions {
            let pattern = prediction.pattern
            var line = "\(pattern.name) expected at \(ISO8601.format(prediction.expectedAt, in: zone)) "
                + "(\(pattern.description), confidence \(NightshiftApplication.figure(pattern.confidence)))"
            var item: [String: JSONValue] = [
                "pattern": .string(pattern.id), "name": .string(pattern.name), "band": .string(pattern.band.rawValue),
                "confidence": .number(pattern.confidence), "expected_at": .string(ISO8601.format(prediction.expectedAt, in: zone)),
            ]
            if let suggestion = suggestions[pattern.id] {
                let start = ISO8601.format(suggestion.prebuildAt, in: zone)
                item["prebuild_at"] = .string(start)
                item["enabled"] = .bool(enabled.contains(pattern.id))
                if commands[pattern.name] == nil {
                    line += "; pre-build at \(start) once it has a command: log it with --meta '{\"command\": [...]}'"
                } else if enabled.contains(pattern.id) {
                    line += "; pre-built automatically at \(start), through the policy gate"
                } else if suggestion.autoExecute {
                    line += "; pre-build at \(start): nightshift patterns enable \(pattern.id)"
                } else {
                    line += "; pre-build suggested at \(start)"
                }
            }
            lines.append(line)
            items.append(.object(item))
        }
        return BriefSection(id: "predictions", title: "Predictions for today", rank: BriefSection.Rank.predictions, lines: lines, items: .array(items))
    }
}
