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

    /// The action, or a usage error naming the bad argument.
    func action() throws -> ProposedAction {
        guard !type.isEmpty, type.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw AppError.usage("TYPE \"\(type)\" may contain only letters, digits, '-', '_' and '.'")
        }
        var proposed = ProposedAction(type: type, actor: Actor(.cli, "operator"), tenant: tenant)
        for pair in attributes {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw AppError.usage("--attr \"\(pair)\" is not KEY=VALUE")
            }
            proposed.attributes[String(pair[..<equals])] = Self.value(String(pair[pair.index(after: equals)...]))
        }
        if let stage { proposed.attributes["stage"] = .string(stage) }
        if let payload {
            do {
                // JSONSerialization first: it says where the JSON breaks.
                _ = try JSONSerialization.jsonObject(with: Data(payload.utf8), options: [.fragmentsAllowed])
                proposed.payload = try JSONDecoder().decode(JSONValue.self, from: Data(payload.utf8))
            } catch {
                throw AppError.usage("--payload is not valid JSON: \(Self.jsonProblem(error))")
            }
        }
        if let actor {
            guard let parsed = Actor(parsing: actor) else {
                throw AppError.usage("--actor \"\(actor)\" must be KIND:NAME with KIND one of \(Actor.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            proposed.actor = parsed
        }
        return proposed
    }

    static func value(_ text: String) -> JSONValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let integer = Int64(text) { return .integer(integer) }
        if let number = Double(text), number.isFinite, text.contains(where: \.isNumber) { return .number(number) }
        if let first = text.first, first == "[" || first == "{",
           let json = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) {
            return json
        }
        return .string(text)
    }

    static func jsonProblem(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
        }
        let nsError = error as NSError
        return nsError.userInfo[NSDebugDescriptionErrorKey] as? String ?? nsError.localizedDescription
    }
}

/// The operator as the CLI names them in the audit trail.
enum OperatorName {
    static var current: String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "operator"
        return "cli:\(user)"
    }
}

/// A decision as `--json` prints it.
func decisionJSON(_ decision: Decision) -> JSONValue {
    .object([
        "verdict": .string(decision.verdict.rawValue), "tier": decision.tier.map { .string($0.rawValue) } ?? .null,
        "decided_by": .array(decision.decidedBy.map(JSONValue.string)), "reason": .string(decision.reason),
        "explanation": .array(decision.explanation.map(JSONValue.string)),
    ])
}

/// An action record as `--json` prints it.
func actionJSON(_ record: ActionRecord, zone: TimeZone) -> JSONValue {
    func time(_ date: Date?) -> JSONValue { date.map { .string(ISO8601.format($0, in: zone)) } ?? .null }
    func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    return .object([
        "id": .string(record.id), "type": .string(record.type), "actor": .string(record.actor.description), "tenant": text(record.tenant),
        "attributes": record.attributes, "payload": record.payload, "payload_hash": .string(record.payloadHash),
        "payload_intact": .bool(record.payload.canonicalHash == record.payloadHash),
        "verdict": .string(record.verdict.rawValue), "decided_by": .array(record.decidedBy.map(JSONValue.string)),
        "reason": .string(record.reason), "status": .string(record.status.rawValue), "run_id": text(record.runID),
        "created_at": time(record.createdAt), "expires_at": time(record.expiresAt), "resolved_by": text(record.resolvedBy),
        "resolved_at": time(record.resolvedAt), "note": text(record.note), "execution_run_id": text(record.executionRunID),
        "outcome": text(record.outcome),
    ])
}
