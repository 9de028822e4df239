public import Foundation

/// A routine the learner found in the operator's requests: a name that comes on one weekday, or
/// every day around one time.
///
/// ```swift
/// let pattern = learner.patterns(from: events, now: now)[0]
/// pattern.id           // "nba_rankings.thu"
/// pattern.description  // "Thursdays around 09:00"
/// pattern.band         // .high
/// ```
public struct Pattern: Sendable, Hashable, Codable, Identifiable, CustomStringConvertible {
    /// `NAME.WEEKDAY` for a weekday pattern (`nba_rankings.thu`), `NAME.HHMM` for a time of day
    /// (`workout_log.1800`): stable while the routine holds, and readable in listings.
    public var id: String
    /// The request name the pattern is about.
    public var name: String
    /// What repeats: the weekday, or the time of day.
    public var kind: PatternKind
    /// Distinct local days that show the routine: days on the weekday for a weekday pattern, days
    /// with a request within the tolerance of ``typicalMinute`` for a time-of-day pattern.
    public var occurrences: Int
    /// How regularly the routine held over the days observed, 0...1, two decimals; see
    /// ``PatternLearner`` for the definition of each kind.
    public var consistency: Double
    /// `consistency × PatternLearner.occurrenceFactor(occurrences)`, 0...1, two decimals.
    public var confidence: Double
    /// The band ``confidence`` falls in.
    public var band: ConfidenceBand
    /// The minute of the local day the request usually comes at (0...1439), for both kinds.
    public var typicalMinute: Int
    /// The first request that is part of the pattern.
    public var firstSeen: Date
    /// The latest request that is part of the pattern.
    public var lastSeen: Date
    /// For the operator: `Thursdays around 09:10` or `every day around 18:00`.
    public var description: String

    /// A pattern with these measurements; the id, band and description follow from them.
    public init(
        name: String, kind: PatternKind, occurrences: Int, consistency: Double, confidence: Double,
        typicalMinute: Int, firstSeen: Date, lastSeen: Date
    ) {
        self.name = name
        self.kind = kind
        self.occurrences = occurrences
        self.consistency = consistency
        self.confidence = confidence
        self.band = ConfidenceBand(confidence: confidence)
        self.typicalMinute = typicalMinute
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.id = Self.id(name: name, kind: kind, typicalMinute: typicalMinute)
        self.description = "\(kind) around \(Self.clock(typicalMinute))"
    }

    /// ``typicalMinute`` as `HH:MM`.
    public var typicalTime: String { Self.clock(typicalMinute) }

    /// The id of a pattern of `name` and `kind` at `typicalMinute`.
    static func id(name: String, kind: PatternKind, typicalMinute: Int) -> String {
        switch kind {
        case .dayOfWeek(let weekday):
            return name + "." + PatternKind.weekdayName(weekday).prefix(3).lowercased()
        case .timeOfDay:
            return name + "." + clock(typicalMinute).replacingOccurrences(of: ":", with: "")
        }
    }

    /// A minute of the day as `HH:MM`.
    static func clock(_ minute: Int) -> String {
        let wrapped = ((minute % 1440) + 1440) % 1440
        let hour = wrapped / 60, rest = wrapped % 60
        return (hour < 10 ? "0" : "") + String(hour) + ":" + (rest < 10 ? "0" : "") + String(rest)
    }
}

/// How sure the learner is of a pattern, in the three bands the operator sees.
public enum ConfidenceBand: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Below 0.5: two or three occurrences, or an inconsistent routine. Never suggested.
    case low
    /// 0.5 up to (not including) 0.7: three to five consistent occurrences.
    case medium
    /// 0.7 or more: five or more consistent occurrences.
    case high

    /// The band a confidence (0...1) falls in.
    public init(confidence: Double) {
        if confidence >= 0.7 {
            self = .high
        } else if confidence >= 0.5 {
            self = .medium
        } else {
            self = .low
        }
    }

    /// `low`, `medium` or `high`.
    public var description: String { rawValue }

    /// Orders the bands low < medium < high.
    public static func < (lhs: ConfidenceBand, rhs: ConfidenceBand) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }
}
