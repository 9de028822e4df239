import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Work with schedule expressions.",
        subcommands: [Next.self]
    )

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the next fire times of a cron expression, an interval or an instant.",
            discussion: """
                EXPR is a cron expression with 5 fields (minute hour day-of-month month day-of-week) or 6 \
                (seconds first), a macro (@hourly, @daily, @weekly, @monthly, @yearly), an interval \
                ("every 30m" or just "30m") or an instant ("2026-12-01T09:00:00-05:00").
                Examples:
                  nightshift schedule next "0 2 * * *" --tz America/New_York --count 3
                  nightshift schedule next "*/15 9-17 * * MON-FRI" --json
                """
        )

        @Argument(help: "The schedule expression (quote it).")
        var expression: String

        @Option(help: "IANA time zone the expression is read in (default UTC).")
        var tz = "UTC"

        @Option(help: "Start after this instant (ISO 8601 with offset; default now).")
        var after: String?

        @Option(parsing: .unconditional, help: "How many fire times to print (1–10000).", transform: NumberArgument.integer())
        var count = 5

        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard count > 0 && count <= 10_000 else { throw AppError.usage("--count must be between 1 and 10000") }
            let zone: TimeZone
            do { zone = try TimeZones.named(tz) } catch { throw AppError.usage("--tz: \(error.message)") }
            var start = Date()
            if let after {
                guard let parsed = ISO8601.parse(after) else {
                    throw AppError.usage("--after: \"\(after)\" is not an ISO 8601 instant like 2026-12-01T09:00:00-05:00")
                }
                start = parsed
            }
            let schedule = try parse(expression)
            var fires: [String] = []
            var cursor = start
            while fires.count < count, let next = schedule.nextFire(after: cursor, in: zone) {
                fires.append(ISO8601.format(next, in: zone))
                cursor = next
            }
            if output.json {
                try Output.json(fires)
            } else if fires.isEmpty {
                print("no fire time after \(ISO8601.format(start, in: zone))")
            } else {
                fires.forEach { print($0) }
            }
        }

        private func parse(_ text: String) throws -> Schedule {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let cron: CronExpression
            do {
                if trimmed.lowercased().hasPrefix("every ") {
                    return try Schedule.interval(parsing: String(trimmed.dropFirst(6)).trimmingCharacters(in: .whitespaces))
                }
                if let first = trimmed.first, first.isNumber, ISO8601.parse(trimmed) != nil {
                    return try Schedule.at(parsing: trimmed)
                }
                if !trimmed.contains(" "), !trimmed.hasPrefix("@"), (try? DurationParser.parse(trimmed)) != nil {
                    return try Schedule.interval(parsing: trimmed)
                }
                cron = try CronExpression(parsing: trimmed)
            } catch {
                throw AppError.usage("invalid schedule \"\(text)\": \(error.description)")
            }
            if let reason = cron.neverFiresReason { throw AppError.usage("schedule \"\(text)\" never fires: \(reason)") }
            return .cron(cron)
        }
    }
}
