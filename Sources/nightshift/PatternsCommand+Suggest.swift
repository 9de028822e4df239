import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

extension PatternsCommand {
    struct Suggest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What to pre-build before the expected requests, or (--schedules) the cron jobs to do it.",
            discussion: """
                A medium- or high-band pattern expected within --hours gets a pre-build 3 hours ahead (2 to 4 \
                hours; when 3 hours ahead has passed but 2 have not, now). From confidence 0.8 it may run by \
                itself: nightshift patterns enable ID.

                --schedules proposes, for each high-band pattern with a command, a [jobs.prebuild-NAME] \
                block for nightshift.toml (the learner's cron, the workspace's zone, the pattern's command) \
                and the one command that adds it: nightshift patterns accept ID.

                Example:
                  nightshift patterns suggest --hours 12
                  nightshift patterns suggest --schedules
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(parsing: .unconditional, help: "How many hours ahead (1–336).", transform: NumberArgument.integer()) var hours = 24
        @Flag(help: "Propose cron jobs for the high-band patterns instead.") var schedules = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try PatternsCommand.validate(hours: hours)
            let app = try await workspace.load()
            if schedules { return try await printSchedules(app) }
            let zone = app.configuration.settings.timeZone
            let now = app.clock.now()
            let learned = try await app.learnedPatterns(at: now)
            let byID = Dictionary(learned.map { ($0.pattern.id, $0) }, uniquingKeysWith: { first, _ in first })
            let suggestions = app.patternLearner.suggestions(learned.map(\.pattern), from: now, within: Double(hours) * 3600)
            if output.json {
                return Output.printJSON(.array(suggestions.compactMap { suggestion in
                    byID[suggestion.pattern.id].map { suggestion.json(learned: $0, zone: zone) }
                }))
            }
            if suggestions.isEmpty { return print("Nothing to pre-build in the next \(hours) hours.") }
            Output.table(
                ["PATTERN", "EXPECTED", "PREBUILD AT", "LEAD", "AUTO", "COMMAND"],
                suggestions.map { suggestion in
                    let item = byID[suggestion.pattern.id]
                    let auto = suggestion.autoExecute ? (item?.enabled == true ? "yes (enabled)" : "yes") : "no"
                    return [
                        suggestion.pattern.id, ISO8601.format(suggestion.expectedAt, in: zone), ISO8601.format(suggestion.prebuildAt, in: zone),
                        PatternsCommand.lead(suggestion.lead), auto,
                        item?.command?.description ?? "none: log it with --meta '{\"command\": [...]}'",
                    ]
                })
        }

        private func printSchedules(_ app: NightshiftApplication) async throws {
            let proposals = try await app.prebuildJobProposals()
            if output.json {
                return Output.printJSON(.array(proposals.map { $0.json(zone: app.configuration.settings.timeZone) }))
            }
            if proposals.isEmpty {
                return print("No high-band patterns yet (confidence 0.7 or more, about five consistent days); see nightshift patterns list.")
            }
            for (index, proposal) in proposals.enumerated() {
                if index > 0 { print("") }
                print("# \(proposal.pattern.id): \(proposal.pattern.description), confidence \(PatternsCommand.figure(proposal.pattern.confidence))")
                guard let toml = proposal.toml else {
                    print("# \(LearnedPattern.noCommandNote(proposal.pattern))")
                    continue
                }
                print(toml, terminator: "")
                print("# add it with: \(proposal.acceptCommand)")
            }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a high-band pattern's pre-build job to nightshift.toml.",
            discussion: """
                Appends the [jobs.prebuild-NAME] block that patterns suggest --schedules shows, leaving the \
                rest of the file as it was, and loads the workspace to check it; if it does not load, the \
                file is put back. Exit 1 when the pattern is not in the high band, has no command, or the \
                job exists. The job runs like any other: scheduled by serve, through the policy gate.

                Example: nightshift patterns accept nba_rankings.thu
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The pattern's id, e.g. nba_rankings.thu.") var id: String

        func run() async throws {
            let app = try await workspace.load()
            let proposal = try await app.acceptPattern(id)
            print("added [jobs.\(proposal.jobName)] to \(app.workspace.configPath): \"\(proposal.schedule.source)\" (\(proposal.timeZone)), "
                + "command \(proposal.command?.description ?? "")")
            print("see it with: nightshift jobs show \(proposal.jobName)")
        }
    }
}
