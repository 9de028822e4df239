import Foundation
import NightshiftCore
import NightshiftSQLite
import NightshiftTesting
import Testing

/// The store conformance suite and SQLite specifics, each on a fresh file in a temporary folder.
@Suite("SQLiteStore")
struct SQLiteStoreTests {
    @Test(arguments: StoreConformance.cases)
    func conformance(_ check: StoreConformanceCase) async throws {
        try await withTemporaryFolder { folder in
            let store = try SQLiteStore(path: folder.file("nightshift.sqlite"))
            try await store.migrate()
            try await check.run(store)
            #expect(try await store.integrityCheck() == "ok")
        }
    }

    @Test func theFileIsARealDatabaseInWALMode() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            let store: SQLiteStore = try .sqlite(path: path)
            try await store.migrate()
            #expect(store.path == path)
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(try await store.journalMode() == "wal")
            #expect(try await store.writerSynchronous() == 2, "commits must be fsynced (synchronous = FULL)")
            // Bytes 18 and 19 of the header are the file format versions: 2 means WAL.
            let header = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(20))
            #expect(header.count == 20 && header[18] == 2 && header[19] == 2)
        }
    }

    @Test func reopeningTheFileKeepsTheData() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            let run = RunRecord(id: "r_a", job: "backup", slot: Date(timeIntervalSince1970: 1_750_000_000), trigger: .schedule, state: .pending, createdAt: Date(timeIntervalSince1970: 1_750_000_000))
            do {
                let first = try SQLiteStore(path: path)
                try await first.migrate()
                try await first.syncJobs(["backup"], at: Date(timeIntervalSince1970: 1_750_000_000))
                #expect(try await first.insertRun(run))
                let daemon = DaemonInstance(id: "d_1", pid: 42, host: "h", startedAt: .distantPast, heartbeatAt: .distantPast)
                #expect(try await first.claimDaemon(daemon, ifCurrentIs: nil))
            }
            let second = try SQLiteStore(path: path)
            try await second.migrate()
            #expect(try await second.run("r_a") == run)
            #expect(try await second.jobStates().map(\.name) == ["backup"])
            #expect(try await second.daemonInstance()?.id == "d_1")
        }
    }

    @Test func migratingTwiceOrConcurrentlyIsHarmless() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            let one = try SQLiteStore(path: path)
            let other = try SQLiteStore(path: path)
            async let first: Void = one.migrate()
            async let second: Void = other.migrate()
            _ = try await (first, second)
            try await one.migrate()
            try await other.syncJobs(["backup"], at: Date())
            try await one.migrate()
            #expect(try await one.jobStates().map(\.name) == ["backup"])
            #expect(try await one.integrityCheck() == "ok")
        }
    }

    @Test func twoStoresOnOneFileSeeEachOtherAndOnlyOneClaims() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            let daemon = try SQLiteStore(path: path)
            let cli = try SQLiteStore(path: path)
            try await daemon.migrate()
            try await cli.migrate()

            try await daemon.syncJobs(["backup"], at: Date(timeIntervalSince1970: 1_750_000_000))
            #expect(try await cli.setPaused("backup", true))
            #expect(try await daemon.jobState("backup")?.paused == true)

            let slot = Date(timeIntervalSince1970: 1_750_000_060)
            let recorded = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    let store = index.isMultiple(of: 2) ? daemon : cli
                    let run = RunRecord(id: "r_\(index)", job: "backup", slot: slot, trigger: .schedule, state: .pending, createdAt: slot)
                    group.addTask { try await store.recordSlots(job: "backup", runs: [run], cursor: slot).count }
                }
                return try await group.reduce(0, +)
            }
            #expect(recorded == 1)
            let runs = try await cli.runs(RunQuery(job: "backup"))
            #expect(runs.count == 1)
            let id = try #require(runs.first?.id)

            let claims = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    let store = index.isMultiple(of: 2) ? daemon : cli
                    group.addTask { try await store.claimRun(id, owner: "owner-\(index)", at: slot, exclusive: true) == nil ? 0 : 1 }
                }
                return try await group.reduce(0, +)
            }
            #expect(claims == 1)
            #expect(try await daemon.run(id)?.state == .running)
        }
    }

    @Test func aMissingFolderIsAStoreErrorNamingThePath() async throws {
        let path = "/nonexistent-\(UUID().uuidString)/nightshift.sqlite"
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error?.location == path)
        #expect(error?.description.contains(path) == true)
        #expect(error?.message.contains("does not exist") == true)
    }

    @Test func aFolderInPlaceOfTheFileIsAStoreError() async throws {
        try await withTemporaryFolder { folder in
            let error = #expect(throws: StoreError.self) { try SQLiteStore(path: folder.path) }
            #expect(error?.location == folder.path)
        }
    }

    @Test(.enabled(if: getuid() != 0, "root may write anywhere"))
    func anUnwritableFolderIsAStoreErrorNamingThePath() async throws {
        try await withTemporaryFolder { folder in
            let locked = folder.appendingPathComponent("locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked.path) }
            let path = locked.file("nightshift.sqlite")
            let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
            #expect(error?.location == path)
        }
    }

    @Test func aFileThatIsNotADatabaseIsAStoreErrorNamingThePath() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("notes.sqlite")
            try Data(String(repeating: "not a database\n", count: 512).utf8).write(to: URL(fileURLWithPath: path))
            let error = await #expect(throws: StoreError.self) {
                let store = try SQLiteStore(path: path)
                try await store.migrate()
            }
            #expect(error?.location == path)
        }
    }

    @Test(.enabled(if: LockHolder.isAvailable, "needs the sqlite3 shell"))
    func anotherProcessHoldingTheWriteLockMakesWritesWaitThenFailWithoutValues() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            let patient = try SQLiteStore(path: path)
            try await patient.migrate()
            try await patient.syncJobs(["backup"], at: Date())
            let run = RunRecord(id: "r_a", job: "backup", slot: Date(), trigger: .manual, state: .pending, createdAt: Date())
            #expect(try await patient.insertRun(run))
            _ = try await patient.claimRun("r_a", owner: "me", at: Date(), exclusive: true)

            var quick = SQLiteStore.Configuration()
            quick.busyTimeout = .milliseconds(100)
            let impatient = try SQLiteStore(path: path, configuration: quick)
            let holder = try LockHolder(path: path)
            let secret = "hunter2-\(UUID().uuidString)"
            let outcome = RunOutcome(state: .failed, finishedAt: Date(), excerpt: secret)

            // The shell takes the lock shortly after starting; until then the finish would succeed,
            // so probe with a write that changes nothing.
            var failure: StoreError?
            for _ in 0..<100 where failure == nil {
                do {
                    _ = try await impatient.finishRun("r_a", owner: "someone-else", outcome: outcome)
                    try await Task.sleep(for: .milliseconds(50))
                } catch let error as StoreError {
                    failure = error
                }
            }
            let error = try #require(failure, "the sqlite3 shell never took the write lock")
            #expect(error.location == path)
            #expect(!error.description.contains(secret))
            #expect(try await impatient.run("r_a")?.state == .running, "readers are not blocked in WAL mode")

            async let finished = patient.finishRun("r_a", owner: "me", outcome: outcome)
            try await Task.sleep(for: .milliseconds(300))
            await holder.release()
            #expect(try await finished)
            #expect(try await impatient.run("r_a")?.excerpt == secret)
        }
    }
}

