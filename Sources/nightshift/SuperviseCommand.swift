import ArgumentParser
import Foundation
import Logging
import NightshiftExec

/// `nightshift supervise`: the supervisor Nightshift starts for each command it runs (see
/// ``Supervisor``). Not for the operator: it reads its request on standard input.
struct SuperviseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervise",
        abstract: "Run one command for Nightshift and record how it ended (started by Nightshift itself).",
        discussion: """
            Nightshift runs every job command, cycle step and sub-agent under this supervisor, in a \
            session of its own, so that the command outlives a daemon that is killed: the restarted \
            daemon adopts it while it runs, or reads its recorded result, instead of running it again. \
            It reads its request (the command, its environment and limits) on standard input and writes \
            logs/supervised/KEY.status.json and KEY.result.json.
            """,
        shouldDisplay: false
    )

    @Option(help: "The execution's key (it is also in the request); lets a process taking over find this supervisor.")
    var execution: String?
    @Option(name: .customLong("in"), help: "The folder of its status and result files (also in the request).")
    var directory: String?

    func run() async throws {
        let status = await Supervisor.main(expecting: execution, in: directory, logger: CLILogging.logger(level: .warning))
        if status != 0 { throw ExitCode(status) }
    }
}
