import Foundation
import Testing

/// `[builder] isolation = "git"` from the command line: `queue work` runs the agent in its task's
/// worktree and merges it, `queue rollback` reverts it, and what cannot be rolled back is refused.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct GitIsolationCLITests {
    @Test("queue work merges a task's branch; queue rollback reverts it once; bad ids and unmerged tasks are refused")
    func workMergeRollback() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            let repo = "\(workspace.root)/repo"
            try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
            for arguments in [["init", "-q", "-b", "main"], ["-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "--allow-empty", "-m", "start"]] {
                _ = try await Self.git(arguments, in: repo)
            }
            try workspace.write(config: """
                [workspace]
                time_zone = "UTC"

                [policy.catalog]
                spawn_subagent = "autonomous"
                run_command = "autonomous"

                [builder]
                agent = ["/bin/sh", "-c", "echo built > file-$NIGHTSHIFT_TASK_ID.txt"]
                isolation = "git"
                repository = "repo"
                merge = "ff"
                """)
            let added = try await CLI.run(workspace.args("queue", "add", "Add a file", "--hours", "1", "--category", "Bug fixes", "--id", "one"))
            #expect(added.status == 0, "\(added)")
            let worked = try await CLI.run(workspace.args("queue", "work"))
            #expect(worked.status == 0, "\(worked)")
            #expect(FileManager.default.fileExists(atPath: "\(repo)/file-one.txt"), "merged into main")

            let shown = try await workspace.task("one")
            #expect(shown.state == "succeeded")
            #expect(shown.result?["git"]?["merged"] == .bool(true), "\(String(describing: shown.result))")
            #expect(shown.result?["git"]?["branch"] == .string("nightshift/one"))

            let rolledBack = try await CLI.run(workspace.args("queue", "rollback", "one"))
            #expect(rolledBack.status == 0, "\(rolledBack)")
            #expect(rolledBack.stdout.hasPrefix("one rolled back: revert the 1 commit one (Add a file) merged into repo"), "\(rolledBack)")
            #expect(!FileManager.default.fileExists(atPath: "\(repo)/file-one.txt"))

            let again = try await CLI.run(workspace.args("queue", "rollback", "one", "--json"))
            #expect(again.status == 1 && again.stderr.contains("one was already rolled back"), "\(again)")
            let missing = try await CLI.run(workspace.args("queue", "rollback", "nope"))
            #expect(missing.status == 1 && missing.stderr.contains("no task nope; see nightshift queue list"), "\(missing)")
        }
    }

    static func git(_ arguments: [String], in folder: String) async throws -> CLIResult {
        let result = try await CLI.runProgram("/usr/bin/git", ["-C", folder] + arguments, environment: ["PATH": "/usr/bin:/bin", "HOME": folder], timeout: 30)
        guard result.status == 0 else { throw CLIError("git \(arguments.joined(separator: " ")) failed: \(result)") }
        return result
    }
}
