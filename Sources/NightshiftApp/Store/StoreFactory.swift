public import Logging
public import NightshiftCore
import NightshiftPostgres
import NightshiftSQLite

/// Opens the store of a workspace: the embedded SQLite file, or the PostgreSQL database that
/// `[store] url` names (docs/POSTGRES.md).
public enum StoreFactory {
    /// Where a workspace's store is, as messages name it.
    public enum Location: Sendable, Hashable, CustomStringConvertible {
        /// The workspace's `nightshift.sqlite`.
        case sqlite(path: String)
        /// A PostgreSQL database: its URL without the password.
        case postgres(String)

        public var description: String {
            switch self {
            case .sqlite(let path): path
            case .postgres(let location): location
            }
        }
    }

    /// The workspace's embedded SQLite store (`nightshift.sqlite`), created if missing.
    public static func open(_ workspace: Workspace) throws -> any Store {
        do {
            var configuration = SQLiteStore.Configuration()
            configuration.packMigrations = NightshiftApplication.packs.flatMap(\.sqliteMigrations)
            return try SQLiteStore.sqlite(path: workspace.storePath, configuration: configuration)
        } catch {
            throw AppError.failure("cannot open the store \(workspace.storePath): \(error)")
        }
    }

    /// The store `settings` name: PostgreSQL when `[store] url` is set (read from `environment`
    /// for `env:NAME`), else the workspace's SQLite file. A PostgreSQL store's connection pool runs
    /// from here until the process ends; the server is reached once (within 10 s) before it returns.
    ///
    /// - Throws: ``AppError/usage(_:)`` for a URL that is unset or cannot be read.
    public static func open(
        _ workspace: Workspace, settings: StoreSettings, environment: [String: String], logger: Logger
    ) async throws -> (store: any Store, location: Location) {
        guard let url = try settings.databaseURL(in: environment, configPath: workspace.configPath) else {
            return (try open(workspace), .sqlite(path: workspace.storePath))
        }
        var configuration: PostgresStore.Configuration
        do { configuration = try PostgresStore.Configuration(url: url) } catch {
            throw AppError.usage("\(workspace.configPath): [store] url: \(error)")
        }
        configuration.packMigrations = NightshiftApplication.packs.flatMap(\.postgresMigrations)
        let store = PostgresStore.started(configuration: configuration, logger: logger)
        do { try await store.checkReachable() } catch {
            store.close()
            throw AppError.failure("cannot open the store: \(error)")
        }
        return (store, .postgres(store.location))
    }
}
