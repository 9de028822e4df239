public import Foundation

/// A store kept in files that can be taken away from under the process that has them open: the
/// daemon checkpoints its write-ahead log and watches that its files are still there
/// (docs/RELIABILITY.md, "Store identity and files"). The memory store has no files.
public protocol StoreFiles: Sendable {
    /// The files of the store: the database first, then its companions (write-ahead log, shared memory).
    var filePaths: [String] { get }
    /// Writes every committed transaction from the write-ahead log into the database file and
    /// empties the log. Returns false when a reader kept it from finishing (the next one will).
    func checkpoint() async throws -> Bool
    /// Writes a consistent copy of the store as this process sees it (also when its file was
    /// removed: the open file still holds it) to the new file `path`.
    func saveCopy(to path: String) async throws
}

/// Which file a path names: its device and inode. A file removed and created again, or replaced
/// by a rename, has another identity under the same path.
public struct FileIdentity: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// The identity of the file at `path` now, nil when there is none.
    public static func of(_ path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}

/// Compares a store's files with the ones that were there when the watch began; a companion
/// file (the write-ahead log) that did not exist yet is taken when it first appears.
public struct StoreFileWatch: Sendable {
    /// What happened to one of the files.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable { case removed, replaced }
        public var path: String
        public var kind: Kind
        /// Whether it is the database itself (not a companion file).
        public var isDatabase: Bool

        public init(path: String, kind: Kind, isDatabase: Bool) {
            self.path = path
            self.kind = kind
            self.isDatabase = isDatabase
        }

        public var description: String { "\(path) was \(kind == .removed ? "removed" : "replaced by another file")" }
    }

    private let paths: [String]
    private var known: [String: FileIdentity]

    /// Starts watching `paths` (the database first) as they are now.
    public init(paths: [String]) {
        self.paths = paths
        known = [:]
        for path in paths { known[path] = FileIdentity.of(path) }
    }

    /// Whether the file at `path` is still the one the watch knows.
    public func isUnchanged(_ path: String) -> Bool {
        guard let before = known[path] else { return false }
        return FileIdentity.of(path) == before
    }

    /// The first file that is gone or another file than before, or nil when all are as they were.
    public mutating func check() -> Problem? {
        for (index, path) in paths.enumerated() {
            let now = FileIdentity.of(path)
            guard let before = known[path] else {
                known[path] = now
                continue
            }
            guard let now else { return Problem(path: path, kind: .removed, isDatabase: index == 0) }
            if now != before { return Problem(path: path, kind: .replaced, isDatabase: index == 0) }
        }
        return nil
    }
}
