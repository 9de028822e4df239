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

            Examples:
              nightshift propose send_follow_up_email --attr recipient=ana@acme.example --attr stage=discovery
              nightshift propose delete_old_logs --payload '{"command": ["sh", "-c", "rm -f logs/old/*.log"]}'
              nightshift propose claude_bash --attr command="git push" --json
            """
    )

    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var arguments: ActionArguments
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let proposal = try arguments.action()
        let app = try await workspace.load()
        let outcome = try await app.makeGate().proposeAsRun(proposal)
        let record = outcome.record
        let runID = record.executionRunID
        if output.json {
            var object = decisionJSON(outcome.decision)
            if case .object(var members) = object {
                members["action"] = actionJSON(record, zone: app.configuration.settings.timeZone)
                members["run_id"] = runID.map(JSONValue.string) ?? .null
                members["executed"] = .bool(runID != nil)
                members["exit_status"] = outcome.result.exitStatus.map { .integer(Int64($0)) } ?? .null
                members["error"] = runID == nil ? .null : outcome.result.error.map(JSONValue.string) ?? .null
                object = .object(members)
            }
            Output.printJSON(object)
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
        switch outcome.decision.verdict {
        case .allow: if runID != nil, !outcome.result.succeeded { throw ExitCode(1) }
        case .approve: throw ExitCode(3)
        case .forbid: throw ExitCode(4)
        }
    }
}
