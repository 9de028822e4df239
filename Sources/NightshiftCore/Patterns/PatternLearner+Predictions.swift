public import Foundation

extension PatternLearner {
    /// The next expected request of each pattern strictly after `now` and at most `horizon`
    /// later, soonest first (then by pattern id).
    ///
    /// A weekday pattern is expected on its next weekday at its typical local time, a time-of-day
    /// pattern at its next typical local time; a time that daylight saving skips moves to the
    /// next existing one.
    public func predictions(
        _ patterns: [Pattern], from now: Date, within horizon: TimeInterval = 24 * 3_600
    ) -> [PatternPrediction] {
        let calendar = LocalMoment.calendar(in: timeZone)
        let end = now.addingTimeInterval(horizon)
        return patterns.compactMap { pattern -> PatternPrediction? in
            var wanted = DateComponents(hour: pattern.typicalMinute / 60, minute: pattern.typicalMinute % 60, second: 0)
            if case .dayOfWeek(let weekday) = pattern.kind { wanted.weekday = weekday }
            guard let next = calendar.nextDate(after: now, matching: wanted, matchingPolicy: .nextTime),
                  next <= end
            else { return nil }
            return PatternPrediction(pattern: pattern, expectedAt: next)
        }
        .sorted { ($0.expectedAt, $0.pattern.id) < ($1.expectedAt, $1.pattern.id) }
    }

    /// Pre-builds for the medium- and high-band patterns expected within `horizon`, by start time.
    ///
    /// Each starts the preferred lead (3 h) before the expected request; when that moment has
    /// passed but the shortest lead (2 h) has not, it starts at `now`; with less than the shortest
    /// lead left it is too late and the pattern is skipped.
    public func suggestions(
        _ patterns: [Pattern], from now: Date, within horizon: TimeInterval = 24 * 3_600
    ) -> [PrebuildSuggestion] {
        let eligible = patterns.filter { $0.band >= .medium }
        let shortest = configuration.prebuildLead.lowerBound
        return predictions(eligible, from: now, within: horizon).compactMap { prediction -> PrebuildSuggestion? in
            let ideal = prediction.expectedAt.addingTimeInterval(-preferredLead)
            let start: Date
            if ideal >= now {
                start = ideal
            } else if prediction.expectedAt.addingTimeInterval(-shortest) >= now {
                start = now
            } else {
                return nil
            }
            return PrebuildSuggestion(
                pattern: prediction.pattern, expectedAt: prediction.expectedAt, prebuildAt: start,
                autoExecute: prediction.pattern.confidence >= configuration.autoExecuteThreshold)
        }
        .sorted { ($0.prebuildAt, $0.expectedAt, $0.pattern.id) < ($1.prebuildAt, $1.expectedAt, $1.pattern.id) }
    }

    /// A cron schedule for a high-band pattern's pre-build, firing the preferred lead (3 h) before
    /// its typical local time: on the weekday of a weekday pattern (the day before when that
    /// crosses midnight), daily for a time-of-day pattern. Nil below the high band.
    ///
    /// A Thursday 09:00 pattern gives `0 6 * * 4`; a Thursday 01:30 one gives `30 22 * * 3`. The
    /// expression is meant to run in ``timeZone``.
    public func schedule(for pattern: Pattern) -> CronExpression? {
        guard pattern.band == .high else { return nil }
        let lead = Int((preferredLead / 60).rounded())
        var minute = pattern.typicalMinute - lead
        var dayShift = 0
        while minute < 0 {
            minute += TimeCluster.minutesPerDay
            dayShift -= 1
        }
        let weekdayField: String
        switch pattern.kind {
        case .dayOfWeek(let weekday):
            // Cron counts weekdays from 0 = Sunday, Foundation from 1 = Sunday.
            weekdayField = String(((weekday - 1 + dayShift) % 7 + 7) % 7)
        case .timeOfDay:
            weekdayField = "*"
        }
        return try? CronExpression(parsing: "\(minute % 60) \(minute / 60) * * \(weekdayField)")
    }

    /// The preferred lead, held within ``Configuration/prebuildLead``.
    var preferredLead: TimeInterval {
        min(max(configuration.preferredPrebuildLead, configuration.prebuildLead.lowerBound),
            configuration.prebuildLead.upperBound)
    }
}
