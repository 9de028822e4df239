import Foundation

/// One message file of a ``Maildir``.
public struct MaildirEntry: Sendable, Hashable {
    /// The unique name: the file name before `:2,` (or `:1,`). It stays the same when a mail
    /// program moves the message from `new/` to `cur/` and changes its flags.
    public var key: String
    /// The file's full path when it was listed.
    public var path: String
    /// The flags after `:2,`, as written, e.g. `FRS` (Draft, Flagged, Passed, Replied, Seen,
    /// Trashed); usually empty for a message in `new/`.
    public var flags: String
    /// Whether it was in `new/` (not yet seen by any mail program).
    public var isNew: Bool

    /// An entry with the given fields.
    public init(key: String, path: String, flags: String, isNew: Bool) {
        self.key = key
        self.path = path
        self.flags = flags
        self.isNew = isNew
    }

    /// Whether the `S` flag (seen) is set.
    public var isSeen: Bool { flags.contains("S") }
    /// Whether the `R` flag (replied) is set.
    public var isReplied: Bool { flags.contains("R") }
    /// Whether the `T` flag (trashed) is set.
    public var isTrashed: Bool { flags.contains("T") }

    /// The key and flags of a Maildir file name: `1733.M1P2.host:2,RS` → (`1733.M1P2.host`, `RS`).
    static func split(_ name: String) -> (key: String, flags: String) {
        guard let colon = name.lastIndex(of: ":") else { return (name, "") }
        let info = name[name.index(after: colon)...]
        guard info.hasPrefix("2,") || info.hasPrefix("1,") else { return (name, "") }
        return (String(name[..<colon]), String(info.dropFirst(2)))
    }
}

/// A Maildir folder (`cur/`, `new/`, `tmp/`), read without locking, as the format intends:
/// messages are listed from `new/` and `cur/` (never `tmp/`, where files are still being
/// written), and a message another program moved between listing and reading is found again by
/// its key.
///
/// ```swift
/// let inbox = Maildir(path: "/home/ann/Maildir")
/// for entry in try inbox.messages() where !entry.isSeen {
///     let message = MailMessage(bytes: try inbox.read(entry))
/// }
/// try inbox.subfolders().map(\.name)   // ["Archive", "Sent"] (Maildir++ ".Archive", ".Sent")
/// ```
public struct Maildir: Sendable, Hashable {
    /// A Maildir++ subfolder: its name without the leading dot (`.Sent` → `Sent`,
    /// `.Archive.2024` → `Archive.2024`) and the folder itself.
    public struct Subfolder: Sendable, Hashable {
        /// The name, e.g. `Sent`.
        public var name: String
        /// The folder.
        public var maildir: Maildir
    }

    /// The folder's path.
    public let path: String

    /// The Maildir at `path` (nothing is read until asked).
    public init(path: String) {
        self.path = path
    }

    /// The messages in `new/` and `cur/`, sorted by key. Hidden files are skipped; when a key
    /// is in both (a move in progress), the one in `cur/` is listed.
    public func messages() throws -> [MaildirEntry] {
        try checkFolder()
        var byKey: [String: MaildirEntry] = [:]
        for (sub, isNew) in [("new", true), ("cur", false)] {
            let directory = "\(path)/\(sub)"
            guard isDirectory(directory) else { continue }
            for name in try contents(of: directory) where !name.hasPrefix(".") {
                let (key, flags) = MaildirEntry.split(name)
                byKey[key] = MaildirEntry(key: key, path: "\(directory)/\(name)", flags: flags, isNew: isNew)
            }
        }
        return byKey.values.sorted { $0.key < $1.key }
    }

    /// The Maildir++ subfolders: directories named `.Name` that hold `cur/` or `new/`, sorted by name.
    public func subfolders() throws -> [Subfolder] {
        try checkFolder()
        var result: [Subfolder] = []
        for name in try contents(of: path) where name.hasPrefix(".") && name != "." && name != ".." {
            let folder = "\(path)/\(name)"
            guard isDirectory("\(folder)/cur") || isDirectory("\(folder)/new") else { continue }
            result.append(Subfolder(name: String(name.dropFirst()), maildir: Maildir(path: folder)))
        }
        return result.sorted { $0.name < $1.name }
    }

    /// The bytes of `entry`'s message. When the file is gone from where it was listed, the
    /// message is looked for by its key in `cur/` and `new/` (another program moved it, or
    /// changed its flags, which renames it).
    public func read(_ entry: MaildirEntry) throws -> [UInt8] {
        if let bytes = try readIfPresent(entry.path) { return bytes }
        for sub in ["cur", "new"] {
            let directory = "\(path)/\(sub)"
            guard isDirectory(directory) else { continue }
            for name in try contents(of: directory) where MaildirEntry.split(name).key == entry.key {
                if let bytes = try readIfPresent("\(directory)/\(name)") { return bytes }
            }
        }
        throw MaildirError(.messageGone, path: entry.path, "the message \(entry.key) is no longer in new/ or cur/; list the folder again")
    }

    // MARK: Files

    private func checkFolder() throws {
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &directory) else {
            throw MaildirError(.notFound, path: path, "no such folder; check the configured Maildir path")
        }
        guard directory.boolValue else {
            throw MaildirError(.notADirectory, path: path, "a file, not a folder; a Maildir is a folder holding cur/, new/ and tmp/")
        }
        guard isDirectory("\(path)/cur") || isDirectory("\(path)/new") else {
            throw MaildirError(.notAMaildir, path: path, "not a Maildir: it holds neither cur/ nor new/")
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    private func contents(of directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MaildirError(.unreadable, path: directory, "cannot list the folder (\(reason(error))); check its permissions")
        }
    }

    /// The file's bytes, or nil when it does not exist (any more).
    private func readIfPresent(_ file: String) throws -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            if FileManager.default.fileExists(atPath: file) {
                throw MaildirError(.unreadable, path: file, "cannot open the message file; check its permissions")
            }
            return nil
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.readToEnd() ?? Data())
        } catch {
            throw MaildirError(.unreadable, path: file, "cannot read the message file (\(reason(error)))")
        }
    }

    private func reason(_ error: any Error) -> String {
        let description = (error as NSError).localizedDescription
        return description.isEmpty ? "\(error)" : description
    }
}
