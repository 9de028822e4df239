public import NightshiftCore
import NightshiftPostgres

/// The `[store]` table: which store the workspace uses, and how the daemon looks after an
/// embedded store's files (see ``StoreWatchService``).
///
/// ```toml
/// [store]
/// url = "env:NIGHTSHIFT_DATABASE_URL"   # PostgreSQL; without it, the embedded nightshift.sqlite
/// max_clock_skew = "2s"        # PostgreSQL: a node whose clock is further off plans no slots
/// checkpoint_interval = "1m"   # write the WAL into the database file and empty it
/// file_check_interval = "5s"   # check the database, -wal and -shm files are the ones open
/// ```
public struct StoreSettings: ConfigSection, Hashable {
    public static let key = "store"

    /// The PostgreSQL database holding the store, as written: `"env:NAME"` (the URL, which carries
    /// the password, in the daemon's environment) or a `postgres://` URL without a password. Nil:
    /// the workspace's embedded SQLite file.
    public var url: String?

    /// On a store several machines share: how far a node's clock may be from the database's
    /// before the node stops planning slots (``ClockSkew``).
    public var maxClockSkew: Duration = .seconds(2)
    /// How often the daemon checkpoints the write-ahead log (`PRAGMA wal_checkpoint(TRUNCATE)`).
    public var checkpointInterval: Duration = .seconds(60)
    /// How often the daemon checks that its store's files were not removed or replaced.
    public var fileCheckInterval: Duration = .seconds(5)

    public init() {}

    public init?(reading table: TableReader) {
        var failed = false
        let bounds: [(key: String, minimum: Duration, maximum: Duration, range: String)] = [
            ("checkpoint_interval", .seconds(1), .seconds(3600), "1s and 1h"), ("file_check_interval", .milliseconds(100), .seconds(300), "100ms and 5m"),
            ("max_clock_skew", .milliseconds(100), .seconds(60), "100ms and 1m"),
        ]
        for (key, minimum, maximum, range) in bounds {
            guard let location = table.node(key)?.location else { continue }
            guard let interval = table.duration(key) else {
                failed = true
                continue
            }
            guard interval >= minimum, interval <= maximum else {
                table.error("\(table.name(key)) must be between \(range)", at: location)
                failed = true
                continue
            }
            switch key {
            case "checkpoint_interval": checkpointInterval = interval
            case "file_check_interval": fileCheckInterval = interval
            default: maxClockSkew = interval
            }
        }
        if let (url, location) = table.string("url") {
            if Self.checkURL(url, at: location, table: table) { self.url = url } else { failed = true }
        } else if table.node("url") != nil {
            failed = true
        }
        table.finish(known: ["url", "max_clock_skew", "checkpoint_interval", "file_check_interval"])
        if failed { return nil }
    }
}

extension StoreSettings {
    /// Whether `url` is an `env:NAME` reference or a `postgres://` URL without credentials; reports
    /// what is wrong at `location` otherwise.
    static func checkURL(_ url: String, at location: SourcePosition, table: TableReader) -> Bool {
        if url.hasPrefix("env:") { return table.checkEnvironmentReference(url, at: location) }
        do {
            guard try !PostgresStore.Configuration.checkURL(url) else {
                table.error("the URL carries a password: put the whole URL in an environment variable and write \"env:NAME\"", at: location)
                return false
            }
            return true
        } catch {
            table.error("\(error.message); or write \"env:NAME\" and put the URL in the daemon's environment", at: location)
            return false
        }
    }

    /// The database URL `url` names, read from `environment` for `env:NAME`; nil without a `url`.
    ///
    /// - Throws: ``AppError/usage(_:)`` when the variable is unset or empty.
    func databaseURL(in environment: [String: String], configPath: String) throws -> String? {
        guard let url else { return nil }
        guard url.hasPrefix("env:") else { return url }
        let name = String(url.dropFirst(4))
        guard let value = environment[name], !value.isEmpty else {
            throw AppError.usage("\(configPath): [store] url = \"\(url)\", but \(name) is not set in the environment; set it to postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        return value
    }
}

extension NightshiftApplication {
    /// The `[store]` table, or its defaults.
    public var storeSettings: StoreSettings { configuration.section(StoreSettings.self) ?? StoreSettings() }
}
