public import Foundation
public import NightshiftCore

/// An address no mail is sent to (`sales_suppressions`): it hard-bounced, its owner complained or
/// unsubscribed, or the operator said so. Kept per tenant by the address's identity key
/// (``EmailAddress/identityKey(_:)``), so `A.B+x@gmail.com` is suppressed with `ab@gmail.com`.
public struct Suppression: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        case bounce, complaint, unsubscribe, `operator`
    }

    public var tenant: String
    public var address: String
    public var reason: Reason
    public var at: Date
    /// What it came from: a mail item's id, an unsubscribe token's prospect, `operator`.
    public var source: String
    /// One line on why (a bounce's status and diagnostic).
    public var detail: String

    public init(tenant: String, address: String, reason: Reason, at: Date, source: String, detail: String = "") {
        self.tenant = tenant
        self.address = address
        self.reason = reason
        self.at = at
        self.source = source
        self.detail = detail
    }

    /// The key it is kept and looked up by.
    public var key: String { EmailAddress.identityKey(address) }

    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "address": .string(address), "reason": .string(reason.rawValue), "at": .string(ISO8601.format(at, in: zone)),
            "source": .string(source), "detail": .string(detail),
        ])
    }

    var stored: String {
        JSONValue.object([
            "tenant": .string(tenant), "address": .string(address), "reason": .string(reason.rawValue), "at": .integer(StoredTime.millis(at)),
            "source": .string(source), "detail": .string(detail),
        ]).canonical
    }

    init(stored text: String) throws(StoredProspectError) {
        guard let value = try? StrictJSON.parse(text), case .object(let m) = value, let tenant = m["tenant"]?.stringValue,
              let address = m["address"]?.stringValue, let reason = m["reason"]?.stringValue.flatMap(Reason.init(rawValue:)),
              case .integer(let at)? = m["at"]
        else { throw StoredProspectError(message: "a suppression's record lacks its tenant, address, reason or time") }
        self.init(
            tenant: tenant, address: address, reason: reason, at: StoredTime.date(at), source: m["source"]?.stringValue ?? "",
            detail: m["detail"]?.stringValue ?? ""
        )
    }
}
