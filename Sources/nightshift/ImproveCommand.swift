import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

/// `nightshift improve …`: how Nightshift's own operations behave, and what to do about it.
struct ImproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "improve",
        abstract: "Timings and failures of every operation, and suggestions: slow, unreliable, worth a schedule.",
        discussion: """
            Every job run and cycle step counts by itself (job:NAME, cycle:NAME/STEP: its duration, and its \
            error when it failed), read from the store; log-time and log-failure add operations of your \
            own. Suggestions: slow when p90 is over 5 s (3 timings or more), unreliable after 3 failures \
            within 24 h, automate a job run by hand 3 times within 14 days (with a schedule when the runs \
            come around one time). The last 30 days count.

            Example:
              nightshift improve log-time sync.mail 7200
              nightshift improve log-failure sync.mail "IMAP timeout"
              nightshift improve stats
              nightshift improve suggest --json
            """,
        subcommands: [LogTime.self, LogFailure.self, LogCorrection.self, Stats.self, Suggest.self, Accept.self, Adopt.self]
    )

    struct LogTime: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log-time",
            abstract: "Record how long an operation took, in milliseconds.",
            discussion: "Example: nightshift improve log-time sync.mail 7200"
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: ArgumentHelp("The operation, e.g. sync.mail.", valueName: "OP")) var operation: String
        // Every leftover word, so a negative number is refused by name instead of read as an option.
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Milliseconds it took: a number, 0 or more.", valueName: "MS"))
        var milliseconds: [String] = []
        @Option(help: ArgumentHelp("When it finished: an ISO 8601 instant with offset. Default: now.", valueName: "ISO")) var at: String?

        func run() async throws {
            try PatternsCommand.validate(name: operation, label: "OP")
            guard milliseconds.count == 1, NumberArgument.isDecimal(milliseconds[0], fraction: true), let value = Double(milliseconds[0]),
                  value.isFinite, value >= 0 else {
                let got = milliseconds.isEmpty ? "nothing" : "\"\(milliseconds.joined(separator: " "))\""
                throw AppError.usage("MS must be a number of milliseconds, 0 or more (got \(got))")
            }
            let time = try PatternsCommand.instant(at, flag: "--at")
            let app = try await workspace.load()
            try await app.recordTiming(operation, milliseconds: value, at: time)
            print("recorded \(operation): \(ImproveCommand.milliseconds(value)) at \(ISO8601.format(time, in: app.configuration.settings.timeZone))")
        }
    }

    struct LogFailure: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log-failure",
            abstract: "Record that an operation failed, and why.",
            discussion: "Example: nightshift improve log-failure sync.mail \"IMAP timeout after 30 s\""
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: ArgumentHelp("The operation, e.g. sync.mail.", valueName: "OP")) var operation: String
        @Argument(help: ArgumentHelp("The error, in a few words.", valueName: "ERROR")) var error: String
        @Option(help: ArgumentHelp("When it failed: an ISO 8601 instant with offset. Default: now.", valueName: "ISO")) var at: String?

        func run() async throws {
            try PatternsCommand.validate(name: operation, label: "OP")
            guard !error.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw AppError.usage("ERROR must say what went wrong") }
            let time = try PatternsCommand.instant(at, flag: "--at")
            let app = try await workspace.load()
            try await app.recordFailure(operation, error: error, at: time)
            print("recorded a failure of \(operation) at \(ISO8601.format(time, in: app.configuration.settings.timeZone)): \(error)")
        }
    }

    struct LogCorrection: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log-correction",
            abstract: "Record that you corrected Nightshift or an agent about a topic; twice is a knowledge gap.",
            discussion: """
                The same TOPIC (any case) corrected twice within 30 days becomes a knowledge_gap suggestion; \
                improve accept turns it into a Documentation task for the overnight runner.

                Example: nightshift improve log-correction deploy "staging needs the VPN, not the bastion"
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: ArgumentHelp("What it was about, e.g. deploy.", valueName: "TOPIC")) var topic: String
        @Argument(help: ArgumentHelp("The correction, in a sentence.", valueName: "TEXT")) var text: String
        @Option(help: ArgumentHelp("When: an ISO 8601 instant with offset. Default: now.", valueName: "ISO")) var at: String?

        func run() async throws {
            try PatternsCommand.validate(name: topic, label: "TOPIC")
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw AppError.usage("TEXT must say what was corrected") }
            guard text.utf8.count <= 10_000 else { throw AppError.usage("TEXT is \(text.utf8.count) bytes; at most 10000") }
            let time = try PatternsCommand.instant(at, flag: "--at")
            let app = try await workspace.load()
            try await app.recordCorrection(topic, text: text, at: time)
            print("recorded a correction about \(topic) at \(ISO8601.format(time, in: app.configuration.settings.timeZone))")
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue the fix of a suggestion as a task the overnight runner builds.",
            discussion: """
                ID is one improve suggest lists (slow:…, unreliable:…, knowledge_gap:…, automate:…). A knowledge \
                gap becomes a Documentation task, the rest Infrastructure tasks, with the evidence in the \
                description and the id improve-KIND-SUBJECT; a suggestion is accepted once. Needs [builder].

                Example: nightshift improve accept slow:job:backup --hours 3
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: ArgumentHelp("The suggestion's id.", valueName: "ID")) var id: String
        @Option(parsing: .unconditional, help: ArgumentHelp("The estimate in hours (default 2).", valueName: "H"), transform: NumberArgument.decimal())
        var hours: Double = 2
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let task = try await app.acceptImprovement(id, hours: hours, at: app.clock.now())
            if output.json { return Output.printJSON(task.json(zone: app.configuration.settings.timeZone)) }
            print("\(task.id) \(task.state): \(task.title) (\(task.category), \(TaskView.hours(task.hours)))")
        }
    }

    struct Adopt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a job the schedule an automate suggestion proposes, by editing nightshift.toml through the gate.",
            discussion: """
                Proposes adopt_schedule: its [jobs.NAME] table's schedule (or every, at) line becomes the proposed \
                schedule and time_zone is set. The default tier is approval: approve it with the command printed. \
                The edited file is loaded before it stays; one that would not load is put back as it was. A file \
                edited after the proposal changes nothing. A serving daemon reads the new schedule when it starts again.

                Example: nightshift improve adopt automate:report
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: ArgumentHelp("The automate suggestion's id.", valueName: "ID")) var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let outcome = try await app.adoptSchedule(id, at: app.clock.now())
            let record = outcome.record
            if output.json {
                Output.printJSON(.object([
                    "action": .string(record.id), "verdict": .string(outcome.decision.verdict.rawValue), "status": .string(record.status.rawValue),
                    "executed": .bool(outcome.executed), "succeeded": .bool(outcome.result.succeeded),
                    "detail": .string(outcome.result.succeeded ? outcome.result.excerpt : outcome.result.error ?? outcome.decision.reason),
                ]))
            } else {
                switch outcome.decision.verdict {
                case .approve:
                    print("awaiting approval (\(outcome.decision.reason)): nightshift approvals approve \(record.id)")
                case .forbid:
                    print("forbidden: \(outcome.decision.reason)")
                case .allow:
                    if outcome.result.succeeded {
                        print("adopted: \(outcome.result.excerpt); a serving daemon reads it when it starts again")
                    } else {
                        print("not adopted: \(outcome.result.error ?? "failed")")
                    }
                }
            }
            if outcome.decision.verdict == .forbid || (outcome.decision.verdict == .allow && !outcome.result.succeeded) { throw ExitCode(1) }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per operation: timings, p50, p90 and max (nearest rank), failures in 24 h and in all.",
            discussion: "Example: nightshift improve stats --json"
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let stats = try await app.operationStats()
            if output.json {
                return Output.printJSON(.array(stats.map(\.json)))
            }
            if stats.isEmpty { return print("Nothing measured yet: job runs, cycle steps and improve log-time add timings.") }
            Output.table(["OPERATION", "COUNT", "P50", "P90", "MAX", "FAILED 24H", "FAILED", "LAST ERROR"], stats.map { item in
                [
                    item.operation, String(item.count), ImproveCommand.milliseconds(item.p50), ImproveCommand.milliseconds(item.p90),
                    ImproveCommand.milliseconds(item.max), String(item.recentFailures), String(item.failuresTotal), Output.oneLine(item.lastFailure, max: 60),
                ]
            })
        }
    }

    struct Suggest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What to improve, with the evidence: unreliable, slow, and jobs to schedule.",
            discussion: """
                Each suggestion names its figures and run ids (nightshift runs show ID). For a job run by \
                hand around one time it proposes a schedule and the [jobs.NAME] lines that adopt it.

                Example: nightshift improve suggest
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let improvements = try await app.improvements()
            if output.json { return Output.printJSON(.array(improvements.map(\.json))) }
            if improvements.isEmpty { return print("Nothing to improve: no operation is slow or unreliable, and no job is run by hand often.") }
            for (index, improvement) in improvements.enumerated() {
                if index > 0 { print("") }
                print("\(improvement.id): \(improvement.summary)")
                for key in improvement.evidence.keys.sorted() { print("  \(key): \(improvement.evidence[key]?.text ?? "")") }
                if let schedule = improvement.proposedSchedule {
                    print("  adopt it in nightshift.toml (replacing the job's schedule):")
                    print(schedule.toml.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
                    print("  check it first: \(schedule.previewCommand)")
                }
            }
        }
    }

    /// `7200` ms as `7200 ms`, `7.2 s` from a second up; `-` without a value.
    static func milliseconds(_ value: Double?) -> String {
        guard let value else { return "-" }
        if value < 1000 { return value == value.rounded() ? "\(Int(value)) ms" : "\(value) ms" }
        return String(format: "%.1f s", value / 1000)
    }
}
