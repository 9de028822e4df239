import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

extension PatternsCommand {
    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a pattern's pre-build run by itself (confidence 0.8 or more).",
            discussion: """
                An enabled pattern is pre-built when its suggestion comes due (patterns prebuild, run by the \
                daemon and the overnight cycle), as a run_command action of actor pack:patterns through the \
                policy gate: the policy may still park or forbid it. Exit 1 below 0.8 or for an unknown id.

                Example: nightshift patterns enable nba_rankings.thu
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The pattern's id, e.g. nba_rankings.thu.") var id: String

        func run() async throws {
            let app = try await workspace.load()
            let learned = try await app.enablePattern(id)
            print("enabled \(id) (confidence \(PatternsCommand.figure(learned.pattern.confidence))): pre-built by itself before each request")
            if learned.command == nil {
                FileHandle.standardError.write(Data("nightshift: \(id) has \(LearnedPattern.noCommandNote(learned.pattern))\n".utf8))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a pattern's pre-build from running by itself.",
            discussion: "Example: nightshift patterns disable nba_rankings.thu"
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The pattern's id.") var id: String

        func run() async throws {
            let app = try await workspace.load()
            let wasEnabled = try await app.disablePattern(id)
            print(wasEnabled ? "disabled \(id)" : "\(id) was not enabled")
        }
    }

    struct Prebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the pre-builds of enabled patterns that are due now, through the policy gate.",
            discussion: """
                Due: the pattern is enabled, its pre-build time has come and its expected request has not. \
                Each is proposed once per expected request as run_command (actor pack:patterns, attributes \
                pattern, pattern_name, confidence, expected_at); allowed, it runs as a run of its own \
                (nightshift runs list); parked or forbidden, it is reported and not run. --dry-run only says \
                what is due. Exit 1 when a pre-build that ran failed.

                Example:
                  nightshift patterns prebuild --dry-run
                  nightshift patterns prebuild --json
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Flag(help: "Say what is due without proposing anything.") var dryRun = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let zone = app.configuration.settings.timeZone
            let outcomes = try await app.runDuePrebuilds(at: app.clock.now(), dryRun: dryRun)
            if output.json {
                Output.printJSON(.array(outcomes.map { $0.json(zone: zone) }))
            } else if outcomes.isEmpty {
                print("No pre-build is due.")
            } else {
                for outcome in outcomes {
                    let what = "\(outcome.pattern.id) (expected \(ISO8601.format(outcome.expectedAt, in: zone)))"
                    let parts = [outcome.actionID, outcome.runID.map { "run \($0)" }, outcome.detail].compactMap { $0 }
                    print("\(outcome.status.rawValue): \(what)" + (parts.isEmpty ? "" : " — " + parts.joined(separator: ", ")))
                }
            }
            if outcomes.contains(where: { $0.status == .failed }) { throw ExitCode(1) }
        }
    }
}
