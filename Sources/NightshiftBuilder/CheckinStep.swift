public import Foundation
public import NightshiftCore

/// The builder's check-ins with the operator, through the notifiers: on weeknights at 19:00
/// ("Ready for tonight's build session?") the quick wins (ready tasks that fit the `quick_win`
/// window, best score first) and tonight's plan (what the overnight window would take, not
/// written); on Fridays at 18:00 the top 5 weekend options with their phases. Skipped while the
/// operator's context is one of `[builder.checkins] skip_contexts` (asleep or away).
struct CheckinStep: PackStep {
    enum Kind: String, Sendable {
        case tonight, weekend

        var stepName: String { "builder.checkin_\(rawValue)" }
    }

    let kind: Kind
    let store: any Store
    let settings: BuilderSettings
    let timeZone: TimeZone
    let host: any BuilderHost

    var name: String { kind.stepName }
    var summary: String {
        kind == .tonight ? "send the weeknight check-in: quick wins and tonight's plan" : "send the Friday check-in: the top 5 weekend options"
    }

    func run(_ context: StepContext) async -> ActionResult {
        let now = context.now
        let operatorContext = await host.workLimits(at: now).context
        if settings.checkinSkipContexts.contains(operatorContext) {
            return StepText.result(["check-in skipped: the operator's context is \(operatorContext)"], ["skipped": .string(operatorContext)])
        }
        let text: String
        do { text = try await message(at: now) } catch { return .failure("the check-in could not be written: \(error)") }
        let problems = await host.notify(text, job: "checkin-\(kind.rawValue)", kind: .checkin, at: now)
        var result = StepText.result(text.split(separator: "\n").map(String.init) + problems.map { "not delivered: \($0)" }, [
            "text": .string(text), "undelivered": .array(problems.map { .string($0) }),
        ])
        // No notifier at all is said, not failed; a notifier that failed is a failure.
        if !problems.isEmpty, !problems.allSatisfy({ $0.hasPrefix("no notifier") }) {
            result.succeeded = false
            result.error = problems.joined(separator: "; ")
        }
        return result
    }

    /// The check-in's text.
    func message(at now: Date) async throws -> String {
        let ready = BuildQueue.ready(try await store.tasks(TaskQuery(queue: QueueTask.builderQueue)))
        switch kind {
        case .tonight:
            var lines = ["Ready for tonight's build session?"]
            let quick = settings.windows.first { $0.name == "quick_win" }
            let wins = ready.filter { task in quick.map { task.hours >= $0.minHours && task.hours <= $0.maxHours } ?? (task.hours <= 2) }
                .sorted { ($1.score, $0.id) < ($0.score, $1.id) }.prefix(5)
            lines.append(wins.isEmpty ? "Quick wins: none ready." : "Quick wins (1–2 h):")
            lines += wins.map { "- \($0.id): \($0.title) (\(StepText.hours($0.hours)), \($0.category))" }
            let limits = await host.workLimits(at: now)
            let planner = BuildPlanner(windows: settings.windows, timeZone: timeZone, concurrency: min(settings.maxConcurrent, max(1, limits.maxConcurrent)))
            let tonight = planner.plan(ready, at: now, only: "overnight").assignments
            lines.append(tonight.isEmpty ? "Tonight's plan: nothing ready fits the overnight window." : "Tonight's plan (overnight):")
            lines += tonight.map { "- \($0.task.id): \($0.task.title) (\(StepText.hours($0.task.hours)))" }
            lines.append("Queue more with: nightshift queue add TITLE --hours H --category C")
            return lines.joined(separator: "\n")
        case .weekend:
            let options = try await WeekendPlanner(store: store, settings: settings, timeZone: timeZone).suggest(limit: 5)
            guard !options.isEmpty else {
                return "Weekend options: no ready task fits the weekend window. Queue one with nightshift queue add TITLE --hours 10 --category C"
            }
            var lines = ["Weekend options (pick one: nightshift weekend select ID):"]
            for (index, option) in options.enumerated() {
                lines.append("\(index + 1). \(option.task.id): \(option.task.title) (\(StepText.hours(option.task.hours)), score \(option.task.score))")
                lines += option.phases.map { "   - \($0.name) (\(StepText.hours($0.hours)))" }
            }
            return lines.joined(separator: "\n")
        }
    }
}
