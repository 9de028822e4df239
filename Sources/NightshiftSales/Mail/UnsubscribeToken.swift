import Crypto
public import Foundation

/// The token a nurture mail's `List-Unsubscribe` links carry (RFC 8058): it names the prospect
/// (and its tenant) and is signed with HMAC-SHA256 under `[mail] unsubscribe_secret`, so only
/// Nightshift can make one and nobody can unsubscribe another prospect by editing it.
///
/// Written `u1.` + base64url(tenant U+001F prospect) + `.` + base64url(the first 16 bytes of the MAC).
public struct UnsubscribeToken: Sendable, Hashable {
    public var tenant: String
    public var prospectID: String

    public init(tenant: String, prospectID: String) {
        self.tenant = tenant
        self.prospectID = prospectID
    }

    /// Why a token was refused.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The token's text, signed with `secret`.
    public func text(secret: String) -> String {
        let payload = Data("\(tenant)\u{1F}\(prospectID)".utf8)
        return "u1." + Self.base64URL(payload) + "." + Self.base64URL(Self.mac(payload, secret: secret))
    }

    /// Reads and checks `text`; throws saying why it is not a token signed with `secret`.
    public init(checking text: String, secret: String) throws(Refusal) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "u1", let payload = Self.data(base64URL: parts[1]), let mac = Self.data(base64URL: parts[2]) else {
            throw Refusal(description: "not an unsubscribe token (they read u1.XXXX.YYYY)")
        }
        // Compared in constant time: a forger learns nothing from how long a refusal takes.
        let expected = Self.mac(payload, secret: secret)
        guard mac.count == expected.count, zip(mac, expected).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw Refusal(description: "the token's signature does not match: it was not made with this workspace's unsubscribe_secret")
        }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard fields.count == 2, !fields[1].isEmpty else { throw Refusal(description: "the token names no prospect") }
        self.init(tenant: String(fields[0]), prospectID: String(fields[1]))
    }

    private static func mac(_ payload: Data, secret: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: Data(secret.utf8)))).prefix(16)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }
}
