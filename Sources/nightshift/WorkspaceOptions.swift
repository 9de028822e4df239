import ArgumentParser
import Foundation
import Logging
import NightshiftApp

/// `--workspace DIR` and `--new-store`, shared by every command.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: [.customShort("w"), .long], help: ArgumentHelp("The workspace folder.", discussion: "Default: $NIGHTSHIFT_WORKSPACE, else the nearest folder upwards holding nightshift.toml, else ~/.nightshift.", valueName: "DIR"))
    var workspace: String?

    @Flag(help: ArgumentHelp(
        "Accept the store that is there (or a new, empty one if it is missing) as this workspace's store.",
        discussion: "Without it, a store that is missing, empty or another workspace's is refused. The store gets a new identity, .nightshift-store-id is rewritten, and the audit trail records it."
    ))
    var newStore = false

    var resolved: Workspace { Workspace.resolve(explicit: workspace) }

    /// Loads the workspace's configuration and store.
    func load(logLevel: Logger.Level = .warning) async throws -> NightshiftApplication {
        try await buildApplication(workspace: resolved, newStore: newStore, logger: CLILogging.logger(level: logLevel))
    }
}

/// `--json`, for every listing.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of text.")
    var json = false
}

enum CLILogging {
    /// Logs go to stderr; only the executable configures logging.
    static func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "nightshift") { label in
            StreamLogHandler.standardError(label: label)
        }
        logger.logLevel = level
        return logger
    }
}
