public import Foundation
public import NightshiftCore
import NightshiftPostgres
import NightshiftSQLite

/// `nightshift store migrate --to TARGET`: copies the workspace's store, row for row, into an
/// empty PostgreSQL database or a new SQLite file, then checks the copy: the same rows in every
/// table, the same store identity, and the audit chain verified again on the target, ending at the
/// same head. The source is not changed; the workspace goes on using it until the operator points
/// `[store] url` (or the workspace's `nightshift.sqlite`) at the copy.
public enum StoreMigration {
    /// Where a copy goes.
    public enum Target: Sendable, Hashable {
        case postgres(url: String)
        case sqlite(path: String)

        /// `postgres://…`, `postgresql://…`, `env:NAME` (a variable holding such a URL) or `sqlite:PATH`.
        ///
        /// - Throws: ``AppError/usage(_:)`` for anything else, an unset variable or an unreadable URL.
        public init(parsing text: String, environment: [String: String], relativeTo directory: String) throws {
            var text = text
            if text.hasPrefix("env:") {
                let name = String(text.dropFirst(4))
                guard let value = environment[name], !value.isEmpty else { throw AppError.usage("--to \(text): \(name) is not set in the environment") }
                text = value
            }
            if text.hasPrefix("sqlite:") {
                let path = String(text.dropFirst("sqlite:".count))
                guard !path.isEmpty else { throw AppError.usage("--to sqlite:PATH needs a path, e.g. sqlite:/srv/nightshift/copy.sqlite") }
                self = .sqlite(path: path.hasPrefix("/") ? path : "\(directory)/\(path)")
            } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
                do { _ = try PostgresStore.Configuration.checkURL(text) } catch { throw AppError.usage("--to: \(error.message)") }
                self = .postgres(url: text)
            } else {
                throw AppError.usage("--to must be postgres://USER:PASSWORD@HOST[:PORT]/DATABASE, env:NAME (a variable holding that URL) or sqlite:PATH")
            }
        }
    }

    /// What the copy did, as `--json` prints it.
    public struct Report: Encodable, Sendable {
        public var from: String
        public var to: String
        public var store: String
        /// Rows per table, the same on both sides.
        public var rows: [String: Int]
        public var auditRecords: Int
        public var auditHead: String?
    }

    /// Copies `app`'s store to `target` and checks the copy.
    ///
    /// - Throws: ``AppError/failure(_:)`` when a daemon serves the workspace (stop it first), the
    ///   target is not empty, or the copy does not check out (a SQLite target is then removed).
    /// The packs' tables, copied after the core's.
    static var packTables: [String] { NightshiftApplication.packs.flatMap(\.storeTables) }
    /// Every table a copy checks: the core's and the packs'.
    static var allTables: [String] { StoreTables.all + packTables }

    public static func run(_ app: NightshiftApplication, to target: Target) async throws -> Report {
        if let daemon = try await app.servingDaemon(now: app.clock.now()) {
            throw AppError.failure("a daemon serves this workspace (pid \(daemon.pid) on \(daemon.host)): stop it first, so the store stands still while it is copied")
        }
        guard let source = app.store as? any TableTransfer, let identity = try await source.storeIdentity().identity else {
            throw AppError.failure("this workspace's store cannot be copied: it has no store identity")
        }
        let (copy, location, discard) = try await open(target, logger: app)
        do {
            let present = try await copy.rowCounts(Self.allTables).values.reduce(0, +)
            guard present == 0 else { throw AppError.failure("the target \(location) is not empty (\(present) rows): copy into an empty database or a new file") }
            try await copy.importTables(try await source.exportTables(StoreTables.copied + Self.packTables))
            let report = try await check(copy, against: source, identity: identity, from: app.store, to: location)
            (copy as? PostgresStore)?.close()
            return report
        } catch {
            // A new SQLite file goes again; a database keeps what a check refused (the import is
            // one transaction, so a failed import leaves nothing) for the operator to look at.
            (copy as? PostgresStore)?.close()
            discard()
            throw error is AppError ? error : AppError.failure("cannot copy the store to \(location): \(error)")
        }
    }

    /// The target, opened and migrated, with what removes it again when the copy fails.
    private static func open(_ target: Target, logger app: NightshiftApplication) async throws -> (any TableTransfer, String, () -> Void) {
        switch target {
        case .postgres(let url):
            var configuration = try PostgresStore.Configuration(url: url)
            configuration.packMigrations = NightshiftApplication.packs.flatMap(\.postgresMigrations)
            let store = PostgresStore.started(configuration: configuration, logger: app.logger)
            do {
                try await store.checkReachable()
                try await store.migrate()
            } catch {
                store.close()
                throw AppError.failure("cannot open the target: \(error)")
            }
            return (store, store.location, {})
        case .sqlite(let path):
            guard !FileManager.default.fileExists(atPath: path) else {
                throw AppError.failure("the target \(path) exists: copy into a new file")
            }
            let remove = { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            do {
                var configuration = SQLiteStore.Configuration()
                configuration.packMigrations = NightshiftApplication.packs.flatMap(\.sqliteMigrations)
                let store = try SQLiteStore.sqlite(path: path, configuration: configuration)
                try await store.migrate()
                return (store, path, remove)
            } catch {
                remove()
                throw AppError.failure("cannot create the target \(path): \(error)")
            }
        }
    }

    /// The copy has every row, the identity, and an audit chain that verifies to the source's head.
    private static func check(
        _ copy: any TableTransfer, against source: any TableTransfer, identity: StoreIdentity, from: any Store, to location: String
    ) async throws -> Report {
        let (want, have) = (try await source.rowCounts(Self.allTables), try await copy.rowCounts(Self.allTables))
        let differing = Self.allTables.filter { want[$0] != have[$0] }
        guard differing.isEmpty else {
            let detail = differing.map { "\($0): \(want[$0] ?? 0) in the source, \(have[$0] ?? 0) in the copy" }.joined(separator: "; ")
            throw AppError.failure("the copy does not match the source: \(detail)")
        }
        guard try await copy.storeIdentity().identity == identity else { throw AppError.failure("the copy does not match the source: its store identity differs") }
        let trail = try await copy.auditTrail()
        if let broken = AuditChain.verify(trail) {
            throw AppError.failure("the copy does not match the source: its audit chain breaks at seq \(broken.seq): \(broken.problem)")
        }
        guard try await source.auditHead() == trail.head else { throw AppError.failure("the copy does not match the source: its audit head differs") }
        return Report(
            from: (from as? PostgresStore)?.location ?? (from as? SQLiteStore)?.path ?? "the store", to: location, store: identity.id,
            rows: have, auditRecords: trail.records.count, auditHead: trail.head?.hash
        )
    }
}
