import Foundation
import NightshiftCore

/// Reads the JSON text of a stored column (a task's `attributes`, `depends_on` and `result`, a
/// step's output) into the ``JSONValue`` that Foundation's `JSONDecoder` made of it, at a fraction of
/// its cost: decoding a `JSONValue` through `JSONDecoder` tries each type in turn and builds a
/// `DecodingError` for every miss, a hundred allocations for `{}`.
enum StoredJSON {
    /// The value of `text`, or nil when it is not JSON.
    static func parse(_ text: String) -> JSONValue? {
        if let value = try? StrictJSON.parse(text) {
            return hasWholeNumber(value) ? decoderForm(value) : value
        }
        // What StrictJSON refuses and Foundation reads (a duplicate key, a trailing comma: a value
        // edited by hand) is read as it was before.
        return try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// `JSONDecoder` reads every number that is exactly a 64-bit integer as one (`1.0`, `1e2`,
    /// `1e+16`), where ``StrictJSON`` keeps those written with a fraction or exponent as numbers.
    private static func decoderForm(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let number): Int64(exactly: number).map(JSONValue.integer) ?? value
        case .array(let items): .array(items.map(decoderForm))
        case .object(let members): .object(members.mapValues(decoderForm))
        default: value
        }
    }

    private static func hasWholeNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): Int64(exactly: number) != nil
        case .array(let items): items.contains(where: hasWholeNumber)
        case .object(let members): members.values.contains(where: hasWholeNumber)
        default: false
        }
    }
}
