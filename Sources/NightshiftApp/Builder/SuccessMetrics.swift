public import Foundation
public import NightshiftBuilder
public import NightshiftCore

/// `nightshift metrics`: how the autonomous setup did over a day, a week or a month, each figure
/// beside the reference's target scaled to the period (2–3 builds and 6–8 hours shipped a night,
/// 1–2 problems fixed a day, 1+ pattern learned a week, 126–133 autonomous hours against the
/// operator's 36 a week for a 3.5–4× multiplier, 2–4 weekend projects and 5–10 self-improvements a
/// month, 3–5 high-confidence patterns).
public struct SuccessMetrics: Sendable {
    public enum Period: String, Sendable, CaseIterable {
        case day, week, month

        /// Its length in days.
        public var days: Double {
            switch self {
            case .day: 1
            case .week: 7
            case .month: 30
            }
        }
    }

    /// One figure and its target for the period (a range; nil bounds are open).
    public struct Metric: Sendable {
        public var name: String
        public var value: Double
        public var unit: String
        public var target: ClosedRange<Double>?
        public var minimum: Double?

        /// Whether the value reaches the target's low end (or the minimum).
        public var met: Bool? {
            if let target { return value >= target.lowerBound }
            if let minimum { return value >= minimum }
            return nil
        }
    }

    public var period: Period
    public var since: Date
    public var until: Date
    public var metrics: [Metric]

    /// The figures of the `period` ending at `now`.
    public static func measure(_ app: NightshiftApplication, period: Period, at now: Date) async throws -> SuccessMetrics {
        let since = now.addingTimeInterval(-period.days * 86_400)
        let scale = period.days
        let ended = try await app.store.tasks(TaskQuery(queue: QueueTask.builderQueue, states: [.succeeded], finished: since...now))
        let builds = Double(ended.count)
        let shipped = ended.map(\.hours).reduce(0, +)
        let fixed = Double(try await app.fixedProblems(from: since, until: now).count)
        let events = try await app.requestEvents(at: now)
        let learner = app.patternLearner
        let before = Set(learner.patterns(from: LearningHistory.patternEvents(events), now: since).map(\.id))
        let current = learner.patterns(from: LearningHistory.patternEvents(events), now: now)
        let learned = Double(current.filter { !before.contains($0.id) }.count)
        let highConfidence = Double(current.filter { $0.band == .high }.count)
        let weekend = Double(ended.filter { $0.window == "weekend" }.count)
        let improvements = Double(ended.filter { $0.id.hasPrefix("improve-") }.count)
        let (autonomous, operatorHours) = try await hours(app, from: since, until: now)
        let multiplier = operatorHours > 0 ? (autonomous + operatorHours) / operatorHours : 0
        func range(_ low: Double, _ high: Double, per days: Double) -> ClosedRange<Double> {
            (low * scale / days)...(high * scale / days)
        }
        return SuccessMetrics(period: period, since: since, until: now, metrics: [
            Metric(name: "builds completed", value: builds, unit: "", target: range(2, 3, per: 1)),
            Metric(name: "hours shipped", value: shipped, unit: "h", target: range(6, 8, per: 1)),
            Metric(name: "problems auto-fixed", value: fixed, unit: "", target: range(1, 2, per: 1)),
            Metric(name: "patterns learned", value: learned, unit: "", minimum: scale / 7),
            Metric(name: "autonomous hours", value: autonomous, unit: "h", target: range(126, 133, per: 7)),
            Metric(name: "operator hours", value: operatorHours, unit: "h", target: nil, minimum: nil),
            Metric(name: "productivity multiplier", value: multiplier, unit: "×", target: 3.5...4),
            Metric(name: "weekend projects completed", value: weekend, unit: "", target: range(2, 4, per: 30)),
            Metric(name: "self-improvements", value: improvements, unit: "", target: range(5, 10, per: 30)),
            Metric(name: "high-confidence patterns", value: highConfidence, unit: "", target: 3...5),
        ])
    }

    /// Hours the builder's windows were open (it works on its own then) and hours the operator's
    /// routine says they were `available` (hands-on), hour by hour over the period.
    static func hours(_ app: NightshiftApplication, from since: Date, until: Date) async throws -> (autonomous: Double, operatorHours: Double) {
        let windows = app.builderSettings?.windows ?? []
        let zone = app.configuration.settings.timeZone
        let detector = ContextDetector(settings: app.configuration.context, timeZone: zone)
        var autonomous = 0.0, operatorHours = 0.0
        var hour = since
        while hour < until {
            if windows.contains(where: { $0.isOpen(at: hour, in: zone) }) { autonomous += 1 }
            if detector.detect(at: hour, override: nil, events: []).context == .available { operatorHours += 1 }
            hour = hour.addingTimeInterval(3600)
        }
        return (autonomous, operatorHours)
    }

    /// As `metrics --json` prints it.
    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "period": .string(period.rawValue), "since": .string(ISO8601.format(since, in: zone)), "until": .string(ISO8601.format(until, in: zone)),
            "metrics": .array(metrics.map { metric in
                .object([
                    "name": .string(metric.name), "value": .number((metric.value * 100).rounded() / 100), "unit": .string(metric.unit),
                    "target": metric.target.map { .array([.number(($0.lowerBound * 100).rounded() / 100), .number(($0.upperBound * 100).rounded() / 100)]) } ?? .null,
                    "minimum": metric.minimum.map { .number(($0 * 100).rounded() / 100) } ?? .null,
                    "met": metric.met.map(JSONValue.bool) ?? .null,
                ])
            }),
        ])
    }

    /// As the terminal shows it.
    public func text(zone: TimeZone) -> String {
        func number(_ value: Double) -> String { value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value) }
        var lines = ["Success metrics, \(period.rawValue) from \(ISO8601.format(since, in: zone)) to \(ISO8601.format(until, in: zone))"]
        for metric in metrics {
            var line = "  \(metric.name): \(number(metric.value))\(metric.unit)"
            if let target = metric.target { line += "  (target \(number(target.lowerBound))–\(number(target.upperBound))\(metric.unit))" }
            if let minimum = metric.minimum { line += "  (target \(number(minimum))+)" }
            if let met = metric.met { line += met ? "  ok" : "  below" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

/// The success metrics in the morning brief: the week's in Monday's brief, the month's in the brief of
/// the month's first day (both when they coincide), each figure against its target.
struct MetricsBriefContributor: BriefContributor {
    let app: NightshiftApplication

    func sections(for period: BriefPeriod, store: any Store) async throws -> [BriefSection] {
        guard app.builderSettings != nil else { return [] }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = period.timeZone
        let day = calendar.dateComponents([.weekday, .day], from: period.until)
        var periods: [SuccessMetrics.Period] = []
        if day.weekday == 2 { periods.append(.week) }
        if day.day == 1 { periods.append(.month) }
        var sections: [BriefSection] = []
        for metricsPeriod in periods {
            let metrics = try await SuccessMetrics.measure(app, period: metricsPeriod, at: period.until)
            let lines = metrics.text(zone: period.timeZone).split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            sections.append(BriefSection(
                id: "metrics_\(metricsPeriod.rawValue)", title: "Success metrics, last \(metricsPeriod.rawValue)", rank: BriefSection.Rank.nextTasks + 5,
                lines: lines, items: metrics.json(zone: period.timeZone)
            ))
        }
        return sections
    }
}
