import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

/// `nightshift weekend …`: one ambitious project per weekend, built in phases.
struct WeekendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weekend",
        abstract: "Plan a weekend project: suggest on Friday, select, start, track its phases, summarise on Sunday.",
        discussion: """
              nightshift weekend suggest          the top 5 weekend-sized ready tasks (8–12 h), with phases
              nightshift weekend select task_7    make it the weekend project
              nightshift weekend start            schedule it into the weekend window
              nightshift weekend complete build   mark a phase done (plan, build, test, document, ship)
              nightshift weekend progress | summary
            """,
        subcommands: [Suggest.self, Select.self, Start.self, Progress.self, Complete.self, Summary.self]
    )

    struct Suggest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The top 5 weekend-sized ready tasks, each with a phase breakdown.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (app, planner) = try await WeekendCommand.load(workspace)
            let suggestions = try await planner.suggest()
            if output.json {
                return Output.printJSON(.array(suggestions.map { $0.json(zone: app.configuration.settings.timeZone) }))
            }
            if suggestions.isEmpty { return print("No weekend-sized task is ready: queue one of 8–12 hours (nightshift queue add … --hours 10).") }
            for (index, suggestion) in suggestions.enumerated() {
                let task = suggestion.task
                print("\(index + 1). \(task.id) \(task.title) — \(TaskView.hours(task.hours)), \(task.category), score \(TaskView.number(task.score))")
                print("   " + suggestion.phases.map { "\($0.name) \(TaskView.hours($0.hours))" }.joined(separator: " → "))
            }
            print("Pick one: nightshift weekend select ID")
        }
    }

    struct Select: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a task the weekend project.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The task's id.") var id: String

        func run() async throws {
            let (app, planner) = try await WeekendCommand.load(workspace)
            let plan = try await WeekendCommand.failing { try await planner.select(id, at: app.clock.now()) }
            print("Weekend project: \(plan.task) \(plan.title); phases \(plan.phases.map(\.name).joined(separator: ", ")). Start it with nightshift weekend start")
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the selected project: schedule its task into the weekend window.")
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let (app, planner) = try await WeekendCommand.load(workspace)
            let (plan, task) = try await WeekendCommand.failing { try await planner.start(at: app.clock.now()) }
            let when = task.scheduledFor.map { " from \(ISO8601.format($0, in: app.configuration.settings.timeZone))" } ?? ""
            print("Started \(plan.task) \(plan.title): \(task.state)\(task.window.map { " in \($0)" } ?? "")\(when)")
        }
    }

    struct Progress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The project's phases and how far it is.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (_, planner) = try await WeekendCommand.load(workspace)
            guard let plan = try await planner.plan() else {
                if output.json { return Output.printJSON(.null) }
                return print("No weekend project selected: see nightshift weekend suggest")
            }
            if output.json { return try Output.json(WeekendPlanView(plan)) }
            print(try await planner.progress().joined(separator: "\n"))
        }
    }

    struct Complete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a phase of the project done.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The phase: plan, build, test, document or ship.") var phase: String

        func run() async throws {
            let (app, planner) = try await WeekendCommand.load(workspace)
            let plan = try await WeekendCommand.failing { try await planner.complete(phase, at: app.clock.now()) }
            print(String(format: "%@ done; the project is %.0f%% complete", phase, plan.progress * 100)
                + (plan.completedAt != nil ? ". Every phase is done: nightshift weekend summary" : ""))
        }
    }

    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The Sunday summary of the weekend project.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (_, planner) = try await WeekendCommand.load(workspace)
            if output.json {
                guard let plan = try await planner.plan() else { return Output.printJSON(.null) }
                return try Output.json(WeekendPlanView(plan))
            }
            print(try await planner.summary().joined(separator: "\n"))
        }
    }

    static func load(_ workspace: WorkspaceOptions) async throws -> (NightshiftApplication, WeekendPlanner) {
        let app = try await workspace.load()
        let settings = try app.requireBuilder()
        return (app, app.weekendPlanner(settings))
    }

    static func failing<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as WeekendPlanner.Failure { throw AppError.failure(error.description) }
    }
}
