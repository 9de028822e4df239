import ArgumentParser
import Foundation
import Logging
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

extension OvernightCommand {
    /// One step of the overnight cycle, run by the cycle engine as a command.
    struct Step: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one step of the overnight cycle (the cycle runs these; by hand for debugging).",
            discussion: "Steps: \(BuilderPack.overnightSteps.joined(separator: ", ")). Each prints a NIGHTSHIFT_OUTPUT line the cycle report keeps."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The step's name.") var name: String

        func run() async throws {
            guard BuilderPack.overnightSteps.contains(name) else {
                throw AppError.usage("no overnight step \"\(name)\"; the steps are \(BuilderPack.overnightSteps.joined(separator: ", "))")
            }
            let app = try await workspace.load()
            let settings = try app.requireBuilder()
            let zone = app.configuration.settings.timeZone
            let now = Date()
            switch name {
            case "scan":
                let scan = try await app.scanHealth(at: now)
                for problem in scan.changes.open { print("\(problem.severity.rawValue): \(problem.key): \(problem.summary)") }
                print("problem scan: \(scan.changes.open.count) open, \(scan.changes.resolved.count) resolved, \(scan.escalated.count) escalated")
                Self.output([
                    "open": .array(scan.changes.open.map { .string($0.key) }), "resolved": .array(scan.changes.resolved.map { .string($0.key) }),
                    "escalated": .array(scan.escalated.map { .string($0.key) }),
                ])
            case "fix":
                let outcomes = try await app.applyHealthFixes(dryRun: false, at: now)
                let rescan = try await app.scanHealth(at: Date(), resolution: "fixed by the overnight run")
                for outcome in outcomes { print("\(outcome.status.rawValue): \(outcome.fix.summary)") }
                print("auto-fixes: \(outcomes.filter { $0.status == .done }.count) done, \(rescan.changes.open.count) problem(s) still open")
                Self.output([
                    "fixes": .array(outcomes.map { .object(["fix": .string($0.fix.kind.rawValue), "status": .string($0.status.rawValue)]) }),
                    "open": .array(rescan.changes.open.map { .string($0.key) }),
                ])
            case "prebuild":
                let outcomes = try await app.runDuePrebuilds(at: now)
                for outcome in outcomes { print("\(outcome.status.rawValue): \(outcome.pattern.id)\(outcome.detail.map { " — \($0)" } ?? "")") }
                print("pattern pre-builds: \(outcomes.filter { $0.status == .succeeded }.count) ran, \(outcomes.count) due (enable patterns with nightshift patterns enable ID)")
                Self.output(["prebuilds": .array(outcomes.map { .object(["pattern": .string($0.pattern.id), "status": .string($0.status.rawValue)]) })])
            case "schedule":
                let tasks = try await app.buildQueue().refreshBlocked(at: now)
                let plan = try await app.buildPlanner(at: now).plan(tasks, at: now, only: "overnight")
                let stored = try await BuildPlanner.apply(plan, store: app.store, at: now)
                for task in stored { print("scheduled \(task.id) \(task.title) (\(TaskView.hours(task.hours)), score \(TaskView.number(task.score)))") }
                if stored.isEmpty { print("nothing to schedule tonight: no ready task fits the overnight window") }
                Self.output(["scheduled": .array(stored.map { .string($0.id) }), "unplaced": .array(plan.unplaced.map { .string($0.id) })])
            case "builds":
                let deadline = settings.monitorUntil.next(after: now, in: zone) ?? now
                print("running tonight's builds until \(ISO8601.format(deadline, in: zone))")
                let worker = try app.makeBuildWorker()
                let summary = await cancellingOnSignals { await worker.work(until: deadline, window: "overnight") }
                print("\(StepOutput.marker)\(summary.json.canonical)")
                print("started \(summary.started.count), succeeded \(summary.succeeded.count), failed \(summary.failed.count), "
                    + "awaiting approval \(summary.parked.count), queued again \(summary.handedBack.count)")
                // Failed tasks are the report's news, not a failed step: the night went on.
            case "report":
                let report = try await app.overnightReport(until: now)
                let paths = try report.write(to: app.overnightReportsDirectory, timeZone: zone)
                print(report.summaryLines.joined(separator: "\n"))
                print("report: \(paths.markdown)")
                Self.output([
                    "completed": .integer(Int64(report.completed.count)), "failed": .integer(Int64(report.failed.count)),
                    "in_progress": .integer(Int64(report.inProgress.count)), "hours_shipped": .number(report.hoursShipped),
                    "report": .string(paths.json),
                ])
            default:
                break
            }
        }

        static func output(_ members: [String: JSONValue]) {
            print("\(StepOutput.marker)\(JSONValue.object(members).canonical)")
        }
    }
}
