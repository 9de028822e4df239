import Foundation

/// One name's events in the lookback, read on the local clock.
struct NameHistory {
    /// The request name.
    var name: String
    /// The events, oldest first.
    var events: [PatternEvent]
    /// `events` on the local clock, in the same order.
    var moments: [LocalMoment]
    /// The local days the name was observed on: from its first event's day up to yesterday, and
    /// today when today has the event.
    var observedDays: [CalendarDay]

    init(name: String, events: [PatternEvent], today: CalendarDay, calendar: Calendar) {
        self.name = name
        self.events = events.sorted { $0.at < $1.at }
        moments = self.events.map { LocalMoment($0.at, in: calendar) }
        let first = moments.map(\.day).min() ?? today
        let last = moments.contains { $0.day == today } ? today : today.adding(days: -1)
        let count = max(1, Int(last.daysSince1970 - first.daysSince1970) + 1)
        observedDays = (0..<count).map { first.adding(days: $0) }
    }

    /// The distinct local days among the events at `indices`.
    func days(of indices: some Sequence<Int>) -> Set<CalendarDay> {
        Set(indices.map { moments[$0].day })
    }
}

extension PatternLearner {
    /// The name's pattern on `weekday`, or nil when fewer days than required fall on it.
    func dayOfWeekPattern(_ history: NameHistory, weekday: Int) -> Pattern? {
        let indices = history.moments.indices.filter { history.moments[$0].weekday == weekday }
        let days = history.days(of: indices)
        guard days.count >= requiredOccurrences,
              let cluster = TimeCluster.densest(
                  indices.map { history.moments[$0].minute }, tolerance: configuration.timeToleranceMinutes)
        else { return nil }

        let observedOnWeekday = history.observedDays.filter { LocalMoment.weekday(of: $0) == weekday }.count
        let coverage = min(1, Double(days.count) / Double(max(1, observedOnWeekday)))
        let otherDays = history.days(of: history.moments.indices).count - days.count
        let otherObserved = history.observedDays.count - observedOnWeekday
        let elsewhere = otherObserved > 0 ? min(1, Double(otherDays) / Double(otherObserved)) : 0
        // Scattered times still make a weekday routine, but one whose time cannot be predicted.
        let onTime = Double(cluster.members.count) / Double(indices.count)
        return pattern(
            history, kind: .dayOfWeek(weekday: weekday), occurrences: days.count,
            consistency: coverage * (1 - elsewhere) * (1 + onTime) / 2, typicalMinute: cluster.typicalMinute,
            members: indices)
    }

    /// The name's time-of-day pattern, or nil when fewer days than required have a request near
    /// the typical time.
    func timeOfDayPattern(_ history: NameHistory) -> Pattern? {
        guard let cluster = TimeCluster.densest(
            history.moments.map(\.minute), tolerance: configuration.timeToleranceMinutes)
        else { return nil }
        let days = history.days(of: cluster.members)
        guard days.count >= requiredOccurrences else { return nil }

        let onTime = Double(cluster.members.count) / Double(history.events.count)
        let coverage = min(1, Double(days.count) / Double(history.observedDays.count))
        return pattern(
            history, kind: .timeOfDay(minute: cluster.typicalMinute), occurrences: days.count,
            consistency: onTime * coverage, typicalMinute: cluster.typicalMinute, members: cluster.members)
    }

    /// A pattern with consistency and confidence rounded to two decimals, confidence computed
    /// from the rounded consistency so the published figures multiply out.
    private func pattern(
        _ history: NameHistory, kind: PatternKind, occurrences: Int, consistency: Double,
        typicalMinute: Int, members: [Int]
    ) -> Pattern {
        let consistency = Self.rounded(consistency)
        let dates = members.map { history.events[$0].at }
        return Pattern(
            name: history.name, kind: kind, occurrences: occurrences, consistency: consistency,
            confidence: Self.rounded(consistency * Self.occurrenceFactor(occurrences)),
            typicalMinute: typicalMinute, firstSeen: dates.min() ?? .distantPast, lastSeen: dates.max() ?? .distantPast)
    }
}
