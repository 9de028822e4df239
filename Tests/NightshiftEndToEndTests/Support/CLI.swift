import Foundation
import NightshiftTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What one finished process did.
struct CLIResult: Sendable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String {
        "exit status \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)---"
    }
}

/// A helper could not do what a test asked (binary missing, process hung, JSON unreadable).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs the built `nightshift` binary the way an operator would: a real process, real arguments,
/// a controlled environment, stdout and stderr captured separately.
enum CLI {
    /// The `nightshift` executable under test, or nil when none was found.
    static let binary: String? = locateBinary()

    /// The executable, or an error saying where it was looked for.
    static func requireBinary() throws -> String {
        guard let binary else {
            throw CLIError(
                "no nightshift binary found: set NIGHTSHIFT_BINARY, or build it with `swift build --product nightshift` (looked in \(candidates().joined(separator: ", ")))"
            )
        }
        return binary
    }

    /// `$NIGHTSHIFT_BINARY`, else next to the running test bundle (SwiftPM puts the test executable
    /// and the products in the same folder), else `<package>/.build/debug/nightshift`.
    private static func locateBinary() -> String? {
        let manager = FileManager.default
        return candidates().first { manager.isExecutableFile(atPath: $0) }
    }

    private static func candidates() -> [String] {
        var paths: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["NIGHTSHIFT_BINARY"], !explicit.isEmpty {
            paths.append(explicit)
        }
        var bundleFolders: [URL] = []
        if let executable = Bundle.main.executableURL {
            bundleFolders.append(executable.deletingLastPathComponent())
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            // macOS: .build/debug/nightshiftPackageTests.xctest is a bundle; its folder holds the products.
            bundleFolders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first, first.contains("/") {
            bundleFolders.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        for folder in bundleFolders {
            paths.append(folder.appendingPathComponent("nightshift").path)
        }
        // #filePath is <package>/Tests/NightshiftEndToEndTests/Support/CLI.swift.
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        paths.append(packageRoot.appendingPathComponent(".build/debug/nightshift").path)
        var seen: Set<String> = []
        return paths.filter { seen.insert($0).inserted }
    }

    /// The environment children start from: the test's own, without anything that would point
    /// `nightshift` at another workspace.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("NIGHTSHIFT_") }
        // The machine's own disk and memory must not decide a test: a nearly full CI disk would
        // otherwise open health problems and send alerts no test expects.
        environment["NIGHTSHIFT_RESOURCE_USAGE"] = "10,10"
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs `nightshift ARGUMENTS` to completion.
    ///
    /// - Parameter timeout: the process is killed (and this throws) if it runs longer.
    static func run(
        _ arguments: [String],
        environment extra: [String: String] = [:],
        timeout: TimeInterval = 60
    ) async throws -> CLIResult {
        try await runProgram(try requireBinary(), arguments, environment: environment(extra), timeout: timeout)
    }

    /// Runs any program to completion (see `NightshiftTesting.ChildProcess`).
    static func runProgram(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        timeout: TimeInterval
    ) async throws -> CLIResult {
        do {
            let result = try await ChildProcess.run(executable, arguments, environment: environment, timeout: timeout)
            return CLIResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
        } catch let error as ChildProcess.SpawnError {
            throw CLIError(error.description)
        }
    }

    /// Runs `nightshift ARGUMENTS --json` and decodes its stdout; throws unless it exits 0.
    static func json<T: Decodable>(
        _ type: T.Type,
        _ arguments: [String],
        environment extra: [String: String] = [:]
    ) async throws -> T {
        let result = try await run(arguments + ["--json"], environment: extra)
        guard result.status == 0 else {
            throw CLIError("nightshift \(arguments.joined(separator: " ")) --json failed: \(result)")
        }
        return try decode(type, result.stdout)
    }

    /// Decodes the CLI's JSON (snake_case keys).
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw CLIError("cannot decode \(type) from:\n\(text)\n\(error)")
        }
    }
}
