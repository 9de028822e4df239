import Foundation
import Testing

/// The approval inbox end to end: approving executes the parked payload once, bound to its SHA-256;
/// a payload edited in the store, an expired action and a rejected one never execute.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ApprovalCLITests {
    static let config = """
        [workspace]
        time_zone = "UTC"
        """

    static let appendX = #"{"command": ["sh", "-c", "echo x >> approved.txt"]}"#

    @Test("approve runs the parked payload once, as a run with trigger approval; a second approve exits 1")
    func approveRunsOnce() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let parked = try await workspace.propose("ship_release", ["--payload", Self.appendX])
            #expect(parked.status == 3 && parked.info.decidedBy == ["fail_safe.unknown_type"], "an unknown type is parked: \(parked.result)")
            #expect(!workspace.exists("approved.txt"), "nothing runs before the operator approves")
            let id = parked.info.action.id

            // Bound to the SHA-256 of the canonical payload, as the operator's own tool computes it.
            let canonical = "\(workspace.base)/canonical-payload.json"
            try Data(#"{"command":["sh","-c","echo x >> approved.txt"]}"#.utf8).write(to: URL(fileURLWithPath: canonical))
            let shown = try await workspace.action(id)
            #expect(shown.payloadHash == (try await sha256OfFile(canonical)), "\(shown)")
            #expect(shown.payloadIntact && shown.status == "awaiting_approval", "\(shown)")

            let approved = try await CLI.run(workspace.args("approvals", "approve", id, "--note", "ship it"))
            #expect(approved.status == 0, "\(approved)")
            #expect(approved.stdout.hasPrefix("approved \(id): executed as run r_") && approved.stdout.contains(", succeeded"), "\(approved)")
            #expect(workspace.read("approved.txt") == "x\n", "the payload ran exactly once")

            let runs = try await workspace.runs()
            let run = try #require(runs.first { $0.trigger == "approval" }, "\(runs)")
            #expect(run.state == "succeeded" && run.job == "ship_release", "\(run)")
            let done = try await workspace.action(id)
            #expect(done.status == "executed" && done.executionRunId == run.id && done.note == "ship it" && done.resolvedBy != nil, "\(done)")
            #expect(try await workspace.approvals().isEmpty, "the inbox is empty again")

            let again = try await CLI.run(workspace.args("approvals", "approve", id))
            #expect(again.status == 1, "\(again)")
            #expect(again.stderr.contains("\(id) is executed, not awaiting approval"), "\(again)")
            #expect(workspace.read("approved.txt") == "x\n", "a second approve runs nothing")
            #expect(try await workspace.runs().filter { $0.trigger == "approval" }.count == 1)

            let trail = try await workspace.audit().filter { $0.subject == id }.map(\.kind)
            #expect(trail.reversed().starts(with: ["decision", "approval", "execution"]), "oldest first: \(trail.reversed())")
            let missing = try await CLI.run(workspace.args("approvals", "approve", "a_doesnotexist"))
            #expect(missing.status == 1 && missing.stderr.contains("no action a_doesnotexist"), "\(missing)")
        }
    }

    @Test("a payload edited in the store after parking is refused on approve: nothing runs, the action is refused")
    func tamperedPayloadIsRefused() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let parked = try await workspace.propose("ship_release", ["--payload", Self.appendX])
            #expect(parked.status == 3, "\(parked.result)")
            let id = parked.info.action.id
            let hash = parked.info.action.payloadHash

            _ = try await workspace.sql(#"UPDATE actions SET payload = '{"command":["sh","-c","echo evil >> approved.txt"]}' WHERE id = '\#(id)';"#)
            let shown = try await CLI.run(workspace.args("approvals", "show", id))
            #expect(shown.stdout.contains("the stored payload no longer matches: it will not execute"), "\(shown)")
            #expect(try await workspace.action(id).payloadIntact == false)

            let approved = try await CLI.run(workspace.args("approvals", "approve", id))
            #expect(approved.status == 1, "\(approved)")
            #expect(approved.stderr.contains("its payload no longer matches the SHA-256 it was parked with (\(hash.prefix(12))…)"), "\(approved)")
            #expect(!workspace.exists("approved.txt"), "neither the parked nor the edited payload ran")

            let refused = try await workspace.action(id)
            #expect(refused.status == "refused" && refused.executionRunId == nil, "\(refused)")
            #expect(refused.outcome?.contains("the payload changed after it was parked") == true, "\(refused)")
            #expect(try await workspace.runs().isEmpty, "no run was started")
            let refusal = try await workspace.audit(["--type", "refusal"])
            #expect(refusal.count == 1 && refusal.first?.subject == id && refusal.first?.data["parked_hash"] == .string(hash), "\(refusal)")
            #expect(try await CLI.run(workspace.args("approvals", "approve", id)).status == 1, "a refused action stays refused")
        }
    }

    @Test("an action not decided within approval_expiry expires: approve exits 1, nothing runs, the inbox lists it expired")
    func expiredApprovalNeverRuns() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config + "\n\n[policy]\napproval_expiry = \"1s\"\n")
            let parked = try await workspace.propose("ship_release", ["--payload", Self.appendX])
            let proposed = Date()
            #expect(parked.status == 3, "\(parked.result)")
            let id = parked.info.action.id
            // The action was created before `proposed`, so it has expired once a second has passed since.
            try await waitUntil("approval_expiry (1s) has passed", timeout: 10, poll: 0.1) { Date().timeIntervalSince(proposed) > 1.2 }

            let approved = try await CLI.run(workspace.args("approvals", "approve", id))
            #expect(approved.status == 1, "\(approved)")
            #expect(approved.stderr.contains("\(id) expired at ") && approved.stderr.contains("nothing was executed"), "\(approved)")
            #expect(!workspace.exists("approved.txt"), "an expired approval never executes")
            #expect(try await workspace.runs().isEmpty)

            #expect(try await workspace.approvals().isEmpty, "the default list shows only what still waits")
            let all = try await workspace.approvals(all: true)
            #expect(all.map(\.id) == [id] && all.first?.status == "expired", "\(all)")
            let table = try await CLI.run(workspace.args("approvals", "list", "--all"))
            #expect(table.stdout.contains(id) && table.stdout.contains("expired"), "\(table)")
            let expiry = try await workspace.audit(["--type", "expiry"])
            #expect(expiry.map(\.subject) == [id], "\(expiry)")
            #expect(try await CLI.run(workspace.args("approvals", "approve", id)).status == 1, "still not approvable")
        }
    }

    @Test("reject records the note, shown by approvals show; a rejected action never runs")
    func rejectWithNote() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let parked = try await workspace.propose("ship_release", ["--payload", Self.appendX])
            let id = parked.info.action.id
            let note = "not before the contract is signed"

            let rejected = try await CLI.run(workspace.args("approvals", "reject", id, "--note", note))
            #expect(rejected.status == 0 && rejected.stdout == "rejected \(id)\n", "\(rejected)")
            let shown = try await CLI.run(workspace.args("approvals", "show", id))
            #expect(shown.status == 0, "\(shown)")
            #expect(shown.stdout.contains("status      rejected"), "\(shown)")
            #expect(shown.stdout.contains(": \(note)"), "the note is shown with who resolved it: \(shown)")
            let json = try await workspace.action(id)
            #expect(json.status == "rejected" && json.note == note && json.resolvedBy != nil && json.executionRunId == nil, "\(json)")

            let rejection = try await workspace.audit(["--type", "rejection"])
            #expect(rejection.first?.subject == id && rejection.first?.data["note"] == .string(note), "\(rejection)")
            let approve = try await CLI.run(workspace.args("approvals", "approve", id))
            #expect(approve.status == 1 && approve.stderr.contains("is rejected, not awaiting approval"), "\(approve)")
            let rejectAgain = try await CLI.run(workspace.args("approvals", "reject", id))
            #expect(rejectAgain.status == 1, "\(rejectAgain)")
            #expect(!workspace.exists("approved.txt"))
            #expect(try await workspace.runs().isEmpty)
        }
    }
}
