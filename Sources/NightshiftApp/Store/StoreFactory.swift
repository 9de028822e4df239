public import NightshiftCore
import NightshiftSQLite

/// Opens the store of a workspace.
public enum StoreFactory {
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
}
