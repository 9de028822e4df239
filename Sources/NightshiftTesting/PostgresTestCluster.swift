import Foundation
import Synchronization

/// The PostgreSQL server the tests run against: `NIGHTSHIFT_TEST_POSTGRES_URL` when it is set,
/// else the throwaway cluster of `scripts/postgres-test-cluster`, started on first use (and left
/// running for the next test run; `scripts/postgres-test-cluster stop` removes it).
///
/// There is no skipping: when neither works, ``url()`` throws an error that says why, and every
/// PostgreSQL test fails with it, so CI cannot pass without running them.
public enum PostgresTestCluster {
    /// The environment variable naming a server to use instead of the throwaway cluster.
    public static let environmentVariable = "NIGHTSHIFT_TEST_POSTGRES_URL"

    private static let found = Mutex<Result<String, PostgresTestClusterError>?>(nil)

    /// The `postgres://` URL of the test server, starting the cluster the first time if needed.
    public static func url() throws -> String {
        try found.withLock { found in
            if found == nil { found = locate() }
            return try found!.get()
        }
    }

    private static func locate() -> Result<String, PostgresTestClusterError> {
        if let url = ProcessInfo.processInfo.environment[environmentVariable], !url.isEmpty { return .success(url) }
        // Sources/NightshiftTesting/PostgresTestCluster.swift → the package's root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appending(path: "scripts/postgres-test-cluster").path
        do {
            _ = try run(script, "start")
            let url = try run(script, "url").trimmingCharacters(in: .whitespacesAndNewlines)
            return .success(url)
        } catch let error as PostgresTestClusterError {
            return .failure(error)
        } catch {
            return .failure(PostgresTestClusterError(message: "\(script) could not be run: \(error)"))
        }
    }

    private static func run(_ script: String, _ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [command]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw PostgresTestClusterError(
                message: """
                    \(script) \(command) failed (exit \(process.terminationStatus)); the PostgreSQL tests need a server: \
                    install PostgreSQL or set \(environmentVariable).
                    \(text)
                    """
            )
        }
        return text
    }
}

/// Why the PostgreSQL test server could not be reached.
public struct PostgresTestClusterError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
