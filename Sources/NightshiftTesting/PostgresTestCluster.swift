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
        let script = self.script
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
        let (status, output) = try runScript(script, [command])
        guard status == 0 else {
            throw PostgresTestClusterError(
                message: """
                    \(script) \(command) failed (exit \(status)); the PostgreSQL tests need a server: \
                    install PostgreSQL or set \(environmentVariable).
                    \(output)
                    """
            )
        }
        return output
    }

    /// Runs `script` with `arguments` (and `environment` added) to its end, at most two minutes.
    /// Its output goes to a file, not a pipe: a server the script starts inherits its descriptors,
    /// and a pipe it held open would never end. It runs as a ``ChildProcess`` (Foundation's `Process`
    /// can miss a child's exit on Linux and wait for ever), waited for by polling, so this can be
    /// called from synchronous code. Returns the exit status and the output.
    public static func runScript(
        _ script: String, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appending(path: "postgres-test-cluster-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess(
            script, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
            stdout: .file(log), stderr: .file(log + ".err")
        )
        defer { try? FileManager.default.removeItem(atPath: log + ".err") }
        let deadline = Date().addingTimeInterval(120)
        while child.termination == nil, Date() < deadline { usleep(20_000) }
        let output = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "") + ((try? String(contentsOfFile: log + ".err", encoding: .utf8)) ?? "")
        guard let termination = child.termination else {
            throw PostgresTestClusterError(message: "\(script) \(arguments.joined(separator: " ")) did not finish within 2 minutes: \(output)")
        }
        return (termination.signalled ? 128 + termination.status : termination.status, output)
    }

    /// The path of `scripts/postgres-test-cluster` in this checkout.
    public static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "scripts/postgres-test-cluster").path
    }
}

/// Why the PostgreSQL test server could not be reached.
public struct PostgresTestClusterError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
