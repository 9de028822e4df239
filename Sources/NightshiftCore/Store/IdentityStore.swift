public import Foundation

/// Which store this is: an id written once, when the store is created, and kept beside the
/// configuration in the workspace's marker file, so that a workspace can tell its own store from
/// an emptied, lost or swapped one (docs/RELIABILITY.md, "Store identity and files").
public struct StoreIdentity: Sendable, Hashable, Codable {
    public var id: String
    public var createdAt: Date

    public init(id: String, createdAt: Date) {
        self.id = id
        self.createdAt = createdAt
    }

    /// A new, random identity.
    public static func make(at now: Date) -> StoreIdentity {
        StoreIdentity(id: "store_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""), createdAt: now)
    }
}

/// What a store says about itself, before or after it is migrated.
public enum StoreIdentityReading: Sendable, Hashable {
    /// Nothing at all: a new file, or one emptied (`: > nightshift.sqlite`).
    case empty
    /// Data, but no identity: a store from before identities were written.
    case unidentified
    case identified(StoreIdentity)

    public var identity: StoreIdentity? {
        if case .identified(let identity) = self { return identity }
        return nil
    }
}

/// The part of a ``Store`` that knows which store it is.
public protocol IdentityStore: Sendable {
    /// The store's identity. Safe to call before ``Store/migrate()``: an unmigrated store is
    /// ``StoreIdentityReading/empty`` when it holds nothing, else ``StoreIdentityReading/unidentified``.
    func storeIdentity() async throws -> StoreIdentityReading
    /// Records `identity` as the store's if its current identity's id is `expected` (nil: it has
    /// none), so that two processes opening a new store together agree on one identity. Returns
    /// the identity the store holds afterwards. Needs a migrated store.
    func setStoreIdentity(_ identity: StoreIdentity, replacing expected: String?) async throws -> StoreIdentity
}
