public import Foundation
public import NightshiftCore

/// The example workspaces `nightshift init --example NAME` writes (the same files as `examples/NAME`).
public enum WorkspaceTemplate {
    /// The names of the examples, sorted.
    public static var names: [String] { files.keys.sorted() }

    /// Creates `workspace` from the example `name`: its files, the SQLite store and its identity
    /// marker, `logs/`, `journal/`, `reports/`. Refuses to touch an existing workspace unless
    /// `force`; an existing store is kept, and opened as ``StoreIdentityCheck`` allows (`newStore`).
    ///
    /// - Returns: the paths written, relative to the workspace.
    @discardableResult
    public static func create(_ workspace: Workspace, example name: String, force: Bool, newStore: Bool = false) async throws -> [String] {
        guard let files = files[name] else {
            throw AppError.usage("unknown example \"\(name)\"; choose one of \(names.joined(separator: ", "))")
        }
        let manager = FileManager.default
        if workspace.exists && !force {
            throw AppError.usage("\(workspace.configPath) already exists; use --force to overwrite it with the \(name) example")
        }
        var written: [String] = []
        do {
            for directory in [workspace.root, workspace.logsDirectory, workspace.runLogsDirectory, workspace.journalDirectory, workspace.reportsDirectory] {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw AppError.failure("cannot create the workspace in \(workspace.root): \(error.localizedDescription)")
        }
        // The store first: a store refused (not this workspace's) leaves the files as they were.
        let (store, change) = try await StoreIdentityCheck.open(workspace, newStore: newStore)
        if let change { _ = try await store.appendAudit(change.auditEntry(at: Date())) }
        do {
            for file in files {
                let path = "\(workspace.root)/\(file.path)"
                try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                if file.executable {
                    try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
                }
                written.append(file.path)
            }
        } catch {
            throw AppError.failure("cannot create the workspace in \(workspace.root): \(error.localizedDescription)")
        }
        written.append((workspace.storePath as NSString).lastPathComponent)
        written.append((workspace.storeMarkerPath as NSString).lastPathComponent)
        return written
    }
}
