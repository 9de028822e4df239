import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

/// `TYPE [--attr k=v …] [--payload JSON] [--stage S] [--actor KIND:NAME] [--tenant T]`: an action
/// as `propose` and `policy explain` take it.
struct ActionArguments: ParsableArguments {
    @Argument(help: "The action type, as named in the policy's catalog (e.g. send_follow_up_email).")
    var type: String

    @Option(name: .customLong("attr"), help: ArgumentHelp(
        "An attribute, KEY=VALUE; repeat for more.",
        discussion: "Numbers, true/false and JSON arrays or objects are read as such; anything else is a string.",
        valueName: "KEY=VALUE"
    ))
    var attributes: [String] = []

    @Option(help: ArgumentHelp(
        "What exactly would be executed, as JSON. {\"command\": [...]}, {\"shell\": \"...\"} or {\"webhook\": {\"url\": ...}} execute when allowed.",
        valueName: "JSON"
    ))
    var payload: String?

    @Option(help: "The deal stage (the same as --attr stage=S).")
    var stage: String?

    @Option(help: ArgumentHelp("Who proposes it. Default: cli:operator.", valueName: "KIND:NAME"))
    var actor: String?

    @Option(help: "The tenant the action is for.")
    var tenant: String?

    @Option(help: ArgumentHelp("What the action is about, in one line, for approvals list and the brief.", valueName: "TEXT"))
    var summary: String?

    /// The action, or a usage error naming the bad argument.
    func action() throws -> ProposedAction {
        guard !type.isEmpty, type.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw AppError.usage("TYPE \"\(type)\" may contain only letters, digits, '-', '_' and '.'")
        }
        var proposed = ProposedAction(type: type, actor: Actor(.cli, "operator"), tenant: tenant, summary: summary)
        for pair in attributes {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw AppError.usage("--attr \"\(pair)\" is not KEY=VALUE")
            }
            proposed.attributes[String(pair[..<equals])] = try Self.value(String(pair[pair.index(after: equals)...]), flag: "--attr \(pair[..<equals])")
        }
        if let stage { proposed.attributes["stage"] = .string(stage) }
        if let payload { proposed.payload = try Self.json(payload, flag: "--payload") }
        if let actor {
            guard let parsed = Actor(parsing: actor) else {
                throw AppError.usage("--actor \"\(actor)\" must be KIND:NAME with KIND one of \(Actor.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            proposed.actor = parsed
        }
        return proposed
    }

    /// An attribute's value: `true`, `false`, a JSON number (`12`, `-0.5`, `1e3`, never `0x10`,
    /// `+5`, ` 5` or `1_000`, which stay strings), a JSON array or object (which must be valid
    /// strict JSON), or else the text as a string.
    static func value(_ text: String, flag: String) throws -> JSONValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        guard let first = text.first, let last = text.last else { return .string(text) }
        if first == "[" || first == "{" { return try json(text, flag: flag) }
        // A JSON number starts with '-' or a digit and ends with a digit; the strict parser decides
        // the rest, so "2026-03-01" and "0x10" are strings, not numbers.
        guard first == "-" || first.isASCIIDigit, last.isASCIIDigit else { return .string(text) }
        do throws(JSONSyntaxError) {
            let value = try StrictJSON.parse(text)
            if case .integer = value { return value }
            if case .number = value { return value }
        } catch where error.code == .numberOutOfRange {
            throw AppError.usage("\(flag): \(error.message)")
        } catch {}
        return .string(text)
    }

    /// JSON text given with `flag`, parsed strictly: a trailing comma or a duplicate key is a usage
    /// error naming the flag, the line and column, and the problem.
    static func json(_ text: String, flag: String) throws -> JSONValue {
        do {
            return try StrictJSON.parse(text)
        } catch {
            throw AppError.usage("\(flag) is not valid JSON: \(error)")
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The operator as the CLI names them in the audit trail.
enum OperatorName {
    static var current: String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "operator"
        return "cli:\(user)"
    }
}
