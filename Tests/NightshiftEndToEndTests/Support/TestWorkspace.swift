import Foundation
import Testing

/// A throwaway folder under the system's temporary directory holding one workspace (`ws/`) and,
/// next to it, the output files of the daemons started on it.
struct TestWorkspace: Sendable {
    /// The folder removed at the end.
    let base: String
    /// The workspace folder passed to `--workspace`.
    let root: String

    init() throws {
        let name = "nightshift-e2e-\(UUID().uuidString.prefix(8).lowercased())"
        base = FileManager.default.temporaryDirectory.appendingPathComponent(name).standardizedFileURL.path
        root = "\(base)/ws"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    }

    var configPath: String { "\(root)/nightshift.toml" }
    var storePath: String { "\(root)/nightshift.sqlite" }
    var journalDirectory: String { "\(root)/journal" }

    /// `nightshift init -w ROOT`, then `config` as `nightshift.toml` when given.
    func initialize(config: String? = nil) async throws {
        let result = try await CLI.run(["init", "-w", root])
        guard result.status == 0 else { throw CLIError("nightshift init failed: \(result)") }
        if let config { try write(config: config) }
    }

    func write(config: String) throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    /// `--workspace ROOT` followed by `arguments`, for commands that take it.
    func args(_ arguments: String...) -> [String] {
        arguments + ["-w", root]
    }

    /// Every journal file's text, oldest day first.
    func journal() -> String {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: journalDirectory)) ?? [])
            .filter { $0.hasSuffix(".md") }.sorted()
        return files.compactMap { try? String(contentsOfFile: "\(journalDirectory)/\($0)", encoding: .utf8) }
            .joined(separator: "\n")
    }

    /// The text of a file in the workspace, or nil.
    func read(_ relativePath: String) -> String? {
        try? String(contentsOfFile: "\(root)/\(relativePath)", encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: base)
    }
}

/// Runs `body` with a fresh workspace folder and removes it afterwards, whatever happens.
func withWorkspace<T>(_ body: (TestWorkspace) async throws -> T) async throws -> T {
    let workspace = try TestWorkspace()
    defer { workspace.remove() }
    return try await body(workspace)
}
