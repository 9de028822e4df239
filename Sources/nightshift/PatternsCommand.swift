import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

/// `nightshift patterns …`: the operator's routines, learned from their requests.
struct PatternsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "Learn the operator's routines from their requests, predict them, and pre-build ahead.",
        discussion: """
            Every request is an event with a name and a time: logged by hand (patterns log), or recorded \
            by nightshift jobs run NAME (job:NAME), queue add (queue:add) and brief (brief). A name that \
            comes on one weekday is a weekday pattern (nba_rankings.thu), one that comes every day around \
            one time a time-of-day pattern (workout_log.1800). Confidence grows with consistent days: \
            low below 0.5, medium from 0.5, high from 0.7; from 0.8 a pre-build may run by itself once \
            enabled, always through the policy gate (docs/LEARNING.md).

            Example:
              nightshift patterns log nba_rankings --meta '{"command": ["./rank.sh"]}'
              nightshift patterns list                     routines, strongest first
              nightshift patterns suggest                  what to pre-build, when
              nightshift patterns enable nba_rankings.thu  pre-build it by itself
            """,
        subcommands: [Log.self, Events.self, List.self, Predict.self, Suggest.self, Accept.self, Enable.self, Disable.self, Prebuild.self]
    )

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a request: NAME now (or --at), with optional JSON meta.",
            discussion: """
                --meta is a JSON object kept with the request. Its "command" (a string run with sh -c, or \
                an array of strings run as is) is what pre-builds the pattern: the newest request that has \
                one decides. Bad JSON or a bad --at exits 2 and records nothing.

                Example:
                  nightshift patterns log nba_rankings --meta '{"command": "./rank.sh > nba.md"}'
                  nightshift patterns log workout_log --at 2026-03-02T18:05:00+01:00
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "What was requested, e.g. nba_rankings.") var name: String
        @Option(help: ArgumentHelp("A JSON object to keep with the request, e.g. {\"command\": [...]}.", valueName: "JSON")) var meta: String?
        @Option(help: ArgumentHelp("When it was requested: an ISO 8601 instant with offset. Default: now.", valueName: "ISO")) var at: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try PatternsCommand.validate(name: name, label: "NAME")
            let meta = try PatternsCommand.meta(meta)
            let time = try PatternsCommand.instant(at, flag: "--at")
            let app = try await workspace.load()
            let event = try await app.recordRequest(name, meta: meta, at: time)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(event.json(zone: zone)) }
            print("recorded \(event.name) at \(ISO8601.format(event.at, in: zone))" + (meta.map { " with \($0.canonical)" } ?? ""))
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The recorded requests the learner reads, oldest first.",
            discussion: "Example: nightshift patterns events --name job:backup --limit 5"
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: "Only requests with this name.") var name: String?
        @Option(parsing: .unconditional, help: "At most this many, the newest.", transform: NumberArgument.integer()) var limit = 50
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard limit > 0 else { throw AppError.usage("--limit must be 1 or more, found \(limit)") }
            let app = try await workspace.load()
            let zone = app.configuration.settings.timeZone
            let events = try await RequestLog(app).requests(named: name, limit: limit)
            if output.json { return Output.printJSON(.array(events.map { $0.json(zone: zone) })) }
            if events.isEmpty { return print("No requests recorded yet: nightshift patterns log NAME records one.") }
            Output.table(["AT", "NAME", "META"], events.map { [ISO8601.format($0.at, in: zone), $0.name, $0.data?.canonical ?? ""] })
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every pattern in the recorded requests, strongest first.",
            discussion: """
                Times and days are read in the workspace's time_zone; requests older than 56 days do not count.

                Example: nightshift patterns list --json
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let zone = app.configuration.settings.timeZone
            let learned = try await app.learnedPatterns()
            if output.json { return Output.printJSON(.array(learned.map { $0.json(zone: zone) })) }
            if learned.isEmpty {
                return print("No patterns yet: a routine needs requests on at least two days (nightshift patterns log NAME).")
            }
            Output.table(
                ["ID", "WHEN", "DAYS", "CONFIDENCE", "BAND", "ENABLED", "FIRST SEEN", "LAST SEEN"],
                learned.map { item in
                    let pattern = item.pattern
                    return [
                        pattern.id, pattern.description, String(pattern.occurrences), PatternsCommand.figure(pattern.confidence),
                        pattern.band.rawValue, item.enabled ? "yes" : "no", ISO8601.format(pattern.firstSeen, in: zone),
                        ISO8601.format(pattern.lastSeen, in: zone),
                    ]
                })
        }
    }

    struct Predict: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "When each pattern's next request is expected, within --hours.",
            discussion: "Example: nightshift patterns predict --hours 48"
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(parsing: .unconditional, help: "How many hours ahead (1–336).", transform: NumberArgument.integer()) var hours = 24
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try PatternsCommand.validate(hours: hours)
            let app = try await workspace.load()
            let zone = app.configuration.settings.timeZone
            let now = app.clock.now()
            let patterns = try await app.learnedPatterns(at: now).map(\.pattern)
            let predictions = app.patternLearner.predictions(patterns, from: now, within: Double(hours) * 3600)
            if output.json {
                return Output.printJSON(.array(predictions.map { $0.json(zone: zone) }))
            }
            if predictions.isEmpty { return print("Nothing predicted in the next \(hours) hours.") }
            Output.table(["EXPECTED", "PATTERN", "WHEN", "CONFIDENCE", "BAND"], predictions.map {
                [ISO8601.format($0.expectedAt, in: zone), $0.pattern.id, $0.pattern.description, PatternsCommand.figure($0.pattern.confidence), $0.pattern.band.rawValue]
            })
        }
    }
}
