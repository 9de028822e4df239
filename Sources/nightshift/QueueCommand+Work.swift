import ArgumentParser
import Foundation
import Logging
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

extension QueueCommand {
    struct Work: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run ready tasks now, in this process, until none is left.",
            discussion: """
                Claims ready tasks under a lease (a worker that dies loses its claim after builder.lease_ttl \
                and another retries the task), proposes each spawn_subagent through the policy gate, runs at \
                most builder.max_concurrent agents (fewer when the operator's context says so), and stops \
                spawning while disk or memory use is over builder.resource_limit. A task succeeds only if \
                its agent exits 0 and its --verify command passes. Spawns are logged to logs/subagents.jsonl, \
                output to logs/subagents/TASK_ID.log. Ctrl-C stops the agents and queues their tasks again.
                Exit status 1 when a task failed.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: "Only tasks scheduled into, or fitting, this window.") var window: String?
        @Option(help: ArgumentHelp("Claim nothing new after this local time; stop running agents then.", valueName: "HH:MM")) var until: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let settings = try app.requireBuilder()
            if let window, !settings.windows.contains(where: { $0.name == window }) {
                throw AppError.usage("--window: no window \"\(window)\"; the windows are \(settings.windows.map(\.name).joined(separator: ", "))")
            }
            let deadline = try until.map { text -> Date in
                guard let time = TimeOfDay(parsing: text) else { throw AppError.usage("--until must be HH:MM, found \"\(text)\"") }
                return time.next(after: app.clock.now(), in: app.configuration.settings.timeZone) ?? app.clock.now()
            }
            let worker = try app.makeBuildWorker()
            let summary = await cancellingOnSignals { await worker.work(until: deadline, window: window) }
            try QueueCommand.report(summary, json: output.json)
        }
    }

    /// Prints what a worker did; exit 1 when a task failed.
    static func report(_ summary: BuildWorker.Summary, json: Bool) throws {
        if json {
            Output.printJSON(summary.json)
        } else {
            if summary.started.isEmpty, summary.parked.isEmpty, summary.forbidden.isEmpty, summary.reaped.isEmpty, summary.adopted.isEmpty,
               summary.heldBack.isEmpty {
                let held = summary.heldElsewhere.isEmpty ? "" : " (\(summary.heldElsewhere.count) running under another worker)"
                print(summary.resourceNote.map { "Nothing started: the resource gate is closed (\($0))." } ?? "Nothing to run: no ready task\(held).")
            }
            for held in summary.heldBack { print("held back: \(held.task): \(held.reason)") }
            for (label, ids) in [
                ("started", summary.started), ("succeeded", summary.succeeded), ("failed", summary.failed),
                ("awaiting approval", summary.parked), ("forbidden", summary.forbidden), ("queued again", summary.handedBack),
                ("taken back from a dead worker", summary.reaped), ("adopted from a dead worker (its agent outlived it)", summary.adopted),
                ("running under another worker", summary.heldElsewhere),
            ] where !ids.isEmpty {
                print("\(label): \(ids.joined(separator: ", "))")
            }
            if let note = summary.resourceNote { print("resource gate: \(note)") }
        }
        if !summary.failed.isEmpty || !summary.forbidden.isEmpty { throw ExitCode(1) }
    }
}
