import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

/// `nightshift context …`: what the operator is doing, and so how much Nightshift does alone.
struct ContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context",
        abstract: "The operator's context (sleeping, work, gym, available, unknown) and what it allows.",
        discussion: """
            Detection, first match wins: a manual override (context set, until it expires); an event \
            of the calendars in [context] calendars (ICS files or URLs) whose title or category maps to \
            a context ([context.map], or the context's own name); the weekly routine ([context.routine]); \
            else unknown. Each context sets the work intensity and the builds at once: sleeping 3 \
            (maximum), work 2, gym 1, available 1 (responsive), unknown 1 and low-risk categories only \
            ([context.limits] changes them). The policy sees it as context.operator.
            """,
        subcommands: [Detect.self, Summary.self, Upcoming.self, Set.self, Clear.self]
    )

    struct Detect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The context now, in one word (and --json for why).")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let reading = try await ContextBoard(app).reading(at: app.clock.now())
            if output.json { return try Output.json(ContextView(reading, zone: app.configuration.settings.timeZone)) }
            print(reading.context.rawValue)
        }
    }

    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The context now, why, until when, and what it allows.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let zone = app.configuration.settings.timeZone
            let reading = try await ContextBoard(app).reading(at: app.clock.now())
            if output.json { return try Output.json(ContextView(reading, zone: zone)) }
            print("Context: \(reading.context.rawValue) (\(reading.source))")
            if let until = reading.until { print("Until: \(ISO8601.format(until, in: zone))") }
            print("Work intensity: \(reading.profile.intensity.rawValue)")
            print("Max concurrent builds: \(reading.profile.maxConcurrentBuilds)")
            if reading.profile.lowRiskOnly { print("Only low-risk categories run.") }
        }
    }

    struct Upcoming: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The contexts of the next hours, as spans.")
        @OptionGroup var workspace: WorkspaceOptions
        @Option(parsing: .unconditional, help: "How many hours ahead.", transform: NumberArgument.integer()) var hours = 12
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard (1...24 * 14).contains(hours) else { throw AppError.usage("--hours must be between 1 and 336") }
            let app = try await workspace.load()
            let zone = app.configuration.settings.timeZone
            let spans = try await ContextBoard(app).upcoming(hours: hours, at: app.clock.now())
            if output.json { return Output.printJSON(.array(spans.map { $0.json(zone: zone) })) }
            Output.table(["FROM", "TO", "CONTEXT", "WHY"], spans.map {
                [ISO8601.format($0.start, in: zone), ISO8601.format($0.end, in: zone), $0.context.rawValue, $0.source.description]
            })
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Override the context by hand, for a while or until cleared.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "sleeping, work, gym, available or unknown.") var context: String
        @Option(name: .customLong("for"), help: ArgumentHelp("How long (2h, 90m); without it, until `context clear`.", valueName: "DURATION")) var duration: String?

        func run() async throws {
            let app = try await workspace.load()
            let override = try await ContextBoard(app).set(context, for: duration, at: app.clock.now())
            let (value, until) = (override.context, override.until)
            print("context set to \(value.rawValue)" + (until.map { " until \(ISO8601.format($0, in: app.configuration.settings.timeZone))" } ?? " until nightshift context clear"))
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the manual override.")
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let app = try await workspace.load()
            let reading = try await ContextBoard(app).clear(at: app.clock.now())
            print("override cleared; the context is \(reading.context.rawValue) again")
        }
    }
}
