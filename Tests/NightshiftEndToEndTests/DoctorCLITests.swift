import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `nightshift doctor`: a live daemon is fine; a SIGKILLed one is reported not alive, the run it
/// left `running` is stuck, and `--alert` reaches a notifier without any daemon, once.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DoctorCLITests {
    struct Finding: Decodable {
        var check: String
        var severity: String
        var message: String
    }

    struct Report: Decodable {
        var ok: Bool
        var findings: [Finding]
        var alerted: Bool
    }

    @Test("a SIGKILLed daemon is not alive and its running run is stuck: doctor exits 1; --alert reaches the notifier once")
    func killedDaemonAndStuckRun() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"

                [notifiers.file]
                command = ["sh", "-c", "echo \\"$NIGHTSHIFT_ALERT_TEXT\\" >> alerts.txt"]

                [jobs.long]
                schedule = "0 0 1 1 *"
                command = ["sh", "-c", "echo $$ > \\"$NIGHTSHIFT_WORKSPACE/long.pid\\"; sleep 30"]
                """)
            let fresh = try await CLI.run(workspace.args("doctor", "--json"))
            let freshReport = try CLI.decode(Report.self, fresh.stdout)
            #expect(fresh.status == 0 && freshReport.ok, "\(fresh)")
            #expect(freshReport.findings.first { $0.check == "daemon" }?.severity == "warning", "never started is a warning: \(fresh)")
            #expect(freshReport.findings.contains { $0.check == "store" && $0.severity == "ok" })
            #expect(freshReport.findings.contains { $0.check == "notifier file" && $0.severity == "ok" })

            let daemon = try await ServeProcess.start(workspace)
            defer { daemon.kill() }
            let alive = try await CLI.run(workspace.args("doctor"))
            #expect(alive.status == 0 && alive.stdout.contains("ok       daemon: alive: pid \(daemon.pid)"), "\(alive)")

            let queued = try await CLI.json(RunInfo.self, workspace.args("jobs", "run", "long"))
            let child = try await waitFor("run \(queued.id) is running and its child wrote its pid", timeout: 20) { () -> Int32? in
                guard try await workspace.run(queued.id).state == "running" else { return nil }
                return workspace.read("long.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            defer { _ = ProcessTable.signal(-child, SIGKILL) }
            try await daemon.stop(SIGKILL)

            let dead = try await CLI.run(workspace.args("doctor", "--json"))
            #expect(dead.status == 1, "\(dead)")
            let report = try CLI.decode(Report.self, dead.stdout)
            #expect(!report.ok)
            let daemonFinding = try #require(report.findings.first { $0.check == "daemon" })
            #expect(daemonFinding.severity == "critical" && daemonFinding.message.hasPrefix("not alive: pid \(daemon.pid) is gone"), "\(daemonFinding)")
            let stuck = try #require(report.findings.first { $0.check == "runs" })
            #expect(stuck.severity == "critical" && stuck.message.contains("stuck: run \(queued.id) of long"), "\(stuck)")

            let alert = try await CLI.run(workspace.args("doctor", "--alert"))
            #expect(alert.status == 1 && alert.stdout.contains("Alert sent."), "\(alert)")
            let alerts = try #require(workspace.read("alerts.txt"))
            #expect(alerts.contains("daemon: not alive") && alerts.contains("stuck: run \(queued.id)"), "\(alerts)")
            let again = try await CLI.run(workspace.args("doctor", "--alert", "--json"))
            let againReport = try CLI.decode(Report.self, again.stdout)
            #expect(again.status == 1 && !againReport.alerted, "the same findings are not sent twice within the hour")
            #expect(workspace.read("alerts.txt") == alerts)
        }
    }
}
