public import Foundation

/// One installation's folder: `nightshift.toml`, the SQLite store, `logs/`, `journal/`, `reports/`.
public struct Workspace: Sendable, Hashable {
    /// The folder, as an absolute path.
    public var root: String

    public init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
    }

    public var configPath: String { "\(root)/nightshift.toml" }
    public var storePath: String { "\(root)/nightshift.sqlite" }
    /// The identity of the workspace's store, as written when the store was created.
    public var storeMarkerPath: String { "\(root)/.nightshift-store-id" }
    public var logsDirectory: String { "\(root)/logs" }
    public var runLogsDirectory: String { "\(root)/logs/runs" }
    public var cycleLogsDirectory: String { "\(root)/logs/cycles" }
    /// Status and result files of commands run under `nightshift supervise` (by execution key).
    public var supervisedDirectory: String { "\(root)/logs/supervised" }
    public var journalDirectory: String { "\(root)/journal" }
    public var cycleReportsDirectory: String { "\(root)/reports/cycles" }
    public var reportsDirectory: String { "\(root)/reports" }

    /// Whether the folder holds a configuration file.
    public var exists: Bool { FileManager.default.fileExists(atPath: configPath) }

    /// Finds the workspace to use: `--workspace`, else `$NIGHTSHIFT_WORKSPACE`, else the nearest
    /// folder from the current one upwards that holds `nightshift.toml`, else `~/.nightshift`.
    public static func resolve(
        explicit: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> Workspace {
        if let explicit, !explicit.isEmpty { return Workspace(root: absolute(explicit, from: currentDirectory)) }
        if let variable = environment["NIGHTSHIFT_WORKSPACE"], !variable.isEmpty {
            return Workspace(root: absolute(variable, from: currentDirectory))
        }
        var folder = URL(fileURLWithPath: currentDirectory).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("nightshift.toml").path) {
                return Workspace(root: folder.path)
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return Workspace(root: "\(home)/.nightshift")
    }

    private static func absolute(_ path: String, from base: String) -> String {
        path.hasPrefix("/") ? path : "\(base)/\(path)"
    }

    /// Resolves a path from the configuration (a `cwd`) against the workspace folder.
    public func resolvePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : "\(root)/\(path)"
    }
}
