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

    @Option(
        help: ArgumentHelp(
            "Log on stderr from this level up: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")).",
            discussion: "Default: warning, so a command prints its results and problems only; serve logs info.",
            valueName: "LEVEL"
        ),
        transform: CLILogging.level
    )
    var logLevel: Logger.Level?

    @Flag(name: [.customShort("v"), .long], help: "Log what the command does as it goes (--log-level info).")
    var verbose = false

    var resolved: Workspace { Workspace.resolve(explicit: workspace) }

    /// `--log-level`, else info with `-v`, else `quiet` (warning for commands, info for `serve`).
    func logLevel(quiet: Logger.Level = .warning) -> Logger.Level {
        logLevel ?? (verbose ? .info : quiet)
    }

    /// A logger to stderr at ``logLevel(quiet:)``.
    func logger(quiet: Logger.Level = .warning) -> Logger {
        CLILogging.logger(level: logLevel(quiet: quiet))
    }

    /// Loads the workspace's configuration and store.
    func load() async throws -> NightshiftApplication {
        try await buildApplication(workspace: resolved, newStore: newStore, logger: logger())
    }
}

/// `--json`, for every listing.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of text.")
    var json = false
}

enum CLILogging {
    /// `--log-level`'s value, or a usage error listing the levels.
    static func level(_ text: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text) else {
            throw ValidationError("\"\(text)\" is not a log level; use one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return level
    }

    /// Logs go to stderr; only the executable configures logging.
    static func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "nightshift") { label in
            StreamLogHandler.standardError(label: label)
        }
        logger.logLevel = level
        return logger
    }
}
