public import Foundation

/// The values Nightshift must never store or show: what the configuration resolves from the
/// environment (see ``WorkspaceConfiguration/secrets(in:)``). Every occurrence is replaced, whole,
/// by `[redacted]`.
///
/// A value that is a URL (`https://hooks.example.com/T0K3N?sig=…`) also brings its parts that a
/// server may echo on their own: its path with the query, the path, the query, the password, and
/// each user name, path segment and query value that looks like a token.
///
/// It prints as a count, never the values, so that no log line or `dump` can show them.
///
/// ```swift
/// let secrets = SecretValues(["ghp_0123456789abcdef"])
/// secrets.redact("pushing with ghp_0123456789abcdef")   // "pushing with [redacted]"
/// ```
public struct SecretValues: Sendable, Hashable {
    /// Values shorter than this are not redacted: one- to three-character values ("1", "on", "eu")
    /// occur everywhere in ordinary output, and hiding them would hide nothing worth hiding.
    /// `config check` warns about such a value unless it is marked public.
    public static let minimumLength = 4

    /// The values, longest first (a secret that contains a shorter one is replaced whole).
    public let values: [String]

    /// The secrets among `values`: those at least ``minimumLength`` long, and the parts of URLs.
    public init(_ values: some Sequence<String>) {
        var all: Set<String> = []
        for value in values where value.count >= Self.minimumLength {
            all.insert(value)
            all.formUnion(Self.urlParts(of: value))
        }
        self.values = all.sorted { ($0.utf8.count, $0) > ($1.utf8.count, $1) }
    }

    /// No secrets.
    public static let none = SecretValues([String]())

    /// True when there is nothing to redact.
    public var isEmpty: Bool { values.isEmpty }

    /// These secrets and `other`'s.
    public func union(_ other: SecretValues) -> SecretValues {
        other.isEmpty ? self : SecretValues(values + other.values)
    }

    /// `text` with every secret replaced by `[redacted]`.
    public func redact(_ text: String) -> String {
        isEmpty ? text : Redactor.redact(text, secrets: values)
    }

    /// `text` redacted, or nil.
    public func redact(_ text: String?) -> String? {
        text.map(redact)
    }

    /// The parts of a URL that are secret on their own. Nothing for a value that is not a URL
    /// with a scheme.
    static func urlParts(of value: String) -> [String] {
        guard value.contains("://"), let url = URLComponents(string: value), url.scheme != nil else { return [] }
        let path = url.percentEncodedPath
        let query = url.percentEncodedQuery ?? ""
        let pathTokens = path.split(separator: "/").map(String.init).filter(looksLikeToken)
        var parts = pathTokens + (url.percentEncodedQueryItems ?? []).compactMap(\.value).filter(looksLikeToken)
        if let user = url.percentEncodedUser, looksLikeToken(user) { parts.append(user) }
        if let password = url.percentEncodedPassword { parts.append(password) }
        if !pathTokens.isEmpty || !query.isEmpty {
            // What a server answering "no route for …" echoes.
            parts += [path, query, query.isEmpty ? "" : "\(path)?\(query)"]
        }
        // A server may echo the decoded form.
        parts += parts.compactMap { $0.removingPercentEncoding }
        return parts.filter { $0.count >= minimumLength }
    }

    /// A path segment, query value or user name that is a credential rather than a word:
    /// `T024BE7LD`, `a1b2c3d4`, or anything of 16 characters or more (`webhooks` and `services` are not).
    static func looksLikeToken(_ part: String) -> Bool {
        part.count >= 16 || (part.count >= 8 && part.contains { $0.isNumber || $0.isUppercase })
    }
}

extension SecretValues: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `3 secret values`: never the values.
    public var description: String { "\(values.count) secret values" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
