public import Foundation

/// The extra condition a run's output must meet for the run to count as `succeeded`.
public enum SuccessCheck: Sendable, Hashable, CustomStringConvertible {
    /// The output contains this text.
    case contains(String)
    /// The output matches this regular expression.
    case matches(String)
    /// The JSON object printed (whole output, or its last line that is a JSON object) has this field,
    /// by dotted path, equal to this value rendered as text (`true`, `3`, `ok`).
    case jsonField(path: String, equals: String)

    public var description: String {
        switch self {
        case .contains(let text): "output contains \"\(text)\""
        case .matches(let pattern): "output matches /\(pattern)/"
        case .jsonField(let path, let value): "JSON field \(path) = \(value)"
        }
    }

    /// Checks the output; a failure comes with its reason.
    public func evaluate(_ output: String) -> (passed: Bool, reason: String?) {
        switch self {
        case .contains(let text):
            return output.contains(text) ? (true, nil) : (false, "output does not contain \"\(text)\"")
        case .matches(let pattern):
            guard let regex = try? Regex(pattern) else { return (false, "invalid regular expression /\(pattern)/") }
            return output.contains(regex) ? (true, nil) : (false, "output does not match /\(pattern)/")
        case .jsonField(let path, let expected):
            guard let object = Self.lastJSONObject(in: output) else { return (false, "no JSON object in output") }
            var current: JSONValue? = object
            for part in path.split(separator: ".") {
                current = current?[String(part)]
            }
            guard let current else { return (false, "field \"\(path)\" is absent") }
            let actual = current.text
            return actual == expected ? (true, nil) : (false, "field \"\(path)\" is \(actual), expected \(expected)")
        }
    }

    /// Returns an error message if `pattern` is not a valid regular expression.
    public static func validateRegex(_ pattern: String) -> String? {
        do {
            _ = try Regex(pattern)
            return nil
        } catch {
            return "invalid regular expression: \(error)"
        }
    }

    private static func lastJSONObject(in output: String) -> JSONValue? {
        if let whole = parseObject(output) { return whole }
        for line in output.split(whereSeparator: \.isNewline).reversed() {
            if let object = parseObject(String(line)) { return object }
        }
        return nil
    }

    private static func parseObject(_ text: String) -> JSONValue? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{") else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8))
    }
}
