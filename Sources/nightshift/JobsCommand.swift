import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, inspect, run, pause and resume the declared jobs.",
        subcommands: [List.self, Show.self, Run.self, Pause.self, Resume.self]
    )



    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the jobs with their schedule, next fire and last run.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let views = try await JobBoard(app).views()
            if output.json { return try Output.json(views) }
            let zone = app.configuration.settings.timeZone
            Output.table(
                ["NAME", "SCHEDULE", "NEXT", "LAST", "STATE"],
                views.map { view in
                    [
                        view.name + (view.paused ? " (paused)" : ""),
                        view.schedule,
                        Output.time(view.nextFire, zone),
                        view.lastRun.map { Output.time($0.finishedAt ?? $0.createdAt, zone) } ?? "-",
                        view.lastRun?.state ?? "never run",
                    ]
                }
            )
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job: its declaration, state and recent runs.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The job's name.") var name: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let detail = try await JobBoard(app).show(name, at: app.clock.now())
            if output.json { return try Output.json(detail) }
            let (job, view, fires, runs) = (detail.declaration, detail.job, detail.nextFires, detail.runs)
            let zone = job.timeZone
            print("job        \(job.name)\(view.paused ? " (paused)" : "")")
            if let description = job.description { print("about      \(description)") }
            print("schedule   \(view.schedule) (\(view.timeZone))\(job.activeHours.map { ", active \($0)" } ?? "")")
            print("action     \(view.action)\(view.command.map { ": \($0)" } ?? "")")
            print("policies   overlap=\(view.overlap) missed=\(view.missed) grace=\(DurationParser.format(seconds: Int64(job.grace.inSeconds))) retry=\(view.retryAttempts) attempts timeout=\(job.timeout.map { DurationParser.format(seconds: Int64($0.inSeconds)) } ?? "none")")
            if let check = job.successIf { print("success    exit 0 and \(check)") }
            print("failures   \(view.consecutiveFailures) in a row")
            print("next       " + (fires.isEmpty ? "-" : fires.map { ISO8601.format($0, in: zone) }.joined(separator: ", ")))
            print("")
            RunsCommand.printTable(runs, zone: app.configuration.settings.timeZone)
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a job now, under the same overlap, timeout, success check and retry policy as a scheduled fire.",
            discussion: """
                With a daemon serving the workspace the run is handed to it: without --wait this prints the run id \
                and exits 0; with --wait it waits for the outcome. Without a daemon the run executes here (retries \
                included). Exit status 0 when the run succeeded or was queued, 1 when it failed or was skipped.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The job's name.") var name: String
        @Flag(help: "Wait for the run's outcome when a daemon runs it.") var wait = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            await app.noteJobRequest(name)
            let result = try await app.runManually(name, wait: wait)
            switch result {
            case .queued(let run):
                if output.json { return try Output.json(RunView(run, logPath: nil)) }
                print("queued run \(run.id) of \(name); the daemon will start it (nightshift runs show \(run.id))")
            case .finished(let run):
                let logPath = "\(app.workspace.runLogsDirectory)/\(run.id).log"
                if output.json {
                    try Output.json(RunView(run, logPath: logPath))
                } else {
                    print("run \(run.id) of \(name): \(run.state)\(run.duration.map { " in \(Journal.durationString($0))" } ?? "")\(run.attempt > 1 ? " (attempt \(run.attempt))" : "")")
                    if let error = run.error { print("  \(error)") }
                    if let excerpt = run.excerpt, !excerpt.isEmpty { print(excerpt.split(separator: "\n").suffix(5).map { "  | \($0)" }.joined(separator: "\n")) }
                }
                switch run.state {
                case .succeeded: break
                case .awaitingApproval: throw ExitCode(3)
                case .forbidden: throw ExitCode(4)
                default: throw ExitCode(1)
                }
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop firing a job's schedule until it is resumed (its slots pass unrecorded).")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The job's name.") var name: String

        func run() async throws {
            let app = try await workspace.load()
            try await JobBoard(app).setPaused(name, true)
            print("paused \(name)")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fire a paused job's schedule again, from its next slot.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The job's name.") var name: String

        func run() async throws {
            let app = try await workspace.load()
            try await JobBoard(app).setPaused(name, false)
            print("resumed \(name)")
        }
    }
}
