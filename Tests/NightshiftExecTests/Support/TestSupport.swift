import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// Deletes a directory made by ``makeTemporaryDirectory()``.
    static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
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
    static func waitUntil(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// A TCP socket bound to a free loopback port but not listening, so connections to
    /// the port are refused. Close the returned descriptor when done.
    static func reserveUnlistenedPort() throws -> (socket: Int32, port: Int) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
