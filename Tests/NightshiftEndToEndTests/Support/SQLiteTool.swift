import Foundation
import Testing

/// The `sqlite3` command-line tool, to look inside a workspace's store as an operator would.
enum SQLiteTool {
    /// The tool's path, or nil when it is not installed.
    static let path: String? = {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return (folders.map { "\($0)/sqlite3" } + ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"])
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs one SQL statement on `database` and returns its output, trimmed; nil without the tool.
    static func query(_ database: String, _ sql: String) async throws -> String? {
        guard let path else { return nil }
        let result = try await CLI.runProgram(
            path, ["-batch", database, sql], environment: CLI.environment(), timeout: 30
        )
        guard result.status == 0 else { throw CLIError("sqlite3 \(database) \"\(sql)\" failed: \(result)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Expects `PRAGMA integrity_check` to print `ok`. Without the tool the test fails: the check
    /// is part of what the suite proves, so it is not skipped silently.
    static func expectIntegrity(_ database: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        guard path != nil else {
            Issue.record(
                "sqlite3 is not installed, so PRAGMA integrity_check of \(database) could not run; install it (apt-get install sqlite3)",
                sourceLocation: sourceLocation
            )
            return
        }
        let output = try await query(database, "PRAGMA integrity_check;")
        #expect(output == "ok", "PRAGMA integrity_check of \(database)", sourceLocation: sourceLocation)
    }
}
