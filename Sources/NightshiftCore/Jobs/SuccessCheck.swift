/// The extra condition a run's output must meet for the run to count as `succeeded`.
///
/// ```swift
/// SuccessCheck.contains("OK").evaluate("all OK\n")                       // (true, nil)
/// SuccessCheck.jsonField(path: "result.ok", equals: "true")
///     .evaluate("starting\n{\"result\": {\"ok\": false}}")              // (false, "field \"result.ok\" is \"false\", expected \"true\"")
/// ```
public enum SuccessCheck: Sendable, Hashable, CustomStringConvertible {
    /// The output contains this text.
    case contains(String)
    /// The output contains a match of this regular expression (Swift `Regex` syntax).
    case matches(String)
    /// A field of the output's JSON object, rendered as text (`true`, `3`, `ok`, `null`),
    /// equals `equals`.
    ///
    /// The object is the whole output if that parses as one, otherwise the last line that
    /// does. `path` is a dotted path such as `status` or `result.ok`; a numeric component
    /// indexes into an array (`items.0.id`).
    case jsonField(path: String, equals: String)

    public var description: String {
        switch self {
        case .contains(let text): "output contains \"\(text)\""
        case .matches(let pattern): "output matches /\(pattern)/"
        case .jsonField(let path, let value): "JSON field \(path) = \(value)"
        }
    }
}

extension SuccessCheck {
    /// Checks `output` and explains a failure.
    ///
    /// - Returns: `passed`, and when it is `false` a `reason` such as
    ///   `output does not contain "OK"`, `field "status" is "error", expected "ok"` or
    ///   `no JSON object in output`.
    public func evaluate(_ output: String) -> (passed: Bool, reason: String?) {
        switch self {
        case .contains(let needle):
            if output.contains(needle) { return (true, nil) }
            return (false, "output does not contain \(Self.quoted(needle))")
        case .matches(let pattern):
            let regex: Regex<AnyRegexOutput>
            do {
                regex = try Regex(pattern)
            } catch {
                return (false, "invalid regular expression \(Self.quoted(pattern)): \(error)")
            }
            if output.contains(regex) { return (true, nil) }
            return (false, "output does not match /\(pattern)/")
        case .jsonField(let path, let expected):
            guard let object = JSONValue.lastObject(in: output) else {
                return (false, "no JSON object in output")
            }
            switch object.lookup(path) {
            case .none:
                return (false, "field \(Self.quoted(path)) not found in JSON output")
            case .some(.array):
                return (false, "field \(Self.quoted(path)) is an array, expected \(Self.quoted(expected))")
            case .some(.object):
                return (false, "field \(Self.quoted(path)) is an object, expected \(Self.quoted(expected))")
            case .some(let value):
                let actual = value.text
                if actual == expected { return (true, nil) }
                return (false, "field \(Self.quoted(path)) is \(Self.quoted(actual)), expected \(Self.quoted(expected))")
            }
        }
    }

    /// Checks that `pattern` compiles as a Swift `Regex`, for validating configuration.
    ///
    /// - Returns: `nil` if it is valid, otherwise a message saying what is wrong.
    public static func validateRegex(_ pattern: String) -> String? {
        do {
            _ = try Regex(pattern)
            return nil
        } catch {
            return "invalid regular expression \(quoted(pattern)): \(error)"
        }
    }

    /// A problem with this check's own definition (an invalid regex or an empty JSON
    /// path), or `nil` if it can be evaluated.
    public var validationError: String? {
        switch self {
        case .contains:
            return nil
        case .matches(let pattern):
            return Self.validateRegex(pattern)
        case .jsonField(let path, _):
            if path.isEmpty || path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                return "invalid JSON field path \(Self.quoted(path)): use names separated by dots, like result.ok"
            }
            return nil
        }
    }

    private static func quoted(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }
}
