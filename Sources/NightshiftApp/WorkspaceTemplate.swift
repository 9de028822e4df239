public import Foundation
public import NightshiftCore

/// The example workspaces `nightshift init --example NAME` writes (the same files as `examples/NAME`).
public enum WorkspaceTemplate {
    /// The names of the examples, sorted.
    public static var names: [String] { files.keys.sorted() }

    /// Creates `workspace` from the example `name`: its files, the SQLite store, `logs/`, `journal/`,
    /// `reports/`. Refuses to touch an existing workspace unless `force`.
    ///
    /// - Returns: the paths written, relative to the workspace.
    @discardableResult
    public static func create(_ workspace: Workspace, example name: String, force: Bool) async throws -> [String] {
        guard let files = files[name] else {
            throw AppError.usage("unknown example \"\(name)\"; choose one of \(names.joined(separator: ", "))")
        }
        let manager = FileManager.default
        if workspace.exists && !force {
            throw AppError.usage("\(workspace.configPath) already exists; use --force to overwrite it with the \(name) example")
        }
        var written: [String] = []
        do {
            try manager.createDirectory(atPath: workspace.root, withIntermediateDirectories: true)
            for directory in [workspace.logsDirectory, workspace.runLogsDirectory, workspace.journalDirectory, workspace.reportsDirectory] {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            for file in files {
                let path = "\(workspace.root)/\(file.path)"
                try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data((file.contents + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                if file.executable {
                    try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
                }
                written.append(file.path)
            }
        } catch let error as AppError {
            throw error
        } catch {
            throw AppError.failure("cannot create the workspace in \(workspace.root): \(error.localizedDescription)")
        }
        let store = try StoreFactory.open(workspace)
        try await store.migrate()
        written.append((workspace.storePath as NSString).lastPathComponent)
        return written
    }
}
