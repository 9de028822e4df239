import Crypto
public import Foundation

/// The audit trail's head as it was at one instant, written outside the store (one line of the
/// anchor log, `audit-anchors.log`), so that cutting the trail's tail and rewriting its head in
/// the store no longer goes unnoticed: ``AuditAnchorCheck`` holds the chain against every anchor.
///
/// A line is the canonical JSON of the anchor; with a key, `hmac` is the HMAC-SHA256 (hex) of the
/// canonical JSON of the other members, so a line written without the key does not verify:
///
/// ```
/// {"at":"2026-11-20T07:00:00+00:00","hash":"9f2c…","hmac":"51d0…","reason":"interval","seq":42,"store":"store_5c1e…"}
/// ```
public struct AuditAnchor: Sendable, Hashable {
    /// The seq of the newest record when the anchor was written.
    public var seq: Int64
    /// That record's hash.
    public var hash: String
    /// When the anchor was written, as the line says it (ISO 8601, UTC).
    public var at: String
    /// The identity of the store whose trail it anchors.
    public var store: String
    /// Why it was written: `interval`, `brief`, `manual`, `shutdown`, `new_store`.
    public var reason: String
    /// The signature, when the anchor was written with a key.
    public var hmac: String?

    public init(seq: Int64, hash: String, at: Date, store: String, reason: String) {
        self.seq = seq
        self.hash = hash
        self.at = ISO8601.format(at, in: TimeZone(identifier: "UTC")!)
        self.store = store
        self.reason = reason
    }

    /// Reads one line of the anchor log; nil when it is not an anchor.
    public init?(line: String) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)),
            case .integer(let seq)? = value["seq"], case .string(let hash)? = value["hash"], case .string(let at)? = value["at"],
            case .string(let store)? = value["store"], case .string(let reason)? = value["reason"], ISO8601.parse(at) != nil
        else { return nil }
        self.seq = seq
        self.hash = hash
        self.at = at
        self.store = store
        self.reason = reason
        if case .string(let hmac)? = value["hmac"] { self.hmac = hmac }
    }

    /// What the signature covers: every member but `hmac`.
    public var content: JSONValue {
        .object(["seq": .integer(seq), "hash": .string(hash), "at": .string(at), "store": .string(store), "reason": .string(reason)])
    }

    /// The line to append (without its newline).
    public var line: String {
        guard case .object(var members) = content else { return content.canonical }
        if let hmac { members["hmac"] = .string(hmac) }
        return JSONValue.object(members).canonical
    }

    /// When it was written.
    public var date: Date? { ISO8601.parse(at) }

    /// The anchor signed with `key`.
    public func signed(with key: String) -> AuditAnchor {
        var signed = self
        signed.hmac = Self.signature(of: content.canonical, key: key)
        return signed
    }

    /// Whether the anchor carries a signature that `key` made.
    public func isSigned(with key: String) -> Bool {
        guard let hmac else { return false }
        return Self.signature(of: content.canonical, key: key) == hmac
    }

    private static func signature(of text: String, key: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(key.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }
}

/// The lines of an anchor log as read from its file.
public struct AuditAnchorLog: Sendable, Hashable {
    /// One line: its number (from 1) and the anchor, nil when the line is not one.
    public struct Line: Sendable, Hashable {
        public var number: Int
        public var anchor: AuditAnchor?

        public init(number: Int, anchor: AuditAnchor?) {
            self.number = number
            self.anchor = anchor
        }
    }

    /// The file, as configured (for messages).
    public var path: String
    /// False when there is no file at `path`.
    public var exists: Bool
    public var lines: [Line]

    public init(path: String, exists: Bool, lines: [Line]) {
        self.path = path
        self.exists = exists
        self.lines = lines
    }

    /// Reads the log at `path`; a missing file is an empty log that does not exist.
    public static func read(path: String) -> AuditAnchorLog {
        guard let data = FileManager.default.contents(atPath: path) else { return AuditAnchorLog(path: path, exists: false, lines: []) }
        let text = String(decoding: data, as: UTF8.self)
        var lines: [Line] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            lines.append(Line(number: index + 1, anchor: AuditAnchor(line: String(line))))
        }
        return AuditAnchorLog(path: path, exists: true, lines: lines)
    }

    /// Appends `anchor` as one line, with one `write` on an `O_APPEND` descriptor.
    public static func append(_ anchor: AuditAnchor, to path: String) throws(AppendError) {
        try AppendOnlyFile.append(anchor.line + "\n", to: path)
    }
}
