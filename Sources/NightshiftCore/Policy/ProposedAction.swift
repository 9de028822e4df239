public import Foundation

/// Who proposes an action: a job, a cycle, a pack, the CLI, the HTTP API or a goal.
public struct Actor: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case job, cycle, pack, cli, api, goal
    }
    public var kind: Kind
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// Parses "KIND:NAME" (as written in cases files and shown in listings).
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let kind = Kind(rawValue: String(parts[0])), !parts[1].isEmpty else { return nil }
        self.init(kind, String(parts[1]))
    }

    /// "KIND:NAME".
    public var description: String { "\(kind.rawValue):\(name)" }
}

/// A side effect someone wants to cause: spawn a sub-agent, send a mail, call a webhook, delete a
/// log. Created only to be handed to ``PolicyGate/propose(_:origin:executor:)``, which decides,
/// records and (if allowed) executes it.
public struct ProposedAction: Sendable, Hashable {
    /// What kind of side effect, as named in the policy's catalog (`send_follow_up_email`).
    public var type: String
    /// What the policy judges: recipient, stage, category, cost …
    public var attributes: [String: JSONValue]
    /// What exactly would be executed. Its canonical SHA-256 binds an approval to it.
    public var payload: JSONValue
    public var actor: Actor
    public var tenant: String?
    /// What it is about, in one line, for the operator: the task's title, the job, the file, the
    /// recipient. Shown by `approvals list`, `approvals show`, the brief and notifications; the
    /// policy does not read it.
    public var summary: String?

    public init(
        type: String, attributes: [String: JSONValue] = [:], payload: JSONValue = .object([:]), actor: Actor, tenant: String? = nil,
        summary: String? = nil
    ) {
        self.type = type
        self.attributes = attributes
        self.payload = payload
        self.actor = actor
        self.tenant = tenant
        self.summary = summary
    }

    /// The SHA-256 of the canonical payload.
    public var payloadHash: String { payload.canonicalHash }

    /// The `cost` attribute as a number (money spent if the action executes), or 0.
    public var cost: Double { attributes["cost"]?.double ?? 0 }

    /// The `recipient` attribute, for per-recipient counts.
    public var recipient: String? { attributes["recipient"].map(\.text) }

    /// The action with secrets replaced: values of keys named like a token, password, secret or
    /// key, and any of `secrets` wherever they appear in a string.
    public func redacted(secrets: [String] = []) -> ProposedAction {
        let secrets = SecretValues(secrets)
        var copy = self
        if case .object(let members) = JSONValue.object(attributes).redacted(secrets) { copy.attributes = members }
        copy.payload = payload.redacted(secrets)
        // One line of at most 200 characters: it is printed in lists and notifications.
        copy.summary = summary.map { text in
            let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
            return secrets.redact(line.count > 200 ? String(line.prefix(199)) + "…" : line)
        }
        return copy
    }
}

extension JSONValue {
    /// The value as a number, if it is one.
    public var double: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// Key names whose values are always redacted.
    static func isSecretKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return ["token", "password", "passwd", "secret", "apikey", "api_key", "private_key", "authorization", "credential"]
            .contains { lower.contains($0) } || lower == "key" || lower.hasSuffix("_key") || lower.hasSuffix("-key")
    }

    /// The value with the values of secret-named keys replaced by "[redacted]", and every
    /// occurrence of one of `secrets` (see ``SecretValues``) inside strings too.
    public func redacted(secrets: [String] = []) -> JSONValue {
        redacted(SecretValues(secrets))
    }

    /// The value with the values of secret-named keys replaced by "[redacted]", and `secrets`
    /// redacted inside strings.
    public func redacted(_ secrets: SecretValues) -> JSONValue {
        switch self {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, value) in members {
                if Self.isSecretKey(key), value != .null, !(value.text.hasPrefix("env:")) {
                    out[key] = .string("[redacted]")
                } else {
                    out[key] = value.redacted(secrets)
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map { $0.redacted(secrets) })
        case .string(let text):
            return .string(secrets.redact(text))
        default:
            return self
        }
    }
}
