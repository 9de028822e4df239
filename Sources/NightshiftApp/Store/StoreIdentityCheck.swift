public import Foundation
public import Logging
public import NightshiftCore

/// Opens a workspace's store only if it is the store the workspace had: the id in the store must
/// be the one in the marker file beside the configuration (`.nightshift-store-id`).
///
/// | marker | store | without `--new-store` | with `--new-store` |
/// |---|---|---|---|
/// | none | missing or empty | a new store: identity and marker written | the same |
/// | none | data, no identity (from before identities) | adopted: identity and marker written, `store_change` recorded | the same |
/// | none | identity | the marker is written again from the store, `store_change` recorded | the same |
/// | id | the same id | opened | opened |
/// | id | missing, empty, no identity or another id | refused, naming both | a new identity for the store that is there (a new one if missing), marker rewritten, `store_change` recorded |
public enum StoreIdentityCheck {
    /// A store the workspace had not used before, to be recorded in the audit trail once migrated.
    public struct Change: Sendable, Hashable {
        /// The store's identity from now on.
        public var identity: StoreIdentity
        /// The identity the marker named before, if any.
        public var previousMarker: String?
        /// The identity the store itself had before, when it had one and it was replaced.
        public var previousStore: String?
        /// Why: "missing", "empty", "no identity", "another store", "from before store identities", "marker missing".
        public var reason: String
        /// Whether the operator asked for it with `--new-store`.
        public var requested: Bool
        /// The store, as the audit record names it: `nightshift.sqlite`, or the database's URL without its password.
        public var subject = "nightshift.sqlite"

        /// The `store_change` audit entry.
        public func auditEntry(at now: Date) -> AuditEntry {
            AuditEntry(
                kind: .storeChange, at: now, actor: requested ? "cli:operator" : "nightshift", subject: subject,
                data: .object([
                    "store": .string(identity.id), "reason": .string(reason),
                    "previous_marker": previousMarker.map { .string($0) } ?? .null,
                    "previous_store": previousStore.map { .string($0) } ?? .null,
                    "new_store_flag": .bool(requested),
                ])
            )
        }
    }

    /// Opens and migrates the store of `workspace`, refusing one that is not the workspace's own
    /// unless `newStore`. Returns the store and, when it took a store it had not used before,
    /// the change to record.
    ///
    /// - Throws: ``AppError/storeRefused(_:)`` saying what is wrong and what to do.
    ///
    /// - Parameter settings: the `[store]` table: with a `url`, the store is that PostgreSQL database
    ///   (read from `environment` for `env:NAME`), else the workspace's SQLite file.
    public static func open(
        _ workspace: Workspace, settings: StoreSettings = StoreSettings(), environment: [String: String] = [:],
        logger: Logger = Logger(label: "nightshift"), newStore: Bool, at now: Date = Date()
    ) async throws -> (store: any Store, change: Change?) {
        let marker = try readMarker(workspace)
        let database = try settings.databaseURL(in: environment, configPath: workspace.configPath) != nil
        // A database cannot be missing the way a file can: an empty one reads as empty.
        let fileExists = database || FileManager.default.fileExists(atPath: workspace.storePath)
        // Refuse before opening: opening would create the missing file.
        if let marker, !fileExists, !newStore {
            throw AppError.storeRefused(
                "the store \(workspace.storePath) is missing, but this workspace's store is \(marker) (named in \(workspace.storeMarkerPath)). "
                    + "Put the store file back (from a backup), or start a new, empty store with --new-store"
            )
        }
        let (store, location) = try await StoreFactory.open(workspace, settings: settings, environment: environment, logger: logger)
        let putBack = database
            ? "Point [store] url at this workspace's database"
            : "Put this workspace's store file back (from a backup)"
        let reading: StoreIdentityReading
        do { reading = try await store.storeIdentity() } catch {
            throw AppError.failure("cannot read the store \(location): \(error)")
        }
        var change: Change?
        let fresh = StoreIdentity.make(at: now)
        switch (marker, reading) {
        case (nil, .empty):
            break
        case (nil, .unidentified):
            change = Change(identity: fresh, previousMarker: nil, previousStore: nil, reason: "from before store identities", requested: false)
        case (nil, .identified(let identity)):
            change = Change(identity: identity, previousMarker: nil, previousStore: nil, reason: "marker missing", requested: false)
        case (let marker?, .identified(let identity)) where identity.id == marker:
            break
        case (let marker?, _):
            let problem = problem(of: reading, fileExists: fileExists)
            guard newStore else {
                throw AppError.storeRefused(
                    "the store \(location) \(problem.description), but this workspace's store is \(marker) (named in \(workspace.storeMarkerPath)). "
                        + "\(putBack), or "
                        + (reading == .empty ? "start a new, empty store with --new-store" : "adopt the store that is there with --new-store (it gets a new identity)")
                )
            }
            change = Change(identity: fresh, previousMarker: marker, previousStore: reading.identity?.id, reason: problem.reason, requested: true)
        }
        if case .postgres(let url) = location { change?.subject = url }
        do {
            try await store.migrate()
            let wanted = change?.identity ?? fresh
            let stored = try await store.setStoreIdentity(wanted, replacing: change?.previousStore)
            if change != nil { change?.identity = stored }
            try writeMarker(stored.id, workspace)
        } catch let error as AppError {
            throw error
        } catch {
            throw AppError.failure("cannot prepare the store \(location): \(error)")
        }
        return (store, change)
    }

    /// What is wrong with a store that is not the marker's, as the refusal and the audit record say it.
    private static func problem(of reading: StoreIdentityReading, fileExists: Bool) -> (description: String, reason: String) {
        switch reading {
        case _ where !fileExists: ("is missing", "missing")
        case .empty: ("is empty (it was emptied or replaced by an empty file)", "empty")
        case .unidentified: ("has no store identity (it is a store from before identities, or from another workspace)", "no identity")
        case .identified(let identity): ("is \(identity.id), another workspace's store", "another store")
        }
    }

    /// The identity the marker names, nil when there is no marker.
    static func readMarker(_ workspace: Workspace) throws -> String? {
        guard FileManager.default.fileExists(atPath: workspace.storeMarkerPath) else { return nil }
        guard let text = try? String(contentsOfFile: workspace.storeMarkerPath, encoding: .utf8) else {
            throw AppError.storeRefused("cannot read \(workspace.storeMarkerPath); fix its permissions, or remove it to adopt the store that is there")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let id = lines.first(where: { !$0.isEmpty && !$0.hasPrefix("#") }) else {
            throw AppError.storeRefused("\(workspace.storeMarkerPath) names no store; remove it to adopt the store that is there")
        }
        return id
    }

    /// Writes the marker through a temporary file, so that a crash leaves the old or the new one.
    private static func writeMarker(_ id: String, _ workspace: Workspace) throws {
        if (try? readMarker(workspace)) == id { return }
        let text = "# The identity of nightshift.sqlite, this workspace's store (docs/RELIABILITY.md). Do not edit.\n\(id)\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: workspace.storeMarkerPath), options: .atomic)
        } catch {
            throw AppError.failure("cannot write \(workspace.storeMarkerPath): \(error.localizedDescription)")
        }
    }
}
