public import Foundation
public import NightshiftCore

/// The audit trail's use cases: its records, and the whole check `audit verify` prints.
public struct AuditReview: Sendable {
    let app: NightshiftApplication

    public init(_ app: NightshiftApplication) { self.app = app }

    /// The newest records that `query` selects.
    public func records(_ query: AuditQuery) async throws -> [AuditRecord] {
        guard (query.limit ?? 1) > 0 else { throw AppError.usage("--limit must be at least 1") }
        return try await app.store.auditRecords(query)
    }

    /// What verifying found: the chain (and its head), every action row against its records, the
    /// anchors outside the store.
    public struct Verification: Sendable {
        public var trail: AuditTrail
        public var broken: AuditBreak?
        public var actionsChecked: Int
        public var mismatches: [ActionMismatch]
        public var anchors: AuditAnchorCheck.Report
        /// Nothing broken, nothing edited, the anchors agree.
        public var ok: Bool { broken == nil && mismatches.isEmpty && anchors.ok }
    }

    /// Checks the whole chain and its head, every action row against its trail, and the chain
    /// against the anchor log.
    public func verify() async throws -> Verification {
        let trail = try await app.store.auditTrail()
        let broken = AuditChain.verify(trail)
        let anchors = try await app.checkAnchors(trail.records)
        // The actions table against the trail: a row edited outside Nightshift shows here.
        let actions = try await app.store.actions(ActionQuery(limit: Int.max))
        let mismatches = ActionTrail.mismatches(actions: actions, records: trail.records, approvalExpiry: app.configuration.policy.approvalExpiry)
        return Verification(trail: trail, broken: broken, actionsChecked: actions.count, mismatches: mismatches, anchors: anchors)
    }
}
