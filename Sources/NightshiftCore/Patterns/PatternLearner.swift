public import Foundation

/// Learns the operator's routines from request events: requests that come on one weekday
/// (Thursdays → `nba_rankings`) or every day around one time (~18:00 → `workout_log`).
///
/// All day and time arithmetic happens on the local clock of ``timeZone`` (a Gregorian calendar),
/// so a 09:00 routine stays at 09:00 across daylight-saving changes.
///
/// **Days observed.** A name is observed from the local day of its first event in the lookback up
/// to yesterday, and today too once today has the event (its time may still be ahead).
///
/// **Day of week.** For each weekday with at least ``Configuration/minimumOccurrences`` distinct
/// days holding the event: `coverage` = those days ÷ that weekday's days observed, and `elsewhere`
/// = the name's other days ÷ the other days observed, and `onTime` = the share of that weekday's
/// requests within ``Configuration/timeToleranceMinutes`` of their typical time. Consistency is
/// `coverage × (1 − elsewhere) × (1 + onTime) ÷ 2`: a name that comes every day is not a Thursday
/// pattern, and a Thursday routine at scattered times counts about half.
///
/// **Time of day.** The event times bunch around a typical minute (the event time with the most
/// events within ``Configuration/timeToleranceMinutes`` of it on the 24-hour circle). Consistency
/// is `(events within the tolerance ÷ all events) × (days with such an event ÷ days observed)`.
///
/// **Confidence** is `consistency × occurrenceFactor(occurrences)`, see ``occurrenceFactor(_:)``:
/// two perfectly consistent occurrences give 0.4 (low), three 0.5 and four 0.6 (medium), five 0.7
/// and six 0.76 (high), seven 0.81 (may auto-execute), eight 0.85. Each name is explained one way,
/// by its weekdays or by its time of day, whichever gives the higher confidence (weekdays on a tie);
/// patterns under ``Configuration/minimumConfidence`` are noise and not reported.
///
/// ```swift
/// let learner = PatternLearner(timeZone: try TimeZones.named("Europe/Berlin"))
/// let patterns = learner.patterns(from: events, now: now)
/// let prebuilds = learner.suggestions(patterns, from: now)
/// ```
public struct PatternLearner: Sendable {
    /// Thresholds and windows of the learner.
    public struct Configuration: Sendable, Hashable {
        /// Distinct days a routine needs before it is a pattern; never less than 2.
        public var minimumOccurrences = 2
        /// How far back events count.
        public var lookback: TimeInterval = 56 * 86_400
        /// How far (minutes) a request may be from the typical time and still be on time.
        public var timeToleranceMinutes = 45
        /// How long before the expected request a pre-build may start.
        public var prebuildLead: ClosedRange<TimeInterval> = 2 * 3_600...4 * 3_600
        /// The lead a pre-build aims for, within ``prebuildLead``.
        public var preferredPrebuildLead: TimeInterval = 3 * 3_600
        /// Confidence from which a pattern's pre-build may run without asking.
        public var autoExecuteThreshold = 0.8
        /// Confidence under which a candidate is noise and not reported.
        public var minimumConfidence = 0.1

        /// The defaults above.
        public init() {}
    }

    /// Thresholds and windows.
    public var configuration: Configuration
    /// The workspace's zone, in which days and times of day are read.
    public var timeZone: TimeZone

    /// A learner reading days and times in `timeZone`.
    public init(configuration: Configuration = Configuration(), timeZone: TimeZone) {
        self.configuration = configuration
        self.timeZone = timeZone
    }

    /// The weight of `occurrences` consistent days: `0.2 + 0.1·n` up to five (0.4, 0.5, 0.6, 0.7),
    /// then `1 − 0.3·0.8^(n−5)` (0.76, 0.81, 0.85, 0.88 …), approaching 1; 0 below two.
    public static func occurrenceFactor(_ occurrences: Int) -> Double {
        guard occurrences >= 2 else { return 0 }
        if occurrences <= 5 { return 0.2 + 0.1 * Double(occurrences) }
        return 1 - 0.3 * pow(0.8, Double(occurrences - 5))
    }

    /// The patterns in `events` at or before `now` and within the lookback, by confidence
    /// (highest first), then id.
    public func patterns(from events: [PatternEvent], now: Date) -> [Pattern] {
        let calendar = LocalMoment.calendar(in: timeZone)
        let earliest = now.addingTimeInterval(-configuration.lookback)
        let recent = events.filter { $0.at >= earliest && $0.at <= now }
        let today = LocalMoment(now, in: calendar).day
        var found: [Pattern] = []
        for (name, named) in Dictionary(grouping: recent, by: \.name) {
            let history = NameHistory(name: name, events: named, today: today, calendar: calendar)
            found += explain(history)
        }
        return found.sorted { ($1.confidence, $0.id) < ($0.confidence, $1.id) }
    }

    /// The name's patterns: its weekday patterns or its time-of-day pattern, whichever is stronger.
    private func explain(_ history: NameHistory) -> [Pattern] {
        let weekdays = (1...7).compactMap { dayOfWeekPattern(history, weekday: $0) }
        let daily = timeOfDayPattern(history)
        let strongestWeekday = weekdays.map(\.confidence).max() ?? -1
        let chosen: [Pattern]
        if let daily, daily.confidence > strongestWeekday {
            chosen = [daily]
        } else {
            chosen = weekdays
        }
        return chosen.filter { $0.confidence >= configuration.minimumConfidence }
    }

    /// At least 2, whatever the configuration says: one occurrence is never a routine.
    var requiredOccurrences: Int { max(2, configuration.minimumOccurrences) }

    /// `value` rounded to two decimals.
    static func rounded(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }
}
