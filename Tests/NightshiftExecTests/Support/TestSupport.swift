import Foundation
import Logging
@testable import NightshiftExec

/// Shared helpers for the executor tests.
enum TestSupport {
    /// A logger that drops everything, so tests never bootstrap logging.
    static let logger = Logger(label: "nightshift.exec.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A minimal child environment.
    static let environment = ["PATH": "/usr/bin:/bin"]

    /// A fresh empty directory under the system temporary directory.
    static func makeTemporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("nightshift-exec-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// An executor with a short grace period, so that kill tests finish quickly.
    static func executor(configure: (inout CommandExecutor.Configuration) -> Void = { _ in }) -> CommandExecutor {
        var configuration = CommandExecutor.Configuration()
        configuration.killGrace = .seconds(1)
        configure(&configuration)
        return CommandExecutor(configuration: configuration, logger: logger)
    }

    /// A spec for a shell command whose output goes to a fresh log.
    static func shell(_ line: String, in directory: String, timeout: Duration? = nil, redactions: [String] = [], environment: [String: String] = environment) -> CommandSpec {
        CommandSpec(
            program: .shell(line),
            environment: environment,
            timeout: timeout,
            logPath: "\(directory)/logs/\(UUID().uuidString).log",
            redactions: redactions
        )
    }

    static func readFile(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` passes.
    static func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
