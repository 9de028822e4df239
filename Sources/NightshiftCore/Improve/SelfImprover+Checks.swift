import Foundation

extension SelfImprover {
    /// Operations with at least the threshold of failures in the trailing window `(now − window, now]`.
    func unreliable(_ failures: [OperationFailure], now: Date) -> [Improvement] {
        let start = now.addingTimeInterval(-configuration.failureWindow)
        let recent = failures.filter { $0.at > start && $0.at <= now }
        return Dictionary(grouping: recent, by: \.operation).compactMap { operation, failures in
            guard failures.count >= configuration.failureThreshold else { return nil }
            let ordered = failures.sorted { $0.at < $1.at }
            let hours = Self.json(configuration.failureWindow / 3_600)
            let lastError = ordered.last?.error ?? ""
            return Improvement(
                kind: .unreliable, subject: operation,
                summary: "\(operation) failed \(ordered.count) times in the last \(hours.text) h; last error: \(lastError)",
                evidence: [
                    "failures": .integer(Int64(ordered.count)),
                    "window_hours": hours,
                    "run_ids": .array(ordered.compactMap(\.runID).map(JSONValue.string)),
                    "last_error": .string(lastError),
                ])
        }
    }

    /// Operations with enough timings whose nearest-rank p90 is over the limit.
    func slow(_ timings: [OperationTiming], now: Date) -> [Improvement] {
        let limit = configuration.slowP90Milliseconds
        let past = timings.filter { $0.at <= now }
        return Dictionary(grouping: past, by: \.operation).compactMap { operation, timings in
            let durations = timings.map(\.milliseconds)
            guard timings.count >= configuration.minimumSamples,
                  let p90 = OperationStats.nearestRank(90, of: durations), p90 > limit,
                  let p50 = OperationStats.nearestRank(50, of: durations), let longest = durations.max()
            else { return nil }
            // The slowest runs over the limit, slowest first; ties by time so the list is stable.
            let slowest = timings.filter { $0.milliseconds > limit }
                .sorted { ($1.milliseconds, $0.at) < ($0.milliseconds, $1.at) }
                .compactMap(\.runID)
                .prefix(configuration.evidenceRunLimit)
            return Improvement(
                kind: .slow, subject: operation,
                summary: "\(operation) is slow: p90 \(Self.seconds(p90)) over \(timings.count) runs, "
                    + "above the \(Self.seconds(limit)) limit",
                evidence: [
                    "p50_ms": Self.json(p50),
                    "p90_ms": Self.json(p90),
                    "max_ms": Self.json(longest),
                    "samples": .integer(Int64(timings.count)),
                    "threshold_ms": Self.json(limit),
                    "run_ids": .array(slowest.map(JSONValue.string)),
                ])
        }
    }

    /// Topics corrected at least the threshold of times in the trailing window `(now − window, now]`,
    /// compared without regard to case; the evidence lists each correction, oldest first.
    func knowledgeGaps(_ corrections: [CorrectionRecord], now: Date) -> [Improvement] {
        let start = now.addingTimeInterval(-configuration.correctionWindow)
        let recent = corrections.filter { $0.at > start && $0.at <= now }
        let days = Self.json(configuration.correctionWindow / 86_400)
        return Dictionary(grouping: recent) { $0.topic.lowercased() }.compactMap { _, corrections in
            guard corrections.count >= configuration.correctionThreshold else { return nil }
            let ordered = corrections.sorted { $0.at < $1.at }
            let topic = ordered.last?.topic ?? ""
            return Improvement(
                kind: .knowledgeGap, subject: topic,
                summary: "\(topic) was corrected \(ordered.count) times in \(days.text) days; write down what is missing "
                    + "(latest: \(ordered.last?.text ?? ""))",
                evidence: [
                    "corrections": .integer(Int64(ordered.count)), "window_days": days,
                    "texts": .array(ordered.map { .string($0.text) }),
                ])
        }
    }

    /// Jobs run by hand on at least the threshold of distinct local days in the trailing window
    /// `(now − window, now]`. Runs on one day count once (the day's first): a proposal is at most
    /// daily, so three runs within a minute are one day's evidence, not three.
    ///
    /// The proposal runs the job at the days' typical local time (as ``PatternLearner`` finds it)
    /// when more than half of the days fall within the tolerance of it: Monday to Friday when every
    /// run was on a weekday (`0 8 * * 1-5`), daily otherwise (`0 8 * * *`). Runs at scattered
    /// times get no proposal.
    func automation(_ runs: [ManualRunRecord], now: Date) -> [Improvement] {
        let start = now.addingTimeInterval(-configuration.manualRunWindow)
        let recent = runs.filter { $0.at > start && $0.at <= now }
        let calendar = LocalMoment.calendar(in: timeZone)
        let days = Self.json(configuration.manualRunWindow / 86_400)
        return Dictionary(grouping: recent, by: \.job).compactMap { job, runs in
            let ordered = runs.sorted { $0.at < $1.at }
            let moments = ordered.map { LocalMoment($0.at, in: calendar) }
            var seenDays: Set<CalendarDay> = []
            let firstOfDay = moments.filter { seenDays.insert($0.day).inserted }
            guard firstOfDay.count >= configuration.manualRunThreshold else { return nil }
            var evidence: [String: JSONValue] = [
                "runs": .integer(Int64(ordered.count)),
                "days": .integer(Int64(firstOfDay.count)),
                "window_days": days,
                "run_ids": .array(ordered.map { .string($0.runID) }),
            ]
            let onDays = firstOfDay.count == ordered.count ? "" : " on \(firstOfDay.count) days"
            let lead = "\(job) was run by hand \(ordered.count) times\(onDays) in \(days.text) days"
            guard let cluster = TimeCluster.densest(
                      firstOfDay.map(\.minute), tolerance: configuration.scheduleToleranceMinutes),
                  cluster.members.count * 2 > firstOfDay.count
            else {
                return Improvement(
                    kind: .automate, subject: job,
                    summary: lead + " at varying times; consider giving it a schedule", evidence: evidence)
            }
            let weekdaysOnly = moments.allSatisfy { (2...6).contains($0.weekday) }
            let minute = cluster.typicalMinute
            let text = "\(minute % 60) \(minute / 60) * * \(weekdaysOnly ? "1-5" : "*")"
            let time = Pattern.clock(minute)
            evidence["typical_time"] = .string(time)
            evidence["on_time_runs"] = .integer(Int64(cluster.members.count))
            evidence["weekdays_only"] = .bool(weekdaysOnly)
            let proposal = (try? CronExpression(parsing: text)).map {
                ProposedSchedule(job: job, cron: $0, timeZone: TimeZones.displayName(timeZone))
            }
            return Improvement(
                kind: .automate, subject: job,
                summary: lead + ", usually around \(time)\(weekdaysOnly ? " on weekdays" : ""); "
                    + "schedule it with \"\(text)\"",
                evidence: evidence, proposedSchedule: proposal)
        }
    }
}
