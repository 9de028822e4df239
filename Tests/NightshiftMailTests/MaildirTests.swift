import Foundation
import NightshiftMail
import Testing

/// ``Maildir`` on real folders in a temporary directory.
@Suite("Maildir")
struct MaildirTests {
    /// A fresh folder under the temporary directory, removed by `body`'s end.
    static func withFolder(_ body: (String) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maildir-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try body(root)
    }

    static func makeMaildir(_ path: String) throws {
        for sub in ["cur", "new", "tmp"] { try FileManager.default.createDirectory(atPath: "\(path)/\(sub)", withIntermediateDirectories: true) }
    }

    static func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("new/ and cur/ are listed by key, with flags; tmp/ and hidden files are not")
    func listing() throws {
        try Self.withFolder { root in
            try Self.makeMaildir(root)
            try Self.write("\(root)/new/1733000002.M2P7.host", "Subject: two\r\n\r\nb")
            try Self.write("\(root)/cur/1733000001.M1P7.host:2,RS", "Subject: one\r\n\r\na")
            try Self.write("\(root)/cur/1733000003.M3P7.host:2,", "Subject: three\r\n\r\nc")
            try Self.write("\(root)/tmp/1733000004.M4P7.host", "Subject: being written")
            try Self.write("\(root)/cur/.hidden", "x")
            let entries = try Maildir(path: root).messages()
            #expect(entries.map(\.key) == ["1733000001.M1P7.host", "1733000002.M2P7.host", "1733000003.M3P7.host"])
            #expect(entries.map(\.flags) == ["RS", "", ""])
            #expect(entries.map(\.isNew) == [false, true, false])
            #expect(entries[0].isSeen && entries[0].isReplied && !entries[0].isTrashed)
            #expect(entries[1].path == "\(root)/new/1733000002.M2P7.host")
            #expect(try Maildir(path: root).read(entries[0]) == Array("Subject: one\r\n\r\na".utf8))
        }
    }

    @Test("a message moved from new/ to cur/ between listing and reading is found again by its key")
    func movedWhileReading() throws {
        try Self.withFolder { root in
            try Self.makeMaildir(root)
            try Self.write("\(root)/new/1733000010.M9P1.host", "Subject: moving\r\n\r\nbody")
            let maildir = Maildir(path: root)
            let entry = try #require(try maildir.messages().first)
            #expect(entry.isNew)
            // Another mail program marks it seen: it moves to cur/ with flags.
            try FileManager.default.moveItem(atPath: "\(root)/new/1733000010.M9P1.host", toPath: "\(root)/cur/1733000010.M9P1.host:2,S")
            #expect(try maildir.read(entry) == Array("Subject: moving\r\n\r\nbody".utf8))
            let again = try #require(try maildir.messages().first)
            #expect(again.key == entry.key)
            #expect(again.flags == "S" && !again.isNew)
        }
    }

    @Test("a message gone for good is an error naming its path and key")
    func gone() throws {
        try Self.withFolder { root in
            try Self.makeMaildir(root)
            try Self.write("\(root)/cur/1733000020.M1P1.host:2,S", "x")
            let maildir = Maildir(path: root)
            let entry = try #require(try maildir.messages().first)
            try FileManager.default.removeItem(atPath: entry.path)
            let error = try #require(throws: MaildirError.self) { try maildir.read(entry) }
            #expect(error.kind == .messageGone)
            #expect(error.path == entry.path)
            #expect(error.description.contains("1733000020.M1P1.host"))
        }
    }

    @Test("when a key is in new/ and cur/ at once (a move in progress) it is listed once, from cur/")
    func duplicateKey() throws {
        try Self.withFolder { root in
            try Self.makeMaildir(root)
            try Self.write("\(root)/new/1733000030.M1P1.host", "x")
            try Self.write("\(root)/cur/1733000030.M1P1.host:2,S", "x")
            let entries = try Maildir(path: root).messages()
            #expect(entries.count == 1)
            #expect(entries.first?.isNew == false)
        }
    }

    @Test("Maildir++ subfolders: .Sent and .Archive are Sent and Archive; dot directories that are not Maildirs are not")
    func subfolders() throws {
        try Self.withFolder { root in
            try Self.makeMaildir(root)
            try Self.makeMaildir("\(root)/.Sent")
            try Self.makeMaildir("\(root)/.Archive")
            try Self.makeMaildir("\(root)/.Archive.2024")
            try FileManager.default.createDirectory(atPath: "\(root)/.cache", withIntermediateDirectories: true)
            try Self.write("\(root)/.Sent/cur/1733000040.M1P1.host:2,S", "sent")
            let folders = try Maildir(path: root).subfolders()
            #expect(folders.map(\.name) == ["Archive", "Archive.2024", "Sent"])
            let sent = try #require(folders.first { $0.name == "Sent" })
            #expect(sent.maildir.path == "\(root)/.Sent")
            #expect(try sent.maildir.messages().map(\.key) == ["1733000040.M1P1.host"])
        }
    }

    @Test("a missing folder, a file and a folder without cur/ or new/ are errors that name the path")
    func errors() throws {
        try Self.withFolder { root in
            let missing = "\(root)/nowhere"
            let notFound = try #require(throws: MaildirError.self) { try Maildir(path: missing).messages() }
            #expect(notFound.kind == .notFound)
            #expect(notFound.path == missing)
            #expect(notFound.description.hasPrefix(missing))

            try Self.write("\(root)/file", "x")
            let file = try #require(throws: MaildirError.self) { try Maildir(path: "\(root)/file").messages() }
            #expect(file.kind == .notADirectory)

            try FileManager.default.createDirectory(atPath: "\(root)/plain", withIntermediateDirectories: true)
            let plain = try #require(throws: MaildirError.self) { try Maildir(path: "\(root)/plain").subfolders() }
            #expect(plain.kind == .notAMaildir)
            #expect(plain.path == "\(root)/plain")
        }
    }

    @Test("an unreadable cur/ is an error naming it", .enabled(if: getuid() != 0, "root reads everything"))
    func unreadable() throws {
        try Self.withFolder { root in
            try Self.makeMaildir(root)
            try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: "\(root)/cur")
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(root)/cur") }
            let error = try #require(throws: MaildirError.self) { try Maildir(path: root).messages() }
            #expect(error.kind == .unreadable)
            #expect(error.path == "\(root)/cur")
        }
    }

    @Test("file names: key and flags split at :2, (and :1,), other colons kept in the key")
    func names() throws {
        try Self.withFolder { root in
            try Self.makeMaildir(root)
            try Self.write("\(root)/cur/a:b:2,FS", "x")
            try Self.write("\(root)/cur/c:1,", "x")
            try Self.write("\(root)/cur/d:x", "x")
            let entries = try Maildir(path: root).messages()
            #expect(entries.map(\.key) == ["a:b", "c", "d:x"])
            #expect(entries.map(\.flags) == ["FS", "", ""])
        }
    }
}
