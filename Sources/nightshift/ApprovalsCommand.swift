import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "The approval inbox: actions the policy parked for the operator.",
        discussion: """
            A parked action is bound to the SHA-256 of its exact payload and expires (approval_expiry, \
            default 72h). Approving executes it once, recorded as a run with trigger approval, only if the \
            payload still hashes the same and it has not expired; an action with nothing to execute \
            becomes approved, and the next identical proposal is allowed once. Rejections and expiries \
            are recorded in the audit trail; the run that proposed the action went on without it.

            Examples:
              nightshift approvals list
              nightshift approvals show a_01jd3q5w4z8k2m7n
              nightshift approvals approve a_01jd3q5w4z8k2m7n --note "ok for this client"
              nightshift approvals reject a_01jd3q5w4z8k2m7n --note "not before the contract is signed"
            """,
        subcommands: [List.self, Show.self, Approve.self, Reject.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the actions waiting for the operator: awaiting approval, or interrupted while they executed (with --all, every recent action)."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Every recent proposed action, whatever became of it.")
        var all = false
        @Option(parsing: .unconditional, help: "At most this many (newest first).", transform: NumberArgument.integer())
        var limit = 50

        func run() async throws {
            guard limit > 0 else { throw AppError.usage("--limit must be at least 1") }
            let app = try await workspace.load()
            let records = try await ApprovalInbox(app).list(all: all, limit: limit)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(.array(records.map { ActionView.json($0, zone: zone) })) }
            if records.isEmpty { return print(all ? "no actions proposed yet" : "no actions await approval") }
            Output.table(
                ["ID", "STATUS", "TYPE", "ABOUT", "ACTOR", "CREATED", "EXPIRES", "REASON"],
                records.map { [
                    $0.id, $0.status.rawValue, $0.type, Output.oneLine($0.summary ?? "-", max: 50), $0.actor.description, Output.time($0.createdAt, zone),
                    Output.time($0.expiresAt, zone), Output.oneLine($0.reason, max: 60),
                ] }
            )
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one action: its payload and hash, the decision, what became of it.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The action id (a_…).")
        var id: String

        func run() async throws {
            let app = try await workspace.load()
            let record = try await ApprovalInbox(app).show(id)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(ActionView.json(record, zone: zone)) }
            let intact = record.payload.canonicalHash == record.payloadHash
            print("""
                action \(record.id): \(record.type)\(record.summary.map { " — \($0)" } ?? "")
                  status      \(record.status)\(record.outcome.map { " — \($0)" } ?? "")
                  decision    \(record.verdict): \(record.reason) [\(record.decidedBy.joined(separator: ", "))]
                  actor       \(record.actor)\(record.tenant.map { ", tenant \($0)" } ?? "")\(record.runID.map { ", run \($0)" } ?? "")
                  created     \(Output.time(record.createdAt, zone))
                  expires     \(Output.time(record.expiresAt, zone))
                  attributes  \(record.attributes.canonical)
                  payload     \(record.payload.canonical)
                  sha256      \(record.payloadHash)\(intact ? "" : "  (the stored payload no longer matches: it will not execute)")
                """)
            if let resolvedBy = record.resolvedBy {
                print("  resolved    \(Output.time(record.resolvedAt, zone)) by \(resolvedBy)\(record.note.map { ": \($0)" } ?? "")")
            }
            if let run = record.executionRunID { print("  run         \(run) (nightshift runs show \(run))") }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a parked action: it executes now, once, through its type's handler, bound to its payload hash.",
            discussion: """
                The action is decided again under the policy in force (a rule that forbids it now refuses it) and executes in \
                this process as a run with trigger approval: awaiting_approval → approved → executing → executed | failed. \
                An action that was interrupted while it executed (its process died) is approved again and executed again, \
                with the same NIGHTSHIFT_IDEMPOTENCY_KEY. An action of a type that nothing executes stays approved: the next \
                identical proposal is allowed once. Exit 1 when it is refused or its execution fails.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The action id (a_…).")
        var id: String
        @Option(help: "Why, for the audit trail.")
        var note: String?

        func run() async throws {
            let app = try await workspace.load()
            let outcome = try await ApprovalInbox(app).approve(id, by: OperatorName.current, note: note)
            let zone = app.configuration.settings.timeZone
            if output.json {
                Output.printJSON(ActionView.json(outcome.record, zone: zone))
            } else if let run = outcome.record.executionRunID {
                print(outcome.result.succeeded
                    ? "approved \(id): executed as run \(run), succeeded"
                    : "approved \(id): executed as run \(run), failed: \(outcome.result.error ?? "failed")")
            } else {
                print("approved \(id): \(outcome.result.excerpt)")
            }
            if !outcome.result.succeeded { throw ExitCode(1) }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a parked (or interrupted) action: it never executes (again).")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The action id (a_…).")
        var id: String
        @Option(help: "Why, for the audit trail.")
        var note: String?

        func run() async throws {
            let app = try await workspace.load()
            let record = try await ApprovalInbox(app).reject(id, by: OperatorName.current, note: note)
            if output.json { return Output.printJSON(ActionView.json(record, zone: app.configuration.settings.timeZone)) }
            print("rejected \(id)")
        }
    }
}
