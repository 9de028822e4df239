import Foundation
import NightshiftCore
import NightshiftSQLite
import Testing

/// What the SQLite store says about itself and its files: its identity before migration, the
/// checkpoint, the copy saved from a removed file, and the watch that notices the removal.
@Suite("SQLiteStore identity and files")
struct SQLiteStoreFilesTests {
    @Test("an empty file reads as empty, a store from before identities as unidentified, then as its identity")
    func identityBeforeAndAfterMigration() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            FileManager.default.createFile(atPath: path, contents: Data())
            let store = try SQLiteStore(path: path)
            #expect(try await store.storeIdentity() == .empty, "`: > nightshift.sqlite` holds nothing")
            try await store.migrate()
            #expect(try await store.storeIdentity() == .unidentified)
            let identity = StoreIdentity.make(at: Date(timeIntervalSince1970: 1_790_000_000))
            #expect(try await store.setStoreIdentity(identity, replacing: nil) == identity)
            #expect(try await SQLiteStore(path: path).storeIdentity() == .identified(identity), "another connection reads it back")
        }
    }

    @Test("the checkpoint empties the log; a removed database is noticed, and the copy saved from the open file holds its data")
    func checkpointWatchAndCopy() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            try await store.setStateValue("kept", .string("yes"), at: Date())
            #expect(try await store.checkpoint())
            #expect((try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) == 0)

            var watch = StoreFileWatch(paths: store.filePaths)
            #expect(watch.check() == nil)
            try FileManager.default.removeItem(atPath: path)
            #expect(watch.check() == StoreFileWatch.Problem(path: path, kind: .removed, isDatabase: true))
            FileManager.default.createFile(atPath: path, contents: Data())
            #expect(watch.check()?.kind == .replaced, "a new file under the old name is another file")

            let copy = folder.file("rescued.sqlite")
            try await store.saveCopy(to: copy)
            #expect(try await SQLiteStore(path: copy).stateValue("kept") == .string("yes"))
        }
    }
}
