public import Foundation

/// Named, expiring locks with fencing tokens: the part of a ``Store`` that decides who may run a
/// cycle (or lead the scheduler) right now.
///
/// A lease's token increases by one with every grant of its key, across owners and releases, so a
/// writer that presents an old token (see ``Fence``) can always be told apart from the current
/// holder, even if its clock or its process was paused past the lease's expiry.
///
/// ```swift
/// guard case .granted(let lease) = try await store.acquireLease("cycle:nightly@acme", owner: me, ttl: 60, at: now) else { return }
/// let fence = Fence(key: lease.key, token: lease.token)
/// ```
public protocol LeaseStore: Sendable {
    /// Grants `key` to `owner` for `ttl` seconds when it is free, released or expired
    /// (`expiresAt <= now`); each grant carries a new token (the key's previous token + 1; the
    /// first grant is 1). Returns `.held` naming the holder of an unexpired lease, whoever it is:
    /// a holder is one task, not one process, so a second task of the holder's own process waits
    /// like anyone else instead of fencing the first out.
    func acquireLease(_ key: String, owner: String, ttl: TimeInterval, at now: Date) async throws -> LeaseGrant
    /// Grants `key` to `owner` at once if its current, unreleased grant carries `token`, expired
    /// or not: for a caller that knows that grant's holder is dead (a process gone on this host).
    /// The new grant has the next token, so the dead holder is fenced out. Returns nil, changing
    /// nothing, when the lease moved on meanwhile or was released.
    func takeOverLease(_ key: String, from token: Int64, owner: String, ttl: TimeInterval, at now: Date) async throws -> Lease?
    /// Extends the lease to `now + ttl`. Returns nil, changing nothing, when `token` is not the
    /// key's current token, the lease was released, or it expired at or before `now` (fenced out).
    func renewLease(_ key: String, token: Int64, ttl: TimeInterval, at now: Date) async throws -> Lease?
    /// Frees the lease if `token` is its current token. The key keeps its token counter, so the
    /// next grant still gets a higher token. Returns false when `token` is not current or the
    /// lease was already released.
    func releaseLease(_ key: String, token: Int64) async throws -> Bool
    /// The lease on `key` unless it is released; an expired lease is returned as is (check
    /// ``Lease/expiresAt``) until someone takes it over.
    func lease(_ key: String) async throws -> Lease?
    /// Every lease that is not released, expired ones included, ordered by key.
    func leases() async throws -> [Lease]
}

/// A named, expiring lock: key like `cycle:nightly@acme`, owner `PID@HOST#INSTANCE`, fencing
/// token strictly increasing per key across all grants.
public struct Lease: Sendable, Hashable, Codable {
    /// What the lease guards, e.g. `cycle:nightly@acme`.
    public var key: String
    /// Who holds it, e.g. `4242@night-host#d_01jd3q5w`.
    public var owner: String
    /// The fencing token of this grant: higher than every earlier grant of the same key.
    public var token: Int64
    /// When this grant was made.
    public var acquiredAt: Date
    /// When it was last renewed (the grant itself counts as a renewal).
    public var renewedAt: Date
    /// The lease is free for others from this instant on.
    public var expiresAt: Date

    public init(key: String, owner: String, token: Int64, acquiredAt: Date, renewedAt: Date, expiresAt: Date) {
        self.key = key
        self.owner = owner
        self.token = token
        self.acquiredAt = acquiredAt
        self.renewedAt = renewedAt
        self.expiresAt = expiresAt
    }

    /// The fence a holder of this lease presents with its writes.
    public var fence: Fence { Fence(key: key, token: token) }
}

/// The answer to ``LeaseStore/acquireLease(_:owner:ttl:at:)``.
public enum LeaseGrant: Sendable, Hashable {
    /// The caller holds the lease now, under a new token.
    case granted(Lease)
    /// Refused: someone else holds an unexpired lease, shown here.
    case held(Lease)
}

/// The fence a writer presents: its lease key and token. Writes with a stale token are refused.
public struct Fence: Sendable, Hashable {
    public var key: String
    public var token: Int64

    public init(key: String, token: Int64) {
        self.key = key
        self.token = token
    }
}
