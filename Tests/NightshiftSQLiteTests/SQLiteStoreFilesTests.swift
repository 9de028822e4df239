import Foundation
import NightshiftCore
import NightshiftSQLite
import Testing

/// What the SQLite store says about itself: its identity before and after migration.
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
}
