/// What repeats in a pattern: a weekday or a time of day.
///
/// Encoded with a stable shape for listings and stores:
/// `{"kind":"day_of_week","weekday":5}` or `{"kind":"time_of_day","minute":1080}`.
public enum PatternKind: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The request comes on one weekday (1 = Sunday … 7 = Saturday, as Foundation's `Calendar`).
    case dayOfWeek(weekday: Int)
    /// The request comes every day around one time, `minute` minutes after local midnight.
    case timeOfDay(minute: Int)

    /// English weekday names indexed by `weekday - 1`; descriptions do not follow the locale.
    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// `day_of_week` or `time_of_day`, the `kind` member of the JSON form.
    public var tag: String {
        switch self {
        case .dayOfWeek: "day_of_week"
        case .timeOfDay: "time_of_day"
        }
    }

    /// `Thursdays` or `every day`.
    public var description: String {
        switch self {
        case .dayOfWeek(let weekday): Self.weekdayName(weekday) + "s"
        case .timeOfDay: "every day"
        }
    }

    /// The English name of `weekday` (1 = Sunday), or `weekday N` outside 1...7.
    static func weekdayName(_ weekday: Int) -> String {
        (1...7).contains(weekday) ? weekdayNames[weekday - 1] : "weekday \(weekday)"
    }

    private enum CodingKeys: String, CodingKey {
        case kind, weekday, minute
    }

    /// Decodes the `{"kind": …}` shape; an unknown kind is a data error naming it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "day_of_week":
            self = .dayOfWeek(weekday: try container.decode(Int.self, forKey: .weekday))
        case "time_of_day":
            self = .timeOfDay(minute: try container.decode(Int.self, forKey: .minute))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "\"\(kind)\" is not a pattern kind; expected \"day_of_week\" or \"time_of_day\"")
        }
    }

    /// Encodes the `{"kind": …}` shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tag, forKey: .kind)
        switch self {
        case .dayOfWeek(let weekday): try container.encode(weekday, forKey: .weekday)
        case .timeOfDay(let minute): try container.encode(minute, forKey: .minute)
        }
    }
}
