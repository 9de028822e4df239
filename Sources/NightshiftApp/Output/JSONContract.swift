public import Foundation
public import NightshiftCore

/// How every `--json` view is encoded, for the CLI now and the HTTP API and MCP server later:
/// keys sorted, dates as UTC ISO 8601, the views' Swift property names in snake case.
public enum JSONContract {
    /// Encodes an `Encodable` view: its property names become snake-case keys.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.format(date, in: utc))
        }
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(value)
    }

    /// Encodes a JSON value as it is: its keys are the view's own.
    public static func encode(_ value: JSONValue) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    private static let utc = TimeZone(identifier: "UTC")!
}
