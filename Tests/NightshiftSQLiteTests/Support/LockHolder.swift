import Foundation
import NightshiftTesting

/// A real second process — the `sqlite3` shell — holding a database's write lock until released.
final class LockHolder {
    /// Where the shell is expected; tests that need it are skipped without it.
    static let shellPath = "/usr/bin/sqlite3"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: shellPath) }

    private let process: ChildProcess

    /// Starts `sqlite3 path` with `BEGIN IMMEDIATE`; the lock is held once the shell has run it.
    /// The shell waits up to 10 s for a writer of ours that holds the lock at that moment, rather
    /// than failing its BEGIN and holding nothing.
    init(path: String) throws {
        process = try ChildProcess(
            Self.shellPath, ["-cmd", ".timeout 10000", "-cmd", "BEGIN IMMEDIATE;", path],
            environment: ProcessInfo.processInfo.environment, stdin: .pipe, stdout: .null, stderr: .null
        )
    }

    /// Ends the shell (end of input rolls its transaction back), releasing the lock.
    func release() async {
        process.closeInput()
        _ = await process.wait(timeout: 30)
    }
}
