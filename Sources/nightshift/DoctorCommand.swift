import ArgumentParser
import Foundation
import Logging
import NightshiftApp
import NightshiftCore

/// `nightshift doctor`: the watchdog — is the daemon alive, is anything stuck, is the store sound.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that the daemon is alive and nothing is stuck; exit 1 on anything critical.",
        discussion: """
            Checks: the daemon's heartbeat is younger than [watchdog] stale_after (60s) and its process \
            exists; no run is running without its process or past its job's timeout; no lease is held \
            by a dead owner; every notifier answers (a webhook answers a HEAD request, a command's \
            program can be launched); the store passes its integrity check; no critical health problem is open.

            --alert sends the critical findings to the notifiers from this process, without the \
            daemon, at most once an hour for the same findings: run it from the operating system's \
            cron as a dead-man's switch, e.g.

              */5 * * * * /usr/local/bin/nightshift doctor --alert -w /srv/nightshift >/dev/null 2>&1
            """
    )
    @OptionGroup var workspace: WorkspaceOptions
    @Flag(help: "Send critical findings to the notifiers (for cron).") var alert = false
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let report = try await DoctorReport.examine(workspace.resolved, alert: alert, logger: workspace.logger()) { try await workspace.load() }
        let (findings, errors) = (report.findings, report.alertErrors)
        if output.json {
            Output.printJSON(report.json)
        } else {
            for finding in findings {
                let mark = switch finding.severity {
                case nil: "ok      "
                case .warning: "WARNING "
                case .critical: "CRITICAL"
                }
                print("\(mark) \(finding.check): \(finding.message)")
            }
            if let errors {
                print(errors.isEmpty ? "Alert sent." : "Alert not delivered everywhere: \(errors.joined(separator: "; "))")
            }
        }
        if !report.ok { throw ExitCode(1) }
    }
}
