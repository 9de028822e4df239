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
            let reading = try await ContextCommand.reading(app)
            if output.json { return try Output.json(ContextCommand.view(reading, zone: app.configuration.settings.timeZone)) }
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
            let reading = try await ContextCommand.reading(app)
            if output.json { return try Output.json(ContextCommand.view(reading, zone: zone)) }
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
            let now = Date()
            let events = try await ContextCommand.events(app, now: now)
            let detector = ContextDetector(settings: app.configuration.context, timeZone: zone)
            let spans = detector.upcoming(from: now, hours: hours, override: try await app.contextOverride(), events: events)
            if output.json {
                return Output.printJSON(.array(spans.map {
                    .object([
                        "context": .string($0.context.rawValue), "source": .string($0.source.description),
                        "start": .string(ISO8601.format($0.start, in: zone)), "end": .string(ISO8601.format($0.end, in: zone)),
                    ])
                }))
            }
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
            guard let value = OperatorContext(rawValue: context.lowercased()) else {
                throw AppError.usage("unknown context \"\(context)\"; the contexts are \(OperatorContext.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var length: Duration?
            if let duration {
                do throws(ScheduleError) { length = try DurationParser.parse(duration) } catch { throw AppError.usage("--for: \(error.message)") }
                guard let length, length > .zero else { throw AppError.usage("--for must be longer than 0, found \"\(duration)\"") }
            }
            let app = try await workspace.load()
            let now = Date()
            let until = length.map { now.addingTimeInterval($0.inSeconds) }
            try await app.setContextOverride(ContextOverride(context: value, setAt: now, until: until), at: now)
            print("context set to \(value.rawValue)" + (until.map { " until \(ISO8601.format($0, in: app.configuration.settings.timeZone))" } ?? " until nightshift context clear"))
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the manual override.")
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let app = try await workspace.load()
            try await app.setContextOverride(nil)
            print("override cleared; the context is \(try await ContextCommand.reading(app).context.rawValue) again")
        }
    }

    /// The reading now; an unreadable calendar is a usage error naming its file and line.
    static func reading(_ app: NightshiftApplication) async throws -> ContextReading {
        let now = Date()
        let events = try await events(app, now: now)
        let detector = ContextDetector(settings: app.configuration.context, timeZone: app.configuration.settings.timeZone)
        return detector.detect(at: now, override: try await app.contextOverride(), events: events)
    }

    static func events(_ app: NightshiftApplication, now: Date) async throws -> [EventOccurrence] {
        let load = await app.loadCalendars()
        if !load.problems.isEmpty { throw AppError.usage(load.problems.joined(separator: "\n")) }
        return ICSCalendar.occurrences(
            of: load.calendars, from: now.addingTimeInterval(-ContextDetector.horizon), to: now.addingTimeInterval(2 * ContextDetector.horizon)
        )
    }

    struct View: Encodable {
        var context: String
        var source: String
        var until: String?
        var intensity: String
        var maxConcurrentBuilds: Int
        var lowRiskOnly: Bool
    }

    static func view(_ reading: ContextReading, zone: TimeZone) -> View {
        View(
            context: reading.context.rawValue, source: reading.source.description, until: reading.until.map { ISO8601.format($0, in: zone) },
            intensity: reading.profile.intensity.rawValue, maxConcurrentBuilds: reading.profile.maxConcurrentBuilds, lowRiskOnly: reading.profile.lowRiskOnly
        )
    }
}
