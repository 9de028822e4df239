import Foundation
import NightshiftCore

extension StoreConformance {
    /// Leases: grants, takeover after expiry, renewal and release, all fenced by increasing tokens.
    public static let leaseCases: [StoreConformanceCase] = [
        StoreConformanceCase("acquireLease: a free key is granted with token 1; another owner is told who holds it") { store in
            let first = try await store.acquireLease("cycle:nightly@acme", owner: "owner-a", ttl: 60, at: Fixture.at(0))
            let lease = try granted(first, "first acquireLease of a free key")
            try checkLease(lease, Lease(
                key: "cycle:nightly@acme", owner: "owner-a", token: 1,
                acquiredAt: Fixture.at(0), renewedAt: Fixture.at(0), expiresAt: Fixture.at(60)
            ))
            let second = try await store.acquireLease("cycle:nightly@acme", owner: "owner-b", ttl: 60, at: Fixture.at(59))
            guard case .held(let holder) = second else {
                throw ConformanceFailure("acquireLease of a held, unexpired key: expected held, got \(second)")
            }
            try checkLease(holder, lease)
            try checkLease(try await store.lease("cycle:nightly@acme"), lease)
        },

        StoreConformanceCase("acquireLease: at expiry another owner takes over with a higher token") { store in
            _ = try granted(try await store.acquireLease("k", owner: "owner-a", ttl: 60, at: Fixture.at(0)), "first grant")
            // expiresAt <= now counts as expired.
            let takeover = try granted(
                try await store.acquireLease("k", owner: "owner-b", ttl: 30, at: Fixture.at(60)), "acquireLease at expiry"
            )
            try checkLease(takeover, Lease(
                key: "k", owner: "owner-b", token: 2, acquiredAt: Fixture.at(60), renewedAt: Fixture.at(60), expiresAt: Fixture.at(90)
            ))
            try checkLease(try await store.lease("k"), takeover)
            let other = try await store.acquireLease("other", owner: "owner-a", ttl: 60, at: Fixture.at(60))
            try checkEqual(try granted(other, "a different key").token, 1, "token of another key's first grant")
        },

        StoreConformanceCase("acquireLease: an unexpired lease is held even against its own owner string (a holder is one task, not one process)") { store in
            let first = try granted(try await store.acquireLease("k", owner: "owner-a", ttl: 60, at: Fixture.at(0)), "first grant")
            let again = try await store.acquireLease("k", owner: "owner-a", ttl: 60, at: Fixture.at(10))
            guard case .held(let holder) = again else { throw ConformanceFailure("a second task of the same process took the lease: \(again)") }
            try checkLease(holder, first)
            let renewed = try await store.renewLease("k", token: 1, ttl: 60, at: Fixture.at(20))
            try check(renewed != nil, "the first holder was fenced out by the refused acquire")
        },

        StoreConformanceCase("takeOverLease: the current token is replaced at once by a new owner; a stale token takes nothing") { store in
            let dead = try granted(try await store.acquireLease("k", owner: "dead", ttl: 60, at: Fixture.at(0)), "first grant")
            let taken = try unwrap(try await store.takeOverLease("k", from: dead.token, owner: "owner-b", ttl: 15, at: Fixture.at(5)), "takeover")
            try checkEqual(taken.token, 2, "token after the takeover")
            try checkEqual(taken.owner, "owner-b", "owner after the takeover")
            try checkDate(taken.expiresAt, Fixture.at(20), "expiresAt")
            try checkLease(try await store.lease("k"), taken)
            let stale = try await store.takeOverLease("k", from: dead.token, owner: "owner-c", ttl: 15, at: Fixture.at(6))
            try check(stale == nil, "a takeover from a replaced token succeeded")
            try check(try await store.renewLease("k", token: dead.token, ttl: 60, at: Fixture.at(7)) == nil, "the dead owner could still renew")
            _ = try await store.releaseLease("k", token: taken.token)
            try check(try await store.takeOverLease("k", from: taken.token, owner: "owner-c", ttl: 15, at: Fixture.at(8)) == nil, "a released lease was taken over")
        },

        StoreConformanceCase("renewLease: the current token extends the lease; an old token gets nil and changes nothing") { store in
            _ = try granted(try await store.acquireLease("k", owner: "owner-a", ttl: 60, at: Fixture.at(0)), "first grant")
            _ = try granted(try await store.acquireLease("k", owner: "owner-b", ttl: 60, at: Fixture.at(100)), "takeover")
            let expected = Lease(
                key: "k", owner: "owner-b", token: 2, acquiredAt: Fixture.at(100), renewedAt: Fixture.at(130), expiresAt: Fixture.at(190)
            )
            try checkLease(try await store.renewLease("k", token: 2, ttl: 60, at: Fixture.at(130)), expected)
            try checkLease(try await store.lease("k"), expected)
            let stale = try await store.renewLease("k", token: 1, ttl: 600, at: Fixture.at(140))
            try check(stale == nil, "renewLease with an old token returned a lease")
            try checkLease(try await store.lease("k"), expected)
            let unknown = try await store.renewLease("nope", token: 1, ttl: 60, at: Fixture.at(140))
            try check(unknown == nil, "renewLease of an unknown key returned a lease")
        },

        StoreConformanceCase("renewLease: an expired lease cannot be renewed, even by its token") { store in
            let lease = try granted(try await store.acquireLease("k", owner: "owner-a", ttl: 60, at: Fixture.at(0)), "grant")
            let late = try await store.renewLease("k", token: 1, ttl: 60, at: Fixture.at(60))
            try check(late == nil, "renewLease at expiry returned a lease")
            try checkLease(try await store.lease("k"), lease)
        },

        StoreConformanceCase("releaseLease: frees the key, and the next grant has a higher token") { store in
            _ = try granted(try await store.acquireLease("k", owner: "owner-a", ttl: 60, at: Fixture.at(0)), "first grant")
            let wrong = try await store.releaseLease("k", token: 7)
            try check(!wrong, "releaseLease with a token that is not current returned true")
            try check(try await store.lease("k") != nil, "a refused release freed the lease")
            let released = try await store.releaseLease("k", token: 1)
            try check(released, "releaseLease by the current token returned false")
            try check(try await store.lease("k") == nil, "lease() still shows a released lease")
            try checkEqual(try await store.leases().map(\.key), [], "leases after release")
            let twice = try await store.releaseLease("k", token: 1)
            try check(!twice, "releasing twice returned true")
            let renewed = try await store.renewLease("k", token: 1, ttl: 60, at: Fixture.at(1))
            try check(renewed == nil, "a released lease was renewed")
            let next = try granted(try await store.acquireLease("k", owner: "owner-b", ttl: 60, at: Fixture.at(2)), "grant after release")
            try checkEqual(next.token, 2, "token after release")
        },

        StoreConformanceCase("leases: every unreleased lease, expired ones included, ordered by key") { store in
            let b = try granted(try await store.acquireLease("b", owner: "owner-b", ttl: 10, at: Fixture.at(0)), "b")
            let a = try granted(try await store.acquireLease("a", owner: "owner-a", ttl: 1000, at: Fixture.at(0)), "a")
            let c = try granted(try await store.acquireLease("c", owner: "owner-c", ttl: 10, at: Fixture.at(0)), "c")
            _ = try await store.releaseLease("c", token: c.token)
            let listed = try await store.leases()
            try checkEqual(listed.map(\.key), ["a", "b"], "leases")
            try checkLease(listed.first, a)
            try checkLease(listed.last, b)
        },
    ]

