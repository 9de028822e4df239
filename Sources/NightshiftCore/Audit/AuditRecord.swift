public import Foundation

/// What an audit record is about.
public enum AuditKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The policy decided a proposed action.
    case decision
    /// An allowed or approved action was executed (with its outcome).
    case execution
    case approval
    case rejection
    case expiry
    /// An approved action was not executed: its payload changed, or the run stopped.
    case refusal
    /// `nightshift.toml` changed (hash of the new file).
    case configChange = "config_change"
    /// The policy file changed (hash of the new file).
    case policyChange = "policy_change"
    /// Something a pack reports (it started, imported, sent …).
    case packEvent = "pack_event"
    /// The workspace took a store it had not used before: `--new-store`, or a store from before
    /// store identities (docs/RELIABILITY.md).
    case storeChange = "store_change"

    public var description: String { rawValue }
}

/// An audit record before the store seals it into the chain.
public struct AuditEntry: Sendable, Hashable {
    public var kind: AuditKind
    public var at: Date
    /// Who caused it: `job:NAME`, `cli:operator`, `daemon` …
    public var actor: String
    /// What it is about: an action id, a file name.
    public var subject: String
    /// The details, a JSON object; secrets already redacted.
    public var data: JSONValue

    public init(kind: AuditKind, at: Date, actor: String, subject: String, data: JSONValue = .object([:])) {
        self.kind = kind
        self.at = at
        self.actor = actor
        self.subject = subject
        self.data = data
    }
}

/// One record of the append-only, hash-chained audit trail.
///
/// `hash = SHA-256(previous record's hash ‖ canonical content)`, where the content is the canonical
/// JSON of `seq`, `at` (milliseconds), `kind`, `actor`, `subject` and `data`. Editing, removing or
/// reordering records breaks the chain at the first record touched; ``AuditChain/verify(_:head:)``
/// finds it.
public struct AuditRecord: Sendable, Hashable, Codable {
    public var seq: Int64
    public var kind: AuditKind
    public var at: Date
    public var actor: String
    public var subject: String
    public var data: JSONValue
    public var previousHash: String
    public var hash: String

    /// Seals `entry` as record `seq` after the record whose hash is `previousHash`.
    public init(sealing entry: AuditEntry, seq: Int64, previousHash: String) {
        self.seq = seq
        self.kind = entry.kind
        self.at = Date(timeIntervalSince1970: (entry.at.timeIntervalSince1970 * 1000).rounded() / 1000)
        self.actor = entry.actor
        self.subject = entry.subject
        self.data = entry.data
        self.previousHash = previousHash
        self.hash = ""
        self.hash = computedHash
    }

    /// A record as stored (for verification, which recomputes the hash).
    public init(seq: Int64, kind: AuditKind, at: Date, actor: String, subject: String, data: JSONValue, previousHash: String, hash: String) {
        self.seq = seq
        self.kind = kind
        self.at = at
        self.actor = actor
        self.subject = subject
        self.data = data
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The data of a record as a driver stored it, the canonical JSON text it was sealed with.
    /// Text that does not parse, or parses but is not its own canonical form, was edited: it is
    /// kept as the string it is, so that it no longer hashes as sealed and verification names the
    /// record (a reformatting must not pass for the original).
    public static func storedData(_ text: String) -> JSONValue {
        let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        return parsed.flatMap { $0.canonical.utf8.elementsEqual(text.utf8) ? $0 : nil } ?? .string(text)
    }

    /// `at` in whole milliseconds, as hashed and stored.
    public var atMillis: Int64 { Int64((at.timeIntervalSince1970 * 1000).rounded()) }

    /// The canonical content that the hash covers.
    public var content: JSONValue {
        .object([
            "seq": .integer(seq), "at": .integer(atMillis), "kind": .string(kind.rawValue),
            "actor": .string(actor), "subject": .string(subject), "data": data,
        ])
    }

    /// What the hash should be for this content after `previousHash`.
    public var computedHash: String { SHA256Hex.of(previousHash + content.canonical) }
}

/// The newest record's sequence number and hash, kept apart from the records so that removing
/// the last records is detected too.
public struct AuditHead: Sendable, Hashable, Codable {
    public var seq: Int64
    public var hash: String
    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }
}

/// Checks an audit chain.
public enum AuditChain {
    /// The previous hash of the first record.
    public static let genesis = String(repeating: "0", count: 64)

    /// The first break in `records` (ordered by seq), or nil when the chain is whole.
    public static func verify(_ records: [AuditRecord], head: AuditHead?) -> AuditBreak? {
        verify(AuditTrail(records: records, head: head))
    }

