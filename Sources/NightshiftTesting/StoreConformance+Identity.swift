import Foundation
import NightshiftCore

extension StoreConformance {
    /// The store's identity: none until set, then set only over the identity the caller expects.
    public static let identityCases: [StoreConformanceCase] = [
        StoreConformanceCase("identity: a fresh store has none; the first set wins, and a set over the expected one replaces it") { store in
            let fresh = try await store.storeIdentity()
            try check(fresh.identity == nil, "a fresh store has an identity: \(fresh)")
            let first = StoreIdentity(id: "store_first", createdAt: Date(timeIntervalSince1970: 1_790_000_000))
            try checkEqual(try await store.setStoreIdentity(first, replacing: nil), first, "the identity set on a fresh store")
            try checkEqual(try await store.storeIdentity(), .identified(first), "the identity read back")
            // A second process that also found the store new must adopt the first one's identity.
            let late = StoreIdentity(id: "store_late", createdAt: Date(timeIntervalSince1970: 1_790_000_001))
            try checkEqual(try await store.setStoreIdentity(late, replacing: nil), first, "a set expecting no identity on an identified store")
            let second = StoreIdentity(id: "store_second", createdAt: Date(timeIntervalSince1970: 1_790_000_060))
            try checkEqual(try await store.setStoreIdentity(second, replacing: "store_first"), second, "a set replacing the current identity")
            try checkEqual(try await store.storeIdentity(), .identified(second), "the replaced identity read back")
        },
    ]
}