@Suite("SQLiteStore: a pack's own tables")
struct SQLitePackMigrationTests {
    @Test("a pack's migrations run after the core's, once each, and a later one is added on the next open")
    func packMigrations() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            var configuration = SQLiteStore.Configuration()
            configuration.packMigrations = [PackMigration(name: "demo.notes", sql: "CREATE TABLE demo_notes (id TEXT PRIMARY KEY NOT NULL, text TEXT NOT NULL) STRICT")]
            let store = try SQLiteStore(path: path, configuration: configuration)
            try await store.migrate()
            try await store.migrate()
            configuration.packMigrations.append(PackMigration(name: "demo.tags", sql: "CREATE TABLE demo_tags (note TEXT NOT NULL, tag TEXT NOT NULL) STRICT"))
            let reopened = try SQLiteStore(path: path, configuration: configuration)
            try await reopened.migrate()
            let tables = try sqlite3(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'demo_%' ORDER BY name")
            #expect(tables == "demo_notes\ndemo_tags")
            let applied = try sqlite3(path, "SELECT identifier FROM grdb_migrations WHERE identifier LIKE 'pack:%' ORDER BY rowid")
            #expect(applied == "pack:demo.notes\npack:demo.tags")
            #expect(try await reopened.integrityCheck() == "ok")
        }
    }

    /// The output of the `sqlite3` shell (Debian's `sqlite3`, which `.ci/run` installs) for `sql`.
    func sqlite3(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
