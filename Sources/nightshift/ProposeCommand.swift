import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

struct ProposeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "Propose an action to the policy gate: it is decided, recorded in the audit trail, and executed, parked or refused.",
        discussion: """
            The same gate every job, cycle step and pack goes through. An allowed action whose payload is \
            {"command": [...]}, {"shell": "..."} or {"webhook": {"url": ...}} is executed here (recorded \
            as a run); any other allowed action is only recorded, and the caller carries it out. An action \
            that needs approval waits in the inbox (nightshift approvals list); once approved, the same \
            proposal with the same payload is allowed once.

            Exit status: 0 allowed (and, if executable, executed successfully), 1 allowed but the execution \
            failed, 3 parked for approval, 4 forbidden, 2 bad input. That makes it usable as a permission \
            hook for any agent: see docs/POLICY.md for a Claude Code PreToolUse hook.

            --dry-run decides the action and says what would happen, with the same exit status, but \
            records and executes nothing; --at (with --dry-run) decides it as of another moment.

            Examples:
              nightshift propose send_follow_up_email --attr recipient=ana@acme.example --attr stage=discovery
              nightshift propose delete_old_logs --payload '{"command": ["sh", "-c", "rm -f logs/old/*.log"]}'
              nightshift propose claude_bash --attr command="git push" --json
              nightshift propose deploy --dry-run --at 2026-03-07T03:00:00Z
            """
    )

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var arguments: ActionArguments
    @Flag(help: "Decide the action and say what would happen, with the same exit status; record and execute nothing.")
    var dryRun = false
    @OptionGroup var moment: MomentOption
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let at = try moment.moment()
        if at != nil, !dryRun { throw AppError.usage("--at needs --dry-run: a proposal that is recorded is decided now") }
        let proposal = try arguments.action()
        let app = try await workspace.load()
        if dryRun { return try await rehearse(proposal, app: app, at: at) }
        let outcome = try await app.gate.proposeAsRun(proposal)
        let record = outcome.record
        let runID = record.executionRunID
        if output.json {
            Output.printJSON(ActionView.decision(outcome.decision, adding: [
                "action": ActionView.json(record, zone: app.configuration.settings.timeZone),
                "run_id": runID.map(JSONValue.string) ?? .null,
                "executed": .bool(runID != nil),
                "exit_status": outcome.result.exitStatus.map { .integer(Int64($0)) } ?? .null,
                "error": runID == nil ? .null : outcome.result.error.map(JSONValue.string) ?? .null,
            ]))
        } else {
            let deciders = outcome.decision.decidedBy.joined(separator: ", ")
            switch outcome.decision.verdict {
            case .allow:
                print("allowed: \(outcome.decision.reason) [\(deciders)] — \(record.id)")
                if let runID {
                    print(outcome.result.succeeded
                        ? "executed: run \(runID) succeeded"
                        : "executed: run \(runID) failed: \(outcome.result.error ?? "failed") (logs/runs/\(runID).log)")
                }
            case .approve:
                print("parked for approval: \(outcome.decision.reason) [\(deciders)] — \(record.id)")
                print("approve with: nightshift approvals approve \(record.id)   (expires \(Output.time(record.expiresAt, app.configuration.settings.timeZone)))")
            case .forbid:
                print("forbidden: \(outcome.decision.reason) [\(deciders)] — \(record.id)")
            }
        }
        try Self.exit(outcome.decision.verdict, executionFailed: runID != nil && !outcome.result.succeeded)
    }

    /// `--dry-run`: the decision `policy explain` would show, with a proposal's exit status.
    /// A one-time grant left by an approval is not looked at (the proposal would consume it).
    func rehearse(_ proposal: ProposedAction, app: NightshiftApplication, at: Date?) async throws {
        let decision = try await app.gate.explain(proposal, at: at)
        let zone = app.configuration.settings.timeZone
        if output.json {
            Output.printJSON(ActionView.decision(decision, at: at ?? app.clock.now(), zone: zone, adding: ["dry_run": .bool(true), "executed": .bool(false)]))
        } else {
            let outcome = switch decision.verdict {
            case .allow: "would be allowed"
            case .approve: "would be parked for approval"
            case .forbid: "would be forbidden"
            }
            print("\(outcome): \(decision.reason) [\(decision.decidedBy.joined(separator: ", "))]")
            print("dry run at \(MomentOption.describe(at ?? app.clock.now(), in: zone)): nothing recorded, nothing executed")
        }
        try Self.exit(decision.verdict, executionFailed: false)
    }

    /// 0 allowed, 1 allowed but the execution failed, 3 parked, 4 forbidden.
    static func exit(_ verdict: Verdict, executionFailed: Bool) throws {
        switch verdict {
        case .allow: if executionFailed { throw ExitCode(1) }
        case .approve: throw ExitCode(3)
        case .forbid: throw ExitCode(4)
        }
    }
}
