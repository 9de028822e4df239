import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

struct GoalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goals",
        abstract: "Set targets for a metric over a period, record progress, and see whether each is on pace.",
        discussion: """
            A goal is on track while current / target >= elapsed / total, time measured in days from the \
            start day's 00:00 to the end day's 24:00 in the workspace's time zone. It completes when a \
            recorded value reaches the target and is missed when its end passes first. A goal behind its \
            pace shows a suggested action by its kind (pipeline, activity, quality, revenue, other).

            Examples:
              nightshift goals add march-meetings --metric meetings_booked --target 20 --start 2026-03-01 --end 2026-03-31
              nightshift goals progress march-meetings 12 --note "after the webinar"
              nightshift goals list --all
              nightshift goals show march-meetings --json
            """,
        subcommands: [Add.self, Progress.self, List.self, Show.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a goal: a target for a metric between two days.",
            discussion: "Exit status 2 for a bad flag (the message names it), 1 when a goal with that name exists."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The goal's name, unique in the workspace.") var name: String
        @Option(help: "What is counted, e.g. meetings_booked, pipeline_value.") var metric: String
        @Option(parsing: .unconditional, help: "The value to reach; greater than 0.", transform: NumberArgument.decimal()) var target: Double
        @Option(help: ArgumentHelp("The first day, in the workspace's time zone.", valueName: "YYYY-MM-DD")) var start: String
        @Option(help: ArgumentHelp("The last day (included); after --start.", valueName: "YYYY-MM-DD")) var end: String
        @Option(help: ArgumentHelp("pipeline, activity, quality, revenue or other. Default: inferred from --metric.", valueName: "KIND")) var kind: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let startDay = try GoalsCommand.day(start, flag: "--start")
            let endDay = try GoalsCommand.day(end, flag: "--end")
            var goalKind: GoalKind?
            if let kind {
                guard let known = GoalKind(rawValue: kind.lowercased()) else { throw GoalsCommand.usage(.unknownKind(kind)) }
                goalKind = known
            }
            let app = try await workspace.load()
            let now = app.clock.now()
            let goal: Goal
            do {
                goal = try Goal.create(
                    name: name, metric: metric, kind: goalKind, target: target, start: startDay, end: endDay,
                    timeZone: app.configuration.settings.timeZone, at: now
                )
            } catch {
                throw GoalsCommand.usage(error)
            }
            try await GoalBook(app).add(goal)
            let view = GoalView(goal, at: now)
            if output.json { return try Output.json(view) }
            print("added goal \(goal.name): \(Goal.formatted(goal.target)) \(goal.metric) (\(goal.kind)) from \(goal.start) to \(goal.end) (\(view.timeZone))")
        }
    }

    struct Progress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a goal's current value (it replaces the previous one) and print where the goal stands.",
            discussion: """
                Reaching the target completes the goal; it stays completed when a lower value is recorded later. \
                VALUE may be negative for quality, revenue and other goals (a score, net revenue), not for \
                pipeline and activity goals, which count things. Exit status 1 when there is no goal of that name.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The goal's name.") var name: String
        // Every leftover word, so `-5` is read as the value instead of as an option.
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The metric's value now.", valueName: "VALUE")) var value: [String] = []
        @Option(help: "A note kept in the goal's history.") var note: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let value = try NumberArgument.single(value, label: "VALUE")
            do { try Goal.checkValue(value) } catch { throw GoalsCommand.usage(error) }
            let app = try await workspace.load()
            let now = app.clock.now()
            let recorded: GoalBook.Recorded
            do {
                recorded = try await GoalBook(app).record(name, value: value, note: note, at: now)
            } catch let error as GoalError {
                throw GoalsCommand.usage(error)
            }
            let (goal, view, proposed) = (recorded.goal, GoalView(recorded.goal, at: now), recorded.proposed)
            if output.json { return try Output.json(view) }
            print(GoalsCommand.sentence(goal, view))
            if let suggestion = goal.suggestion(at: now) {
                print("suggested: \(suggestion.type): \(suggestion.reason)")
                if let proposed {
                    print("  proposed as \(proposed.record.id): \(proposed.decision.verdict) — \(proposed.decision.reason)")
                } else {
                    print("  an earlier suggestion of this goal still waits for approval (nightshift approvals list)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the active goals with their pace; --all adds completed and missed ones.")
        @OptionGroup var workspace: WorkspaceOptions
        @Flag(help: "Include completed and missed goals.") var all = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let now = app.clock.now()
            let views = try await GoalBook(app).list(includeFinished: all, at: now).map { GoalView($0, at: now) }
            if output.json { return try Output.json(views) }
            if views.isEmpty {
                return print(all ? "no goals; add one with `nightshift goals add`" : "no active goals; `--all` lists finished ones, `nightshift goals add` adds one")
            }
            Output.table(
                ["NAME", "METRIC", "KIND", "PROGRESS", "PACE", "EXPECTED", "STATUS", "DAYS LEFT", "END"],
                views.map { view in
                    [
                        view.name, view.metric, view.kind, "\(Goal.formatted(view.current))/\(Goal.formatted(view.target))",
                        Goal.percent(view.pace), Goal.percent(view.expected), view.label, GoalsCommand.days(view.daysLeft), view.end,
                    ]
                }
            )
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one goal: status, pace, expected pace, days left, history, and a suggested action when it is behind.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The goal's name.") var name: String
        @Option(parsing: .unconditional, help: "Most history rows to show.", transform: NumberArgument.integer()) var limit = 20
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard limit > 0 else { throw AppError.usage("--limit must be at least 1") }
            let app = try await workspace.load()
            let now = app.clock.now()
            let detail = try await GoalBook(app).show(name, historyLimit: limit, at: now)
            if output.json { return try Output.json(detail) }
            let (goal, view, history, suggestion) = (detail.record, detail.goal, detail.history, detail.suggestion)
            let zone = app.configuration.settings.timeZone
            print("goal       \(goal.name)")
            print("metric     \(goal.metric) (\(goal.kind))")
            print("progress   \(Goal.formatted(goal.current)) of \(Goal.formatted(goal.target)) (\(Goal.percent(view.pace)))")
            print("period     \(goal.start) to \(goal.end), \(goal.totalDays) days (\(view.timeZone)); \(GoalsCommand.days(view.daysLeft)) days left")
            print("status     \(view.status)\(view.status == "active" ? ", \(view.label): \(Goal.percent(view.expected)) expected by now" : "")")
            if let completedAt = goal.completedAt { print("completed  \(Output.time(completedAt, zone))") }
            if let suggestion {
                let attributes = suggestion.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.text)" }
                print("suggested  \(suggestion.type) (\(attributes.joined(separator: ", ")))")
                print("           \(suggestion.reason)")
            }
            print("")
            if history.isEmpty { return print("no progress recorded; `nightshift goals progress \(goal.name) VALUE` records some") }
            Output.table(["AT", "VALUE", "NOTE"], history.map { [Output.time($0.at, zone), Goal.formatted($0.value), Output.oneLine($0.note)] })
        }
    }

    // MARK: Helpers

    static func day(_ text: String, flag: String) throws -> CalendarDay {
        guard let day = CalendarDay(text) else {
            throw AppError.usage("\(flag): \"\(text)\" is not a day; write YYYY-MM-DD, e.g. 2026-03-31")
        }
        return day
    }

    /// A goal error as a usage error naming the flag or argument the operator typed.
    static func usage(_ error: GoalError) -> AppError {
        let flag = switch error.field {
        case "name": "NAME"
        case "value": "VALUE"
        default: "--\(error.field)"
        }
        return AppError.usage("\(flag): \(error.message)")
    }

    /// `12.5` for fractional days, one decimal.
    static func days(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// One line on where a goal stands, as `goals progress` prints it.
    static func sentence(_ goal: Goal, _ view: GoalView) -> String {
        let amount = "\(Goal.formatted(goal.current)) of \(Goal.formatted(goal.target)) \(goal.metric) (\(Goal.percent(view.pace)))"
        switch goal.evaluate(at: view.evaluatedAt).status {
        case .completed:
            let when = goal.completedAt.map { " on \(CalendarDay($0, in: goal.timeZone))" } ?? ""
            guard goal.current < goal.target else { return "\(goal.name): completed\(when), \(amount)" }
            // Completion is kept: a lower value recorded later is news about now, not about the goal.
            return "\(goal.name): completed\(when) (the target of \(Goal.formatted(goal.target)) \(goal.metric) was reached); now \(Goal.formatted(goal.current)) (\(Goal.percent(view.pace)))"
        case .missed:
            return "\(goal.name): missed, \(amount); the period ended \(goal.end)"
        case .active:
            return "\(goal.name): \(view.label), \(amount) with \(Goal.percent(view.expected)) of the period gone; \(days(view.daysLeft)) days left"
        }
    }
}
