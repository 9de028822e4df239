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
        let gate = app.makeGate()
        let store = app.store
        let owner = ProcessIdentity.current().description
        let runLogs = app.workspace.runLogsDirectory
        let outcome = try await gate.propose(proposal, runID: nil, makeContext: { @Sendable record in
            let now = Date()
            let run = RunRecord(
                job: record.type, slot: now, slotKey: record.id, trigger: .manual, state: .running, createdAt: now, notBefore: now,
                startedAt: now, owner: owner
            )
            _ = try await store.insertRun(run)
            return ActionContext(
                runID: run.id, timeout: nil, logPath: "\(runLogs)/\(run.id).log",
                runEnvironment: ["NIGHTSHIFT_RUN_ID": run.id, "NIGHTSHIFT_ACTION_ID": record.id, "NIGHTSHIFT_IDEMPOTENCY_KEY": record.id],
                defaultBody: ["action_id": record.id, "type": record.type, "run_id": run.id],
                onSpawn: { pid in try? await store.setChildPID(run.id, pid) }
            )
        })
        let runID = outcome.record.executionRunID
        if let runID {
            let result = outcome.result
            _ = try await store.finishRun(runID, owner: owner, outcome: RunOutcome(
                state: result.succeeded ? .succeeded : .failed, finishedAt: Date(), exitStatus: result.exitStatus, error: result.error,
                excerpt: result.excerpt
            ))
        }
        let record = (try await store.action(outcome.record.id)) ?? outcome.record
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
            CyclesCommand.printJSON(object)
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
