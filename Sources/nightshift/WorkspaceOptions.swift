import ArgumentParser
import Foundation
import Logging
import NightshiftApp

/// `--workspace DIR`, shared by every command.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: [.customShort("w"), .long], help: ArgumentHelp("The workspace folder.", discussion: "Default: $NIGHTSHIFT_WORKSPACE, else the nearest folder upwards holding nightshift.toml, else ~/.nightshift.", valueName: "DIR"))
    var workspace: String?

    var resolved: Workspace { Workspace.resolve(explicit: workspace) }

    /// Loads the workspace's configuration and store.
    func load(logLevel: Logger.Level = .warning) async throws -> NightshiftApplication {
        try await buildApplication(workspace: resolved, logger: CLILogging.logger(level: logLevel))
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
