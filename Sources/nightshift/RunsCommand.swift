import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List and inspect runs: what happened, what failed, what was missed and why.",
        subcommands: [List.self, Show.self]
    )

    static func printTable(_ runs: [RunRecord], zone: TimeZone) {
        if runs.isEmpty { return print("no runs") }
        Output.table(
            ["ID", "JOB", "STATE", "TRIGGER", "SLOT", "DURATION", "TRY", "DETAIL"],
            runs.map { run in
                [
                    run.id, run.job, run.state.rawValue, run.trigger.rawValue, Output.time(run.slot, zone),
                    Output.duration(run), String(run.attempt), Output.oneLine(run.error ?? run.excerpt?.split(separator: "\n").last.map(String.init), max: 60),
                ]
            }
        )
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: "Only this job's runs.") var job: String?
        @Option(help: "Only runs in this state: \(RunState.allCases.map(\.rawValue).joined(separator: ", ")). Repeatable.")
        var state: [String] = []
        @Option(parsing: .unconditional, help: "Most runs to list.", transform: NumberArgument.integer()) var limit = 50
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var states: Set<RunState> = []
            for name in state {
                guard let parsed = RunState(rawValue: name) else {
                    throw AppError.usage("--state: \"\(name)\" is not a run state; use one of \(RunState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                states.insert(parsed)
            }
            guard limit > 0 else { throw AppError.usage("--limit must be at least 1") }
            let app = try await workspace.load()
            let runs = try await RunHistory(app).list(job: job, states: states, limit: limit)
            if output.json { return try Output.json(runs.map { RunView($0, logPath: nil) }) }
            RunsCommand.printTable(runs, zone: app.configuration.settings.timeZone)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one run with its output excerpt and log file.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The run's id (r_…).") var id: String
        @Flag(help: "Print the whole log file after the summary.") var log = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let (run, logPath) = try await RunHistory(app).show(id)
            if output.json { return try Output.json(RunView(run, logPath: logPath)) }
            let zone = app.configuration.settings.timeZone
            print("run        \(run.id)")
            print("job        \(run.job)")
            print("state      \(run.state)")
            print("trigger    \(run.trigger) (attempt \(run.attempt))")
            print("slot       \(Output.time(run.slot, zone))")
            print("started    \(Output.time(run.startedAt, zone))")
            print("finished   \(Output.time(run.finishedAt, zone))\(run.duration.map { " (\(Journal.durationString($0)))" } ?? "")")
            if let status = run.exitStatus { print("exit       \(status)") }
            if let error = run.error { print("error      \(error)") }
            if let owner = run.owner { print("owner      \(owner)") }
            print("log        \(logPath ?? "(none)")")
            if let excerpt = run.excerpt, !excerpt.isEmpty, !log {
                print("")
                print(excerpt)
            }
            if log, let logPath, let text = try? String(contentsOfFile: logPath, encoding: .utf8) {
                print("")
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
        }
    }
}
