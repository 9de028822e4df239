public import NightshiftCore

/// What a pattern's pre-build runs: the `command` key of the meta its requests were logged with.
///
/// A string is a shell line (run by `/bin/sh -c`), an array of strings an argv (no shell):
///
/// ```sh
/// nightshift patterns log nba_rankings --meta '{"command": ["./bin/rankings.sh", "--cache"]}'
/// nightshift patterns log workout_log --meta '{"command": "make -C ~/fitness summary"}'
/// ```
public enum PrebuildCommand: Sendable, Hashable, CustomStringConvertible {
    /// A line for `/bin/sh -c`.
    case shell(String)
    /// A program and its arguments.
    case argv([String])

    /// Why a `command` in a request's meta is not one: for `--meta` errors.
    public static let shapeProblem = "its \"command\" must be a string (run with sh -c) or a non-empty array of strings (argv)"

    /// The command in `meta["command"]`; nil when there is none or it has another shape
    /// (see ``isMalformed(_:)``).
    public init?(meta: JSONValue?) {
        switch meta?["command"] {
        case .string(let line)? where !line.isEmpty:
            self = .shell(line)
        case .array(let parts)?:
            let argv = parts.compactMap(\.stringValue)
            guard !argv.isEmpty, argv.count == parts.count else { return nil }
            self = .argv(argv)
        default:
            return nil
        }
    }

    /// Whether `meta` has a `command` key that is not a command.
    public static func isMalformed(_ meta: JSONValue?) -> Bool {
        guard let meta, meta["command"] != nil else { return false }
        return PrebuildCommand(meta: meta) == nil
    }

    /// The payload the policy gate executes: `{"shell": …}` or `{"command": [...]}`, as a job's.
    public var payload: JSONValue {
        switch self {
        case .shell(let line): .object(["shell": .string(line)])
        case .argv(let argv): .object(["command": .array(argv.map(JSONValue.string))])
        }
    }

    /// The command as JSON, the way it was logged: a string or an array of strings.
    public var json: JSONValue {
        switch self {
        case .shell(let line): .string(line)
        case .argv(let argv): .array(argv.map(JSONValue.string))
        }
    }

    /// The command as a TOML value for a job's `command` key.
    public var toml: String {
        switch self {
        case .shell(let line): Self.tomlString(line)
        case .argv(let argv): "[" + argv.map(Self.tomlString).joined(separator: ", ") + "]"
        }
    }

    /// For the operator: the shell line, or the argv joined by spaces.
    public var description: String {
        switch self {
        case .shell(let line): line
        case .argv(let argv): argv.joined(separator: " ")
        }
    }

    /// `text` as a TOML basic string: quotes, backslashes and control characters escaped.
    static func tomlString(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
