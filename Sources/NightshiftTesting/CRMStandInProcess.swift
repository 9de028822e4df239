public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `scripts/crm-stand-in` (a stand-in for ActiveCampaign and HubSpot, which are remote services
/// that cannot run here) as a child process on 127.0.0.1, serving a contacts file: for the CRM
/// clients' tests and the `prospects pull` tests of the built binary. Call ``stop()`` in a `defer`.
public final class CRMStandInProcess: Sendable {
    public let process: ChildProcess
    public let port: Int
    /// The folder of its contacts file and port file, removed by ``stop()``.
    public let folder: String
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The repository's root, from this file's path.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Starts the stand-in on `contacts` (the JSON array it serves) with `token` and the script's
    /// other `arguments` (`--fail-page 2`, `--bad-json-page 3` …); waits until it listens.
    public init(contacts: Data, token: String, arguments: [String] = []) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("crm-stand-in-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let contactsPath = folder + "/contacts.json", portFile = folder + "/port"
        try contacts.write(to: URL(fileURLWithPath: contactsPath))
        process = try ChildProcess(
            "/usr/bin/env",
            ["python3", Self.repositoryRoot.appendingPathComponent("scripts/crm-stand-in").path, "--port", "0", "--contacts", contactsPath,
             "--port-file", portFile, "--token", token] + arguments,
            environment: ProcessInfo.processInfo.environment,
            stdout: .null
        )
        var port: Int?
        for _ in 0..<1000 where port == nil && process.isRunning {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if port == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        guard let port else {
            process.signal(SIGKILL)
            let output = await process.output(grace: 1)
            try? FileManager.default.removeItem(atPath: folder)
            throw Failure(description: "scripts/crm-stand-in wrote no port (is python3 installed?): \(output.stderr)")
        }
        self.port = port
    }

    /// Stops it (SIGTERM, then SIGKILL) and removes its folder.
    public func stop() {
        process.signal(SIGTERM)
        if process.waitBlocking(timeout: 5) == nil { process.signal(SIGKILL) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }
}