    /// The first break in `trail`, or nil when the chain is whole. A record that could not be read
    /// (a real in `at`, a blob hash, a kind this version does not know) breaks it at its seq.
    public static func verify(_ trail: AuditTrail) -> AuditBreak? {
        var previous = genesis
        var expectedSeq: Int64 = 1
        // Records in the order given; records that could not be read join them at their seq.
        var entries: [(seq: Int64, read: Result<AuditRecord, StoreRowFault>)] = trail.records.map { ($0.seq, .success($0)) }
        if !trail.unreadable.isEmpty {
            entries += trail.unreadable.compactMap { fault in fault.seq.map { ($0, .failure(fault)) } }
            entries.sort { $0.seq < $1.seq }
        }
        for (seq, read) in entries {
            if seq > expectedSeq {
                let missing = seq - 1 == expectedSeq ? "record \(expectedSeq) is missing" : "records \(expectedSeq)…\(seq - 1) are missing"
                return AuditBreak(seq: expectedSeq, problem: "\(missing): the chain jumps from record \(expectedSeq - 1) to record \(seq)")
            }
            if seq < expectedSeq {
                return AuditBreak(seq: seq, problem: "record \(seq) is out of order after record \(expectedSeq - 1)")
            }
            let record: AuditRecord
            switch read {
            case .success(let readable): record = readable
            case .failure(let fault): return AuditBreak(seq: seq, problem: "record \(seq) cannot be read: \(fault.detail)")
            }
            if record.previousHash != previous {
                return AuditBreak(seq: record.seq, problem: "record \(record.seq) does not follow record \(record.seq - 1): its previous hash is \(record.previousHash.prefix(12))…, record \(record.seq - 1) hashes to \(previous.prefix(12))…")
            }
            if record.computedHash != record.hash {
                return AuditBreak(seq: record.seq, problem: "record \(record.seq) (\(record.kind), \(record.subject)) was changed: its content no longer hashes to \(record.hash.prefix(12))…")
            }
            previous = record.hash
            expectedSeq += 1
        }
        if let fault = trail.headFault {
            return AuditBreak(seq: expectedSeq - 1, problem: "the chain's head (audit_head) cannot be read: \(fault.detail)")
        }
        if let head = trail.head {
            if head.seq != expectedSeq - 1 {
                return AuditBreak(seq: expectedSeq, problem: "the chain ends at record \(expectedSeq - 1) but \(head.seq) records were written: the newest ones were removed")
            }
            if head.hash != previous {
                return AuditBreak(seq: head.seq, problem: "record \(head.seq) is not the record last written")
            }
        } else if !trail.records.isEmpty {
            return AuditBreak(seq: expectedSeq - 1, problem: "the chain's head record is missing")
        }
        return nil
    }
}

/// The whole chain as a store read it for verification, with what it could not read.
public struct AuditTrail: Sendable {
    /// The records that could be read, ordered by seq.
    public var records: [AuditRecord]
    /// The records that could not be read (each fault's key is the record's seq).
    public var unreadable: [StoreRowFault]
    public var head: AuditHead?
    /// Why the head could not be read, when it could not.
    public var headFault: StoreRowFault?

    public init(records: [AuditRecord] = [], unreadable: [StoreRowFault] = [], head: AuditHead? = nil, headFault: StoreRowFault? = nil) {
        self.records = records
        self.unreadable = unreadable
        self.head = head
        self.headFault = headFault
    }

    /// Records stored, readable or not.
    public var count: Int { records.count + unreadable.count }
}

extension StoreRowFault {
    /// The seq of an audit record's fault.
    var seq: Int64? {
        guard case .integer(let seq) = key.first?.value else { return nil }
        return seq
    }
}

/// Where and how an audit chain is broken.
public struct AuditBreak: Sendable, Hashable, Codable, CustomStringConvertible {
    public var seq: Int64
    public var problem: String
    public var description: String { problem }
}

/// A filter over audit records.
public struct AuditQuery: Sendable, Hashable {
    public var since: Date?
    public var kinds: Set<AuditKind>
    public var subject: String?
    /// Newest first when set; otherwise the whole chain, oldest first.
    public var limit: Int?

    public init(since: Date? = nil, kinds: Set<AuditKind> = [], subject: String? = nil, limit: Int? = nil) {
        self.since = since
        self.kinds = kinds
        self.subject = subject
        self.limit = limit
    }
}
