import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

/// `nightshift overnight …`: the builder's night.
struct OvernightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overnight",
        abstract: "The overnight runner: scan, fix, pre-build, schedule and run queued tasks, report.",
        discussion: """
            A workspace with [builder] gets the `overnight` cycle (default 23:00, [builder.overnight] \
            schedule) and the `morning-brief` job (07:00). The daemon runs them; `overnight start` runs \
            the night now, in this process. Its steps, each checkpointed (a crash resumes at the first \
            that did not succeed):
              scan, fix, prebuild   problem scans, auto-fixes, pattern pre-builds (not configured yet)
              schedule              place ready tasks into tonight's overnight window
              builds                run them (max builder.max_concurrent) until monitor_until (06:30)
              report                write reports/overnight/YYYY-MM-DD.json and .md
            """,
        subcommands: [Start.self, Report.self, Brief.self, IsOvernight.self, Step.self]
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the overnight cycle now and print its report.",
            discussion: "Exit status 1 when a step failed; the night's builds are in `nightshift overnight report`."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            _ = try app.requireBuilder()
            guard let cycle = app.configuration.cycle(named: "overnight") else {
                throw AppError.usage("this workspace declares its own job named overnight; run it with nightshift jobs run overnight")
            }
            let engine = app.cycleEngine
            let result = await cancellingOnSignals { () async -> Result<CycleOutcome, CycleError> in
                do throws(CycleError) {
                    return .success(try await engine.start(cycle, trigger: .manual))
                } catch {
                    return .failure(error)
                }
            }
            try CyclesCommand.finish([("", result)], cycle: cycle, app: app, json: output.json)
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The completion report of the last night: completed, failed, in progress, hours shipped.",
            discussion: "Built from the store for the overnight window that ended last (or is open now); --write also saves it to reports/overnight/."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("Report from this instant instead of the window's opening.", valueName: "ISO8601")) var since: String?
        @Flag(help: "Also write reports/overnight/YYYY-MM-DD.json and .md.") var write = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let zone = app.configuration.settings.timeZone
            let start = try since.map { text -> Date in
                guard let date = ISO8601.parse(text) else { throw AppError.usage("--since must be an ISO 8601 time with an offset (2026-11-20T23:00:00Z), found \"\(text)\"") }
                return date
            }
            let report = try await app.overnightReport(since: start)
            if write { try report.write(to: app.overnightReportsDirectory, timeZone: zone) }
            if output.json { return try Output.json(report) }
            print(report.markdown(timeZone: zone))
        }
    }

    struct Brief: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The overnight part of the morning brief, as text.")
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let app = try await workspace.load()
            let report = try await app.overnightReport()
            print(OvernightCommand.briefText(report))
        }
    }

    struct IsOvernight: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "is-overnight",
            abstract: "Exit 0 if the overnight window is open now, 1 if not.",
            discussion: "For scripts: `nightshift overnight is-overnight && …`."
        )
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let app = try await workspace.load()
            let settings = try app.requireBuilder()
            let zone = app.configuration.settings.timeZone
            let window = settings.windows.first { $0.name == "overnight" } ?? TimeWindow.defaults[1]
            let now = app.clock.now()
            guard let opening = window.opening(at: now, in: zone) else { throw ExitCode(1) }
            if opening.start <= now {
                print("yes: the overnight window is open until \(ISO8601.format(opening.end, in: zone))")
            } else {
                print("no: the overnight window opens at \(ISO8601.format(opening.start, in: zone))")
                throw ExitCode(1)
            }
        }
    }

    /// The brief's overnight lines: the headline, then what shipped, failed, runs.
    static func briefText(_ report: OvernightReport) -> String {
        var lines = ["What shipped overnight (\(report.date)):"] + report.summaryLines
        for entry in report.completed { lines.append("  ✓ \(entry.id) \(entry.title) (\(OvernightReport.hours(entry.hours)))") }
        for entry in report.failed { lines.append("  ✗ \(entry.id) \(entry.title): \(entry.note ?? "failed")") }
        for entry in report.inProgress { lines.append("  … \(entry.id) \(entry.title): \(entry.note ?? "in progress")") }
        for entry in report.awaitingApproval { lines.append("  ? \(entry.id) \(entry.title): \(entry.note ?? "awaiting approval")") }
        return lines.joined(separator: "\n")
    }
}
