import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

/// `nightshift health …`: the machine and the workspace, sampled, judged and tidied.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Sample the machine, find problems before they bite, and fix the safe ones.",
        discussion: """
            The daemon samples every [health] interval (5m): disk use of the workspace's file system, \
            memory, load, the size of logs/ and of each log file, the store's size and its own memory. \
            A scan judges the newest samples against thresholds (disk above 80 % warns, above 90 % is \
            critical) and the disk's least-squares trend ("disk full in 3.2 days"), and keeps each \
            problem open from the first scan that finds it until one that does not. Critical problems \
            and those nothing automatic can fix go to the notifiers and the brief.

            Fixes go through the policy gate as delete_log, rotate_log, optimize_store and prune_history \
            actions (autonomous unless the policy says otherwise) and are audited.

              nightshift health scan
              nightshift health fix --dry-run
              nightshift health metrics --since 24h --json
            """,
        subcommands: [Metrics.self, Scan.self, List.self, Fix.self]
    )

    struct Metrics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The readings now (sampled and stored), or with --since the stored samples since then."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("Show stored samples since an ISO 8601 instant or a duration back (24h).", valueName: "T")) var since: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let zone = app.configuration.settings.timeZone
            let samples = try await HealthReadings(app).samples(since: try since.map { try SinceOption.parse($0) })
            if output.json {
                return Output.printJSON(.array(samples.map { $0.json(zone: zone) }))
            }
            guard !samples.isEmpty else { return print("No samples since \(since ?? "now").") }
            let metrics = Dictionary(grouping: samples, by: \.metric)
            Output.table(["METRIC", "LAST", "MIN", "MAX", "SAMPLES"], metrics.keys.sorted().map { metric in
                let values = metrics[metric]!.map(\.value)
                return [metric, HealthCommand.show(metric, values.last!), HealthCommand.show(metric, values.min()!), HealthCommand.show(metric, values.max()!), "\(values.count)"]
            })
        }
    }

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sample now, judge the samples and trends, record problems, escalate what needs the operator."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let scan = try await app.scanHealth(at: app.clock.now())
            let zone = app.configuration.settings.timeZone
            if output.json {
                return Output.printJSON(scan.json(zone: zone))
            }
            for problem in scan.changes.resolved { print("resolved  \(problem.key): \(problem.summary)") }
            guard !scan.changes.open.isEmpty else { return print("No problems (\(scan.samples.count) samples).") }
            for problem in scan.changes.open.sorted(by: HealthCommand.worstFirst) {
                let new = scan.changes.opened.contains { $0.id == problem.id } ? "new " : ""
                print("\(problem.severity.rawValue.uppercased()) \(new)\(problem.key): \(problem.summary)"
                    + (problem.fix.map { " [fix: \($0.actionType)]" } ?? " [needs the operator]"))
            }
            if !scan.escalated.isEmpty { print("Sent to the notifiers: \(scan.escalated.map(\.key).joined(separator: ", "))") }
            let unsent = scan.changes.open.filter { $0.needsEscalation && $0.escalatedAt == nil && !scan.escalated.contains($0) }
            if !unsent.isEmpty {
                let why = app.configuration.notifiers.isEmpty ? "no notifier is configured ([[notifiers]] in nightshift.toml)" : "no notifier took them"
                print("Not sent, \(why): \(unsent.map(\.key).joined(separator: ", "))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open problems; --all adds resolved ones.")
        @OptionGroup var workspace: WorkspaceOptions
        @Flag(help: "Resolved problems too.") var all = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let zone = app.configuration.settings.timeZone
            let problems = try await HealthReadings(app).problems(all: all)
            if output.json { return Output.printJSON(.array(problems.map { $0.json(zone: zone) })) }
            guard !problems.isEmpty else { return print(all ? "No problems recorded." : "No open problems.") }
            Output.table(["ID", "SEVERITY", "KEY", "FIRST SEEN", "LAST SEEN", "STATE", "SUMMARY"], problems.map {
                [
                    $0.id, $0.severity.rawValue, $0.key, Output.time($0.firstSeen, zone), Output.time($0.lastSeen, zone),
                    $0.resolvedAt.map { "resolved \(Output.time($0, zone))" } ?? "open", $0.summary,
                ]
            })
        }
    }

    struct Fix: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Carry out the safe fixes through the policy gate, then scan again.",
            discussion: """
                delete_log removes log files older than [health] log_retention (30d); rotate_log gzips \
                log files over log_rotate_size (10MB) to FILE.gz and truncates them; optimize_store runs \
                PRAGMA optimize, checkpoints the WAL and vacuums when vacuum_free_percent (20) of the pages \
                are free; prune_history deletes samples, events and run outputs past their retention. \
                --dry-run proposes nothing and changes nothing: it says what would be done and what the \
                policy would decide. Exits 1 if a fix failed.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Flag(help: "Say what would be done; change nothing.") var dryRun = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let report = try await HealthReadings(app).fix(dryRun: dryRun, at: app.clock.now())
            let (outcomes, scan) = (report.outcomes, report.scan)
            if output.json {
                Output.printJSON(report.json)
            } else if outcomes.isEmpty {
                print("Nothing to fix.")
            } else {
                for outcome in outcomes {
                    let id = outcome.actionID.map { " (\($0))" } ?? ""
                    let detail = outcome.detail == outcome.fix.summary ? "" : " — \(outcome.detail)"
                    print("\(outcome.status.rawValue)\(id): \(outcome.fix.summary)\(detail)")
                    for path in outcome.fix.paths.prefix(dryRun ? 50 : 10) { print("  \(path)") }
                }
                if let scan, !scan.changes.open.isEmpty {
                    print("Still open: \(scan.changes.open.map(\.key).joined(separator: ", ")) (nightshift health list)")
                }
            }
            if report.failed { throw ExitCode(1) }
        }
    }

    static func worstFirst(_ a: Problem, _ b: Problem) -> Bool { (a.severity, a.key) > (b.severity, b.key) }

    /// A value as the operator reads it: bytes as sizes, shares as percent.
    static func show(_ metric: String, _ value: Double) -> String {
        if metric.hasSuffix("_bytes") || metric.hasSuffix(".bytes") || metric.hasPrefix(Metric.logFilePrefix) { return HealthRules.size(value) }
        if metric.hasSuffix("percent") { return String(format: "%.1f %%", value) }
        return String(format: "%.2f", value)
    }
}
