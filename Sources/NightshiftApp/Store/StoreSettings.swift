public import NightshiftCore

/// The `[store]` table: how the daemon looks after its store's files (see ``StoreWatchService``).
///
/// ```toml
/// [store]
/// checkpoint_interval = "1m"   # write the WAL into the database file and empty it
/// file_check_interval = "5s"   # check the database, -wal and -shm files are the ones open
/// ```
public struct StoreSettings: ConfigSection, Hashable {
    public static let key = "store"

    /// How often the daemon checkpoints the write-ahead log (`PRAGMA wal_checkpoint(TRUNCATE)`).
    public var checkpointInterval: Duration = .seconds(60)
    /// How often the daemon checks that its store's files were not removed or replaced.
    public var fileCheckInterval: Duration = .seconds(5)

    public init() {}

    public init?(reading table: TableReader) {
        var failed = false
        let bounds: [(key: String, minimum: Duration, maximum: Duration, range: String)] = [
            ("checkpoint_interval", .seconds(1), .seconds(3600), "1s and 1h"), ("file_check_interval", .milliseconds(100), .seconds(300), "100ms and 5m"),
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
            if key == "checkpoint_interval" { checkpointInterval = interval } else { fileCheckInterval = interval }
        }
        table.finish(known: ["checkpoint_interval", "file_check_interval"])
        if failed { return nil }
    }
}

extension NightshiftApplication {
    /// The `[store]` table, or its defaults.
    public var storeSettings: StoreSettings { configuration.section(StoreSettings.self) ?? StoreSettings() }
}
