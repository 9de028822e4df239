import Foundation

/// A real second process — the `sqlite3` shell — holding a database's write lock until released.
final class LockHolder {
    /// Where the shell is expected; tests that need it are skipped without it.
    static let shellPath = "/usr/bin/sqlite3"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: shellPath) }

    private let process = Process()
    private let input = Pipe()

    /// Starts `sqlite3 path` with `BEGIN IMMEDIATE`; the lock is held once the shell has run it.
    init(path: String) throws {
        process.executableURL = URL(fileURLWithPath: Self.shellPath)
        process.arguments = ["-cmd", "BEGIN IMMEDIATE;", path]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Ends the shell (end of input rolls its transaction back), releasing the lock.
    func release() throws {
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
