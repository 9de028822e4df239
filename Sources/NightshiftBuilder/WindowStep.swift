public import Foundation
public import Logging
public import NightshiftCore

/// `builder.window-NAME`: a window other than `overnight` runs its tasks by itself. Its pack job
/// (`window-NAME`) fires when the window opens; the step runs a worker on the tasks scheduled into
/// the window or fitting it, within the operator's context, until the window closes, then writes
/// `reports/windows/YYYY-MM-DD-NAME.json|md`. The `quick_win` window only offers its tasks (through
/// the notifiers) while the operator is `available`: they are the operator's to pick then.
struct WindowStep: PackStep {
    let window: TimeWindow
    let store: any Store
    let settings: BuilderSettings
    let timeZone: TimeZone
    let configuration: BuildWorker.Configuration
    let host: any BuilderHost
    let reportsDirectory: String
    let logger: Logger

    var name: String { "builder.window-\(window.name)" }
    var summary: String { "run the tasks of the \(window.name) window until it closes" }

    func run(_ context: StepContext) async -> ActionResult {
        let now = context.now
        guard let opening = window.opening(at: now, in: timeZone), opening.start <= now else {
            return StepText.result(["the \(window.name) window is not open now; nothing to do"], ["open": .bool(false)])
        }
        let limits = await host.workLimits(at: now)
        if window.name == "quick_win", limits.context == OperatorContext.available.rawValue {
            let offer = CheckinStep(kind: .tonight, store: store, settings: settings, timeZone: timeZone, host: host)
            let text: String
            do { text = try await offer.message(at: now) } catch { return .failure("the quick wins could not be read: \(error)") }
            let problems = await host.notify(text, job: "window-\(window.name)", kind: .checkin, at: now)
            return StepText.result(["the operator is available: quick wins offered, not run"] + problems.map { "not delivered: \($0)" }, [
                "offered": .bool(true),
            ])
        }
        let host = self.host, clock = context.clock
        let worker = BuildWorker(
            store: store, gate: context.gate, settings: settings, clock: clock, owner: ProcessIdentity.current().description,
            configuration: configuration, limits: { await host.workLimits(at: clock.now()) }, resources: { host.resourceUsage() }, logger: logger
        )
        let summary = await worker.work(until: opening.end, window: window.name)
        let lines = [
            "ran the \(window.name) window until \(ISO8601.format(opening.end, in: timeZone))",
            "started \(summary.started.count), succeeded \(summary.succeeded.count), failed \(summary.failed.count), "
                + "awaiting approval \(summary.parked.count), queued again \(summary.handedBack.count), held back \(summary.heldBack.count)",
        ]
        var result = lines
        do {
            let path = try writeReport(summary, opening: opening, at: clock.now())
            result.append("report: \(path)")
            try? configuration.journal?.note("\(window.name) window: \(lines[1]) — \(path)", at: clock.now())
        } catch {
            result.append("the window report could not be written: \(error.localizedDescription)")
        }
        let output = result.joined(separator: "\n") + "\n\(StepOutput.marker)\(summary.json.canonical)\n"
        return ActionResult(succeeded: true, output: output, excerpt: lines[1], cancelled: Task.isCancelled)
    }

    /// `reports/windows/YYYY-MM-DD-NAME.json` and `.md`; returns the Markdown one's path.
    func writeReport(_ summary: BuildWorker.Summary, opening: DateInterval, at now: Date) throws -> String {
        let directory = "\(reportsDirectory)/windows"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let day = String(ISO8601.format(opening.start, in: timeZone).prefix(10))
        let base = "\(directory)/\(day)-\(window.name)"
        var json = summary.json
        if case .object(var members) = json {
            members["window"] = .string(window.name)
            members["opened"] = .string(ISO8601.format(opening.start, in: timeZone))
            members["closes"] = .string(ISO8601.format(opening.end, in: timeZone))
            members["written_at"] = .string(ISO8601.format(now, in: timeZone))
            json = .object(members)
        }
        try Data((json.canonical + "\n").utf8).write(to: URL(fileURLWithPath: base + ".json"), options: .atomic)
        var markdown = ["# \(window.name) window, \(day)", "", "Open \(ISO8601.format(opening.start, in: timeZone)) to \(ISO8601.format(opening.end, in: timeZone)).", ""]
        for (label, ids) in [
            ("Succeeded", summary.succeeded), ("Failed", summary.failed), ("Awaiting approval", summary.parked),
            ("Queued again", summary.handedBack), ("Forbidden", summary.forbidden),
        ] where !ids.isEmpty {
            markdown.append("\(label): \(ids.joined(separator: ", "))")
        }
        for held in summary.heldBack { markdown.append("Held back: \(held.task): \(held.reason)") }
        if summary.started.isEmpty, summary.heldBack.isEmpty { markdown.append("Nothing ran: no task was scheduled into or fitted the window.") }
        try Data((markdown.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: base + ".md"), options: .atomic)
        return base + ".md"
    }

    /// The cron expression that fires when the window opens: its start on its days.
    static func cron(_ window: TimeWindow) -> String {
        let days = window.days.count == 7 ? "*" : window.days.sorted().map { String($0 - 1) }.joined(separator: ",")
        return "\(window.start.minute) \(window.start.hour) * * \(days)"
    }
}