    public static let leaseConcurrencyCases: [StoreConformanceCase] = [
        StoreConformanceCase("concurrency: 20 acquireLease of one free key, exactly one granted") { store in
            let winners = try await race { index in
                let grant = try await store.acquireLease("cycle:nightly@acme", owner: "owner-\(index)", ttl: 60, at: Fixture.at(0))
                guard case .granted(let lease) = grant else { return nil }
                return lease.owner
            }
            try checkEqual(winners.count, 1, "number of grants")
            try checkEqual(try await store.lease("cycle:nightly@acme")?.owner, winners.first, "holder")
            try checkEqual(try await store.lease("cycle:nightly@acme")?.token, 1, "token")
        },
    ]

    /// The lease of a `.granted` answer, or a failure naming `what`.
    static func granted(_ grant: LeaseGrant, _ what: String, file: String = #fileID, line: Int = #line) throws -> Lease {
        guard case .granted(let lease) = grant else {
            throw ConformanceFailure("\(what): expected granted, got \(grant)", file: file, line: line)
        }
        return lease
    }
}

/// Compares every field of a lease read back from the store with the one expected.
func checkLease(_ actual: Lease?, _ expected: Lease, file: String = #fileID, line: Int = #line) throws {
    let actual = try unwrap(actual, "lease \(expected.key)", file: file, line: line)
    let name = "lease \(expected.key)"
    try checkEqual(actual.key, expected.key, "\(name).key", file: file, line: line)
    try checkEqual(actual.owner, expected.owner, "\(name).owner", file: file, line: line)
    try checkEqual(actual.token, expected.token, "\(name).token", file: file, line: line)
    try checkDate(actual.acquiredAt, expected.acquiredAt, "\(name).acquiredAt", file: file, line: line)
    try checkDate(actual.renewedAt, expected.renewedAt, "\(name).renewedAt", file: file, line: line)
    try checkDate(actual.expiresAt, expected.expiresAt, "\(name).expiresAt", file: file, line: line)
}
