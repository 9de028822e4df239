public import Foundation
public import NightshiftCore
import NightshiftExec

/// What became of a request to anchor the audit head.
public struct AnchorOutcome: Sendable {
    /// The anchor written, or nil when none was needed (see ``written``).
    public var anchor: AuditAnchor?
    /// False when the head had not moved since the last anchor (or the trail is empty).
    public var written: Bool
    /// How publishing it went: nil without `[audit.publish]`, else a sentence.
    public var published: String?
}

extension NightshiftApplication {
    /// The store remembers the last anchor it wrote, so that a removed or cut anchor log shows.
    static let lastAnchorKey = "audit.last_anchor"

    /// Where this process remembers its last anchor: on a store several machines share, each node
    /// anchors into a log of its own machine, so each log has its own last anchor (keyed by host
    /// and path); a store of one machine has one log.
    var lastAnchorKey: String {
        store.isSharedByNodes ? "\(Self.lastAnchorKey)@\(identity.host):\(anchorLogPath)" : Self.lastAnchorKey
    }
    /// The action type of publishing an anchor through `[audit.publish]`.
    public static let publishAnchorType = "publish_anchor"

    /// The `[audit]` table, or its defaults.
    public var auditSettings: AuditSettings { configuration.section(AuditSettings.self) ?? AuditSettings() }

    /// The anchor log's path.
    public var anchorLogPath: String { workspace.resolvePath(auditSettings.anchorFile) }

    /// The anchor key from this process's environment: nil when none is configured.
    /// - Throws: ``AppError`` when one is configured but its variable is unset here.
    func anchorKey() throws -> String? {
        guard let reference = auditSettings.anchorKey else { return nil }
        guard let key = reference.resolve(in: environment), !key.isEmpty else {
            throw AppError.failure("[audit] anchor_key is \(reference), which is not set in this environment: no anchor written (set it as the daemon has it)")
        }
        return key
    }

    /// Appends an anchor of the audit head to the anchor log, records it as this store's last one,
    /// and publishes it through `[audit.publish]` (as a `publish_anchor` action through the policy
    /// gate). With `onlyIfMoved`, nothing is written when the head is where the last anchor left
    /// it, not counting the records of publishing that anchor (else each publication would call
    /// for the next one).
    public func writeAnchor(reason: String, onlyIfMoved: Bool, at now: Date = Date()) async throws -> AnchorOutcome {
        // First: with a key configured, an unsigned line would read as forged.
        let key = try anchorKey()
        guard let head = try await store.auditHead(), let storeID = try await store.storeIdentity().identity?.id else {
            return AnchorOutcome(anchor: nil, written: false)
        }
        let last = try await lastAnchor()
        if onlyIfMoved, let last, last.store == storeID, try await onlyPublications(after: last, head: head) {
            return AnchorOutcome(anchor: last, written: false)
        }
        var anchor = AuditAnchor(seq: head.seq, hash: head.hash, at: now, store: storeID, reason: reason)
        if let key { anchor = anchor.signed(with: key) }
        do {
            try AuditAnchorLog.append(anchor, to: anchorLogPath)
        } catch {
            throw AppError.failure("cannot write the audit anchor: \(error)")
        }
        // After the line: a check that sees the record must find the line.
        try await store.setStateValue(lastAnchorKey, .object(["line": .string(anchor.line), "file": .string(auditSettings.anchorFile)]), at: now)
        return AnchorOutcome(anchor: anchor, written: true, published: await publish(anchor))
    }

    /// The last anchor this store wrote to the configured anchor log (kept as configured, so
    /// that a workspace copied or moved elsewhere still finds it).
    func lastAnchor() async throws -> AuditAnchor? {
        guard let value = try await store.stateValue(lastAnchorKey), value["file"]?.stringValue == auditSettings.anchorFile,
            let line = value["line"]?.stringValue
        else { return nil }
        return AuditAnchor(line: line)
    }

    /// Whether every record after `anchor` up to `head` is a decision or execution of publishing an anchor.
    private func onlyPublications(after anchor: AuditAnchor, head: AuditHead) async throws -> Bool {
        guard head.seq >= anchor.seq else { return false }
        if head.seq == anchor.seq { return head.hash == anchor.hash }
        // Publishing one anchor appends two records; more than a few newer ones is real work.
        guard head.seq - anchor.seq <= 8 else { return false }
        let newer = try await store.auditRecords(AuditQuery(limit: Int(head.seq - anchor.seq)))
        return newer.count == Int(head.seq - anchor.seq) && newer.allSatisfy { $0.data["type"]?.stringValue == Self.publishAnchorType }
    }

    /// Proposes publishing `anchor`; the gate runs the `[audit.publish]` command through
    /// ``AnchorPublishHandler`` when allowed. Returns what happened, nil when nothing is configured.
    private func publish(_ anchor: AuditAnchor) async -> String? {
        guard let command = auditSettings.publish else { return nil }
        let action = ProposedAction(
            type: Self.publishAnchorType, attributes: ["reason": .string(anchor.reason)],
            // Not a `command` payload: approving a parked publication must not run it without its anchor.
            payload: .object(["anchor": .string(anchor.line), "publisher": command.program.json]), actor: Actor(.pack, "audit"),
            summary: "audit anchor at record \(anchor.seq) (\(anchor.reason))"
        )
        do {
            let outcome = try await gate.propose(action)
            guard outcome.decision.verdict == .allow else { return "not published: \(outcome.decision.verdict) — \(outcome.decision.reason)" }
            return outcome.result.succeeded ? "published" : "publishing failed: \(outcome.result.error ?? "failed")"
        } catch {
            return "not published: \(error)"
        }
    }

    /// Holds `records` (the whole chain) against the anchor log: see ``AuditAnchorCheck``.
    public func checkAnchors(_ records: [AuditRecord]) async throws -> AuditAnchorCheck.Report {
        guard let storeID = try await store.storeIdentity().identity?.id else { return AuditAnchorCheck.Report() }
        let key: String? = auditSettings.anchorKey?.resolve(in: environment).flatMap { $0.isEmpty ? nil : $0 }
        return AuditAnchorCheck.check(
            records, store: storeID, log: AuditAnchorLog.read(path: anchorLogPath), key: key, keyConfigured: auditSettings.anchorKey != nil,
            lastWritten: try await lastAnchor()
        )
    }
}

extension CommandAction.Program {
    /// The program as the audit trail shows it: an argv array or a shell line.
    fileprivate var json: JSONValue {
        switch self {
        case .argv(let argv): .array(argv.map { .string($0) })
        case .shell(let line): .string(line)
        }
    }
}
