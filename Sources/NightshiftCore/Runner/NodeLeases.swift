public import Foundation

/// The daemons ("nodes") serving a store that several machines share (PostgreSQL, where
/// ``Store/isSharedByNodes`` is true).
///
/// Each node holds the lease `node:IDENTITY` (its ``ProcessIdentity``) for ``ttl`` seconds and
/// renews it with every heartbeat. A node is alive while its lease is unexpired: a run a node
/// left `running` is recognised as orphaned by its owner's lease, not by a pid (which means
/// nothing on another machine), and the next pass of any other node recovers it. A node that
/// finds its own lease gone (it was paused past the expiry, and others may have recovered its
/// runs) stops.
///
/// On a store of one machine (SQLite) one daemon at a time serves the workspace instead, and the
/// `daemon` record says which.
public enum NodeLeases {
    /// The prefix of every node's lease key.
    public static let prefix = "node:"
    /// How long a node's lease lasts without a heartbeat: three missed beats.
    public static let ttl: TimeInterval = 15
    /// How often a node renews its lease.
    public static let heartbeatInterval: TimeInterval = 5

    /// The lease key of the node `owner` (`PID.START@HOST#INSTANCE`).
    public static func key(_ owner: String) -> String { prefix + owner }

    /// The node a lease stands for, nil for a lease that is not a node's.
    public static func node(_ lease: Lease) -> String? {
        lease.key.hasPrefix(prefix) ? String(lease.key.dropFirst(prefix.count)) : nil
    }

    /// The nodes' leases among `leases`, ordered by key; expired ones (dead nodes not yet cleaned
    /// up) included.
    public static func nodes(in leases: [Lease]) -> [Lease] {
        leases.filter { $0.key.hasPrefix(prefix) }
    }
}
