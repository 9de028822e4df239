import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

struct CyclesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycles",
        abstract: "List, run, inspect and resume multi-step cycles.",
        discussion: """
            A cycle is a job whose action is an ordered list of steps, each checkpointed in the store: \
            a run stopped by a crash resumes at the first step that did not succeed, and a step that \
            was cut short runs again with the same NIGHTSHIFT_IDEMPOTENCY_KEY. Progress markers and \
            step output go to logs/cycles/RUN_ID.log; each finished run writes \
            reports/cycles/NAME-YYYY-MM-DD[-TENANT].md and .json.

            Examples:
              nightshift cycles list
              nightshift cycles run nightly                 run every step now, in this terminal
              nightshift cycles run nightly --condensed     only the steps marked condensed = true
              nightshift cycles run hourly --tenant acme
              nightshift cycles history nightly
              nightshift cycles show c_01jd3q5w4z8k2m7n
              nightshift cycles resume c_01jd3q5w4z8k2m7n   after a crash, when no daemon resumed it
            """,
        subcommands: [List.self, Run.self, Show.self, Resume.self, History.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the declared cycles with their schedule, steps and last run.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let listings = try await CycleHistory(app).list(at: app.clock.now())
            if output.json { return Output.printJSON(.array(listings.map(\.json))) }
            if listings.isEmpty { return print("no cycles; declare one with [cycles.NAME] in nightshift.toml") }
            Output.table(["NAME", "SCHEDULE", "STEPS", "TENANTS", "NEXT", "LAST"], listings.map { listing in
                let cycle = listing.cycle
                return [
                    cycle.name, cycle.job.schedule.description, String(cycle.steps.count),
                    cycle.tenants.isEmpty ? "-" : cycle.tenants.joined(separator: ","),
                    Output.time(listing.next, cycle.timeZone), listing.last.map { "\($0.state) (\($0.id))" } ?? "never run",
                ]
            })
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a cycle now, in this process, and print its report.",
            discussion: """
                The run takes the cycle's lease first: when another process runs the same cycle (for the \
                same tenant), this one is refused with the holder's name and exits 1, leaving nothing behind. \
                A cycle with tenants runs once per tenant unless --tenant picks one. Ctrl-C (SIGINT) or \
                SIGTERM stops the running step, records the run interrupted and frees the lease: \
                `cycles resume RUN_ID` continues it. Exit status 1 when a run fails or is interrupted.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The cycle's name.") var name: String
        @Option(help: "Run for this tenant only.") var tenant: String?
        @Flag(help: "Run only the steps marked condensed = true (the catch-up variant).") var condensed = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let cycles = CycleHistory(app)
            let cycle = try cycles.cycle(named: name)
            let tenants = try cycles.tenants(tenant, of: cycle)
            if condensed, !cycle.steps.contains(where: \.condensed) {
                throw AppError.usage("--condensed: cycle \(cycle.name) has no step with condensed = true")
            }
            let engine = app.cycleEngine
            let variant: CycleVariant = condensed ? .condensed : .full
            let results = await cancellingOnSignals { await withTaskGroup(of: (String, Result<CycleOutcome, CycleError>).self) { group in
                for tenant in tenants {
                    group.addTask { () async -> (String, Result<CycleOutcome, CycleError>) in
                        do throws(CycleError) {
                            return (tenant, .success(try await engine.start(cycle, tenant: tenant, variant: variant, trigger: .manual)))
                        } catch {
                            return (tenant, .failure(error))
                        }
                    }
                }
                var results: [(String, Result<CycleOutcome, CycleError>)] = []
                for await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }
            } }
            try CyclesCommand.finish(results, cycle: cycle, app: app, json: output.json)
        }
    }

    /// Prints each outcome (or why there is none) and exits 1 unless every run succeeded.
    static func finish(_ results: [(String, Result<CycleOutcome, CycleError>)], cycle: Cycle, app: NightshiftApplication, json: Bool) throws {
        var problems: [String] = []
        // Runs that only waited on the policy (parked or forbidden steps), not failed.
        var gated: [RunState] = []
        var items: [JSONValue] = []
        for (tenant, result) in results {
            switch result {
            case .success(let outcome):
                if json {
                    items.append(CycleReport.json(outcome.run, steps: outcome.steps, timeZone: cycle.timeZone))
                } else {
                    print(CycleReport.render(outcome.run, steps: outcome.steps, timeZone: cycle.timeZone, heading: "==") + "\n")
                    print("log: \(app.workspace.cycleLogsDirectory)/\(outcome.run.id).log\n")
                }
                if outcome.run.state == .awaitingApproval || outcome.run.state == .forbidden {
                    gated.append(outcome.run.state)
                } else if outcome.run.state != .succeeded {
                    problems.append("cycle run \(outcome.run.id)\(tenant.isEmpty ? "" : " (tenant \(tenant))") \(outcome.run.state)")
                }
            case .failure(let error):
                let label = tenant.isEmpty ? cycle.name : "\(cycle.name) for tenant \(tenant)"
                if json { items.append(.object(["tenant": .string(tenant), "error": .string(error.description)])) }
                if case .leaseHeld = error {
                    problems.append("refused to run \(label): \(error)")
                } else {
                    problems.append("\(label): \(error)")
                }
            }
        }
        if json { Output.printJSON(items.count == 1 ? items[0] : .array(items)) }
        if !problems.isEmpty { throw AppError.failure(problems.joined(separator: "\nnightshift: ")) }
        // As for propose: 3 when a step waits for approval, 4 when one was forbidden.
        if gated.contains(.awaitingApproval) { throw ExitCode(3) }
        if gated.contains(.forbidden) { throw ExitCode(4) }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one cycle run: each step's state, time against budget, attempt and output, and a work block's phases.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The cycle run's id (c_…).") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let view = try await CycleHistory(app).show(id)
            let (run, steps, zone) = (view.run, view.steps, view.timeZone)
            if output.json { return Output.printJSON(view.json) }
            var header = "cycle \(run.cycle)"
            if !run.tenant.isEmpty { header += " · tenant \(run.tenant)" }
            header += " · slot \(ISO8601.format(run.slot, in: zone))"
            if let owner = run.owner { header += " · owner \(owner)" }
            print(header)
            print(CycleReport.render(run, steps: steps, timeZone: zone, heading: "=="))
            print("\nlog: \(app.workspace.cycleLogsDirectory)/\(run.id).log")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume an interrupted cycle run at its first step that did not succeed.",
            discussion: """
                `nightshift serve` resumes interrupted runs by itself at start; this does it by hand. It waits \
                for the cycle's lease while another process holds it (a crashed holder's lease expires after \
                the cycle's lease_ttl), unless --no-wait is given.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The cycle run's id (c_…).") var id: String
        @Flag(name: .customLong("no-wait"), help: "Exit 1 at once when another process holds the lease.") var noWait = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let run = try await CycleHistory(app).show(id).run
            let cycle = try CycleHistory(app).cycle(named: run.cycle)
            if !noWait, let lease = try await CycleHistory(app).heldLease(cycle, tenant: run.tenant) {
                FileHandle.standardError.write(Data("nightshift: waiting for \(lease.key), held by \(lease.owner) until \(ISO8601.format(lease.expiresAt, in: cycle.timeZone))\n".utf8))
            }
            let engine = app.cycleEngine
            let waiting: LeaseWaiting = noWait ? .refuse : .wait
            let result = await cancellingOnSignals { () async -> Result<CycleOutcome, CycleError> in
                do throws(CycleError) { return .success(try await engine.resume(id, waiting: waiting)) } catch { return .failure(error) }
            }
            try CyclesCommand.finish([(run.tenant, result)], cycle: cycle, app: app, json: output.json)
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a cycle's runs, newest first, every tenant unless --tenant picks one.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The cycle's name.") var name: String
        @Option(help: "Only this tenant's runs.") var tenant: String?
        @Option(parsing: .unconditional, help: "Most runs to list.", transform: NumberArgument.integer()) var limit = 20
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard limit > 0 else { throw AppError.usage("--limit must be at least 1") }
            let app = try await workspace.load()
            let runs = try await CycleHistory(app).runs(of: name, tenant: tenant, limit: limit)
            if output.json { return Output.printJSON(.array(runs.map(\.historyJSON))) }
            if runs.isEmpty { return print("no runs of cycle \(name) yet") }
            let rows = runs.map { view in
                let run = view.run
                return [
                    run.id, run.tenant.isEmpty ? "-" : run.tenant, run.state.rawValue, run.variant.rawValue, run.trigger.rawValue,
                    Output.time(run.slot, view.timeZone), run.duration.map(Journal.durationString) ?? "-", view.stepSummary,
                    Output.oneLine(run.error, max: 60),
                ]
            }
            Output.table(["ID", "TENANT", "STATE", "VARIANT", "TRIGGER", "SLOT", "DURATION", "STEPS", "DETAIL"], rows)
        }
    }
}
