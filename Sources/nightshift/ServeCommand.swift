import ArgumentParser
import Foundation
import Logging
import NightshiftApp
import NightshiftCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: fire schedules, run jobs, recover after crashes.",
        discussion: """
            Creates the workspace from the minimal example on first use (when the folder has no nightshift.toml). \
            At start it records runs a dead daemon left running as interrupted (and retries them per policy), \
            and handles slots missed while it was down per each job's missed-run policy. SIGINT/SIGTERM stop \
            firing, give running jobs shutdown_grace to finish, record the rest interrupted, and exit 0. \
            Only one daemon serves a workspace: a second one exits 1.
            """
    )

    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        // Process-wide, so the executable sets it, before the daemon's threads allocate.
        ProcessMemory.limitMallocArenas(to: 2)
        let target = workspace.resolved
        if !target.exists {
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: target.root)) ?? []
            guard contents.isEmpty else {
                throw AppError.usage("\(target.root) has files but no nightshift.toml; run nightshift init --workspace \(target.root) first")
            }
            try await WorkspaceTemplate.create(target, example: "minimal", force: false, newStore: workspace.newStore)
            FileHandle.standardError.write(Data("created workspace \(target.root) from the minimal example\n".utf8))
        }
        let app = try await buildApplication(workspace: target, newStore: workspace.newStore, logger: workspace.logger(quiet: .info))
        for warning in app.configuration.warnings {
            FileHandle.standardError.write(Data("\(warning)\n".utf8))
        }
        try await app.serve { instance in
            FileHandle.standardError.write(Data("nightshift: serving \(target.root) (pid \(instance.pid), \(app.jobs.count) jobs)\n".utf8))
        }
    }
}
