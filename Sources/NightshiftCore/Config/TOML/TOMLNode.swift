public import Foundation

/// A TOML value together with the place where it starts in the source.
///
/// For a scalar or an inline value the location is its first character (the opening quote of a
/// string, the sign of a number, the `[` of an array, the `{` of an inline table). For a table it
/// is the table's ``TOMLTable/location``; for an array of tables it is the first `[[` header.
///
/// The typed accessors return `nil` unless the value is exactly of that type; an integer is not
/// read as a float. Use ``typeName`` to build a message when they do:
///
/// ```swift
/// guard let name = node.string else {
///     throw ConfigError("\(node.location): expected a string, found \(node.value.typeNameWithArticle)")
/// }
/// ```
public struct TOMLNode: Sendable, Hashable {
    /// The value.
    public var value: TOMLValue
    /// Where the value starts.
    public var location: SourcePosition

    /// Creates a node from a value and where it starts.
    public init(_ value: TOMLValue, at location: SourcePosition) {
        self.value = value
        self.location = location
    }

    /// Creates a node from a value and where it starts (memberwise spelling).
    public init(value: TOMLValue, location: SourcePosition) {
        self.init(value, at: location)
    }

    /// The value's TOML type name, such as `string` or `table`; see ``TOMLValue/typeName``.
    public var typeName: String { value.typeName }

    /// The string, if this is a string.
    public var string: String? {
        if case .string(let string) = value { string } else { nil }
    }

    /// The integer, if this is an integer.
    public var int64: Int64? {
        if case .integer(let integer) = value { integer } else { nil }
    }

    /// The integer as `Int`, if this is an integer that fits.
    public var int: Int? {
        int64.flatMap { Int(exactly: $0) }
    }

    /// The float, if this is a float.
    public var double: Double? {
        if case .float(let double) = value { double } else { nil }
    }

    /// The value as a number, if this is an integer or a float.
    public var number: Double? {
        switch value {
        case .integer(let integer): Double(integer)
        case .float(let double): double
        default: nil
        }
    }

    /// The boolean, if this is a boolean.
    public var bool: Bool? {
        if case .boolean(let bool) = value { bool } else { nil }
    }

    /// The instant, if this is an offset date-time.
    public var date: Date? {
        if case .offsetDateTime(let date) = value { date } else { nil }
    }

    /// The fields, if this is a local date-time, local date or local time.
    public var dateComponents: DateComponents? {
        switch value {
        case .localDateTime(let components), .localDate(let components), .localTime(let components):
            components
        default:
            nil
        }
    }

    /// The elements, if this is an array or an array of tables.
    public var array: [TOMLNode]? {
        if case .array(let array) = value { array } else { nil }
    }

    /// The table, if this is a table.
    public var table: TOMLTable? {
        if case .table(let table) = value { table } else { nil }
    }
}
