public import Foundation

/// A TOML value. Nested values are ``TOMLNode``s, so each keeps the place it was written.
///
/// Date and time kinds follow TOML's four flavours. Only an offset date-time names an instant, so
/// only it becomes a `Date`; the local kinds keep their fields in `DateComponents` with no calendar
/// or time zone, and `nanosecond` is set only when fractional seconds were written (digits past
/// the ninth are truncated).
public enum TOMLValue: Sendable, Hashable {
    /// A string of any of the four string syntaxes, escapes resolved.
    case string(String)
    /// A 64-bit signed integer written in decimal, hexadecimal, octal or binary.
    case integer(Int64)
    /// A float, including `inf`, `-inf` and `nan`.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// A date-time with `Z` or a numeric offset, such as `1979-05-27T07:32:00-05:00`.
    case offsetDateTime(Date)
    /// A date-time without offset: year, month, day, hour, minute, second (and nanosecond).
    case localDateTime(DateComponents)
    /// A date alone: year, month and day.
    case localDate(DateComponents)
    /// A time of day alone: hour, minute, second (and nanosecond).
    case localTime(DateComponents)
    /// An array; its elements may be of mixed types.
    case array([TOMLNode])
    /// A table: a `[header]` table, an inline table, a dotted-key table or an array-of-tables element.
    case table(TOMLTable)

    /// The TOML name of this value's type, for messages: `string`, `integer`, `float`, `boolean`,
    /// `offset date-time`, `local date-time`, `local date`, `local time`, `array` or `table`.
    public var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .offsetDateTime: "offset date-time"
        case .localDateTime: "local date-time"
        case .localDate: "local date"
        case .localTime: "local time"
        case .array: "array"
        case .table: "table"
        }
    }

    /// ``typeName`` with its indefinite article, as in `expected a string, found an integer`.
    public var typeNameWithArticle: String {
        switch self {
        case .integer, .offsetDateTime, .array: "an \(typeName)"
        default: "a \(typeName)"
        }
    }
}
