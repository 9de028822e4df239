import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

/// The `nightshift` command (its `@main` is in NightshiftMain.swift).
struct Nightshift: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightshift",
        abstract: "Run an operator's agents and automations unattended: durable schedules, runs and a daily journal.",
        discussion: """
            Every command works on one workspace folder, found in this order: --workspace DIR, \
            $NIGHTSHIFT_WORKSPACE, the nearest folder upwards from here holding nightshift.toml, ~/.nightshift.

            Exit status: 0 ok, 1 the thing asked failed, 2 usage or configuration error, 3 parked for approval, 4 forbidden by the policy (propose, jobs run, cycles run).

            Start here:
              nightshift init --workspace night      create a workspace (nightshift.toml, store, logs/, journal/)
              nightshift config check -w night       validate the configuration
              nightshift serve -w night              run the daemon (Ctrl-C stops it gracefully)
              nightshift status -w night             is it alive, what runs next, what failed
            """,
        version: NightshiftVersion.string,
        subcommands: [
            InitCommand.self, ServeCommand.self, StatusCommand.self, ConfigCommand.self, JobsCommand.self,
            RunsCommand.self, CyclesCommand.self, ProposeCommand.self, ApprovalsCommand.self, PolicyCommand.self, AuditCommand.self,
            GoalsCommand.self, ScheduleCommand.self, QueueCommand.self, OvernightCommand.self, WeekendCommand.self, ContextCommand.self, BriefCommand.self,
            DashboardCommand.self, MetricsCommand.self, ProspectsCommand.self, OutboxCommand.self, MailCommand.self, RepliesCommand.self,
            UnsubscribeCommand.self,
            HealthCommand.self, DoctorCommand.self, PatternsCommand.self, ImproveCommand.self, StoreCommand.self, SuperviseCommand.self,
        ]
    )

    static func main() async {
        // A parent may start us with signals blocked (a spawning thread's mask is inherited, and
        // worker threads block nearly everything): SIGTERM would then stay pending forever and the
        // daemon could not be stopped. Start from an empty mask.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigprocmask(SIG_SETMASK, &unblocked, nil)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as AppError {
            FileHandle.standardError.write(Data("nightshift: \(error.message)\n".utf8))
            Foundation.exit(error.exitStatus)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch let error as StoreError {
            // The store could not do what was asked (a row it cannot read, a disk error): exit 1.
            FileHandle.standardError.write(Data("nightshift: \(error)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
            // Usage errors exit 2 (ArgumentParser's default is 64).
            Foundation.exit(2)
        }
    }
}

enum NightshiftVersion {
    static let string = "0.1.0"
}
