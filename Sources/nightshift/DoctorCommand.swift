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
        let app: NightshiftApplication
        let findings: [DoctorFinding]
        do {
            app = try await workspace.load()
            findings = await app.doctor()
        } catch let error as AppError where error.isStoreRefusal {
            // The store is not this workspace's: that is the finding, and the notifiers still hear of it.
            app = try NightshiftApplication.withoutStore(workspace: workspace.resolved, logger: workspace.logger())
            findings = [DoctorFinding(check: "store", severity: .critical, message: error.message)]
        }
        let errors = alert ? await app.alertDoctorFindings(findings) : nil
        if output.json {
            Output.printJSON(.object([
                "ok": .bool(!findings.contains { $0.severity == .critical }),
                "findings": .array(findings.map {
                    .object([
                        "check": .string($0.check), "severity": .string($0.severity?.rawValue ?? "ok"), "message": .string($0.message),
                    ])
                }),
                "alerted": .bool(errors != nil), "alert_errors": .array((errors ?? []).map { .string($0) }),
            ]))
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
        if findings.contains(where: { $0.severity == .critical }) { throw ExitCode(1) }
    }
}
