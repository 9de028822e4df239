import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

/// `nightshift queue …`: the builder's queue of coding-agent tasks.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Queue coding tasks for sub-agents, see what runs next, and follow them.",
        discussion: """
            Tasks are ordered by score = impact × 1/effort (impact defaults from the priority: HIGH 8, \
            MEDIUM 5, LOW 2; effort from the estimate, 1 per hour). A task waits (blocked) until every \
            task it depends on succeeded. States: queued, blocked, awaiting_approval, scheduled, running, \
            succeeded, failed, cancelled.

            The workspace needs a [builder] table naming the agent command (docs/BUILDER.md).

              nightshift queue add "Optimize queries" --description "Profile the slow ones" \\
                  --hours 2 --category "Performance optimization" --priority HIGH --verify "swift test"
              nightshift queue next -n 3          what runs next
              nightshift queue schedule           place ready tasks into the time windows
              nightshift queue work               run ready tasks now, in this process
            """,
        subcommands: [Add.self, List.self, Show.self, Next.self, Stats.self, Schedule.self, Progress.self, Cancel.self, Retry.self, Depend.self, Work.self, Rollback.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a task to the queue.",
            discussion: """
                The category decides what the policy does with the task's spawn: in the builder example, \
                "Bug fixes", "Documentation", "Performance optimization" and small "Infrastructure" run \
                unattended; "New features" and "Research/analysis" wait in the approval inbox.

                A large task can be built in phases (a weekend project): each --phase NAME:HOURS[:VERIFY] is a \
                sub-agent spawn of its own, run in order, with its own verify command (the last phase falls back \
                to --verify); a phase whose verify fails is tried again, up to max_attempts.

                  nightshift queue add "CSV export" --hours 10 --category "New features" \\
                      --phase "plan:1:test -f PLAN.md" --phase "build:6:swift build" --phase "test:3" --verify "swift test"
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "What the task is, in a few words.") var title: String
        @Option(help: "What the agent should do, in full.") var description = ""
        @Option(
            name: .customLong("description-file"),
            help: ArgumentHelp("Read the description from a file (- for standard input): for specifications too long for an argument.", valueName: "PATH")
        ) var descriptionFile: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("The estimate in hours (e.g. 2.5).", valueName: "H"), transform: NumberArgument.decimal()) var hours: Double
        @Option(help: ArgumentHelp("The kind of work, e.g. \"Bug fixes\"; the policy maps it to a tier.", valueName: "C")) var category: String
        @Flag(name: .customLong("category-new"), help: "Queue a category the policy does not list (its spawn waits for approval).")
        var categoryNew = false
        @Option(help: ArgumentHelp("HIGH, MEDIUM or LOW.", valueName: "P")) var priority = "MEDIUM"
        @Option(parsing: .unconditional, help: ArgumentHelp("Impact 1–10 (default from the priority).", valueName: "1-10"), transform: NumberArgument.integer()) var impact: Int?
        @Option(parsing: .unconditional, help: ArgumentHelp("Effort 1–10 (default from the hours).", valueName: "1-10"), transform: NumberArgument.integer()) var effort: Int?
        @Option(name: .customLong("depends-on"), parsing: .upToNextOption, help: ArgumentHelp("Tasks that must succeed first.", valueName: "ID"))
        var dependsOn: [String] = []
        @Option(help: ArgumentHelp("A shell command that must pass after the agent exits 0 (e.g. the tests).", valueName: "CMD")) var verify: String?
        @Option(help: ArgumentHelp("Name the task yourself instead of task_N.", valueName: "ID")) var id: String?
        @Option(name: .customLong("phase"), help: ArgumentHelp("A phase, in order: NAME:HOURS[:VERIFY] (repeat it).", valueName: "PHASE"))
        var phaseTexts: [String] = []
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var phases: [TaskPhase] = []
            for text in phaseTexts {
                do { phases.append(try TaskPhase.parse(text)) } catch { throw AppError.usage(error.description) }
            }
            guard let level = BuildPriority(parsing: priority) else {
                throw AppError.usage("--priority must be HIGH, MEDIUM or LOW, found \"\(priority)\"")
            }
            let description = try readDescription()
            let app = try await workspace.load()
            var new = BuildQueue.NewTask(
                id: id, title: title, description: description, hours: hours, category: category, priority: level, impact: impact,
                effort: effort, dependsOn: dependsOn, verify: verify, newCategory: categoryNew
            )
            new.phases = phases
            let task = try await QueueCommand.usage { try await app.buildQueue().add(new, at: app.clock.now()) }
            await app.noteRequest("queue:add", meta: .object(["title": .string(title), "category": .string(category)]))
            if output.json { return Output.printJSON(task.json(zone: app.configuration.settings.timeZone)) }
            print("\(task.id) \(task.state): \(task.title) (score \(TaskView.number(task.score)), \(TaskView.hours(task.hours)), \(task.category))")
        }

        /// `--description`, or the text of `--description-file` (UTF-8, at most one byte over the
        /// queue's limit read, so a huge file is refused without reading it all).
        private func readDescription() throws -> String {
            guard let path = descriptionFile else { return description }
            guard description.isEmpty else { throw AppError.usage("give --description or --description-file, not both") }
            let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path)
            guard let handle else { throw AppError.usage("--description-file \(path): cannot be read") }
            let data: Data
            do { data = try handle.read(upToCount: BuildQueue.maxDescription + 1) ?? Data() } catch {
                throw AppError.usage("--description-file \(path): \(error.localizedDescription)")
            }
            guard data.count <= BuildQueue.maxDescription else {
                throw AppError.usage(
                    "--description-file \(path) is over \(BuildQueue.maxDescription) bytes (1 MiB): "
                        + "name a file of the repository in the description instead"
                )
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw AppError.usage("--description-file \(path): not UTF-8 text")
            }
            return text
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the queue, best first within each state.")
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("Only tasks in these states (comma-separated).", valueName: "STATES")) var state: String?
        @Flag(help: "Include succeeded and cancelled tasks.") var all = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let queue = try app.buildQueue()
            let tasks = try await queue.list(states: try state.map(StateOption.parse), all: all)
            TaskView.print(tasks, app: app, json: output.json, empty: "The queue is empty: add a task with nightshift queue add TITLE --hours H --category C")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one task in full.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The task's id.") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            _ = try app.requireBuilder()
            guard let task = try await app.buildQueue().task(id) else {
                throw AppError.failure("no task \(id); see nightshift queue list")
            }
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(task.json(zone: zone)) }
            TaskView.printDetail(task, zone: zone)
        }
    }

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The tasks that run next: ready ones, best score first.")
        @OptionGroup var workspace: WorkspaceOptions
        @Option(name: .short, parsing: .unconditional, help: "How many.", transform: NumberArgument.integer()) var n = 3
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard n > 0 else { throw AppError.usage("-n must be at least 1") }
            let app = try await workspace.load()
            let ready = Array(BuildQueue.ready(try await app.buildQueue().open()).prefix(n))
            TaskView.print(ready, app: app, json: output.json, empty: "Nothing is ready to run: the queue is empty or every task waits on another.")
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Totals: tasks per state, completion rate, hours shipped.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let stats = try await app.buildQueue().stats()
            if output.json { return try Output.json(stats) }
            print("Total: \(stats.total)")
            for state in TaskState.allCases { print("  \(state.rawValue): \(stats.byState[state.rawValue] ?? 0)") }
            print(String(format: "Completion rate: %.0f%% (succeeded of those that ended)", stats.completionRate * 100))
            print("Hours shipped: \(TaskView.hours(stats.hoursShipped)); hours waiting: \(TaskView.hours(stats.hoursQueued))")
        }
    }

    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place ready tasks into the current or next time window and show the plan.",
            discussion: """
                Windows (configurable under [builder.windows.NAME]): quick_win 1–2 h weeknights 19:00–23:00, \
                overnight 4–6 h 23:00–07:00, work_hours 8 h weekdays 09:00–17:00, weekend 8–12 h Sat/Sun. \
                Each task goes into the earliest opening of a window it fits, best score first; an opening \
                holds its length × the agents that may run at once. Tasks become `scheduled`.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: "Only this window.") var window: String?
        @Flag(help: "Show the plan without writing it.") var dryRun = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let plan = try await app.scheduleQueue(window: window, dryRun: dryRun, at: app.clock.now())
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(plan.json(zone: zone, written: !dryRun)) }
            if plan.assignments.isEmpty, plan.unplaced.isEmpty { return print("Nothing to schedule: no task is ready.") }
            Output.table(["WINDOW", "OPENS", "TASK", "HOURS", "SCORE", "TITLE"], plan.assignments.map {
                [$0.window, ISO8601.format($0.opening.start, in: zone), $0.task.id, TaskView.hours($0.task.hours), TaskView.number($0.task.score), $0.task.title]
            })
            for task in plan.unplaced { print("not placed: \(task.id) (\(TaskView.hours(task.hours))) fits no window; split it or add a larger window") }
            if dryRun { print("(dry run: nothing written)") }
        }
    }

    struct Progress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Running tasks: since when, how far into their estimate, their log.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let entries = try await app.buildQueue().progress()
            let now = app.clock.now()
            if output.json {
                let zone = app.configuration.settings.timeZone
                return Output.printJSON(.array(entries.map { $0.json(zone: zone, at: now, logsDirectory: app.workspace.logsDirectory) }))
            }
            if entries.isEmpty { return print("No task is running or waiting for approval.") }
            for entry in entries {
                let task = entry.task
                if task.state == .running {
                    print(String(format: "%@ %@: %.0f%% of its %@ estimate, attempt %d, pid %@", task.id, task.title, task.progressPercent(at: now),
                                 TaskView.hours(task.hours), task.attempts, task.pid.map(String.init) ?? "-"))
                    print("  log: \(app.workspace.logsDirectory)/subagents/\(task.id).log")
                } else {
                    print("\(task.id) \(task.title): \(entry.waiting)")
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a task; a running agent is stopped at its worker's next look.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The task's id.") var id: String

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let task = try await QueueCommand.failure { try await app.buildQueue().cancel(id, at: app.clock.now()) }
            if output.json { return Output.printJSON(task.json(zone: app.configuration.settings.timeZone)) }
            print("\(task.id) cancelled")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a failed or cancelled task back in the queue.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The task's id.") var id: String

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let task = try await QueueCommand.failure { try await app.buildQueue().retry(id, at: app.clock.now()) }
            if output.json { return Output.printJSON(task.json(zone: app.configuration.settings.timeZone)) }
            print("\(task.id) \(task.state) again (attempts so far: \(task.attempts))")
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revert what a task merged (builder.isolation = \"git\", merge = \"ff\").",
            discussion: """
                Proposes a revert_commit action through the policy gate: allowed, it reverts the task's merged commits \
                in the repository, newest first, as new commits (a revert that conflicts is aborted and changes nothing); \
                parked, it runs when approved (nightshift approvals approve ID). A task whose branch was not merged, or that \
                was rolled back already, is refused (exit 1).

                  nightshift queue rollback task_12
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The task's id.") var id: String

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let outcome = try await app.rollbackTask(id)
            if output.json {
                Output.printJSON(ActionView.json(outcome.record, zone: app.configuration.settings.timeZone))
            } else {
                switch outcome.decision.verdict {
                case .approve: print("awaiting approval (\(outcome.decision.reason)): nightshift approvals approve \(outcome.record.id)")
                case .forbid: print("forbidden: \(outcome.decision.reason)")
                case .allow:
                    print(outcome.result.succeeded
                        ? "\(id) rolled back: \(outcome.record.summary ?? "reverted") (\(outcome.record.id))"
                        : "\(id) not rolled back: \(outcome.result.error ?? "the revert failed")")
                }
            }
            if outcome.decision.verdict == .forbid || (outcome.decision.verdict == .allow && !outcome.result.succeeded) { throw ExitCode(1) }
        }
    }

    struct Depend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a waiting task wait for others too.",
            discussion: "Rejected, with the path, when the new edge would close a cycle (exit 2)."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The task that waits.") var id: String
        @Option(name: .customLong("on"), parsing: .upToNextOption, help: ArgumentHelp("The tasks it waits for.", valueName: "ID")) var on: [String] = []

        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard !on.isEmpty else { throw AppError.usage("--on needs at least one task id") }
            let app = try await workspace.load()
            let task = try await QueueCommand.usage { try await app.buildQueue().addDependencies(id, on: on, at: app.clock.now()) }
            if output.json { return Output.printJSON(task.json(zone: app.configuration.settings.timeZone)) }
            print("\(task.id) depends on \(task.dependsOn.joined(separator: ", ")) (\(task.state))")
        }
    }

    /// Runs a queue operation whose refusal is a usage error (exit 2): bad input, a cycle.
    static func usage<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as BuildQueue.Failure {
            throw AppError.usage(error.description)
        } catch let error as DependencyGraph.CycleError {
            throw AppError.usage(error.description)
        }
    }

    /// Runs a queue operation whose refusal means the thing asked could not be done (exit 1).
    static func failure<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as BuildQueue.Failure { throw AppError.failure(error.description) }
    }
}
