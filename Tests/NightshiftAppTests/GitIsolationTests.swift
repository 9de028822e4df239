import Foundation
import Logging
import NightshiftApp
import NightshiftBuilder
import NightshiftCore
import NightshiftTesting
import Testing

/// `[builder] isolation = "git"` with a real repository and real script agents: each task works in
/// a worktree of its own, a failing task leaves the main branch untouched, a succeeded one is
/// fast-forwarded into it, and `rollbackTask` reverts it; every git side effect is an action the gate
/// decided and executed.
@Suite("Git isolation and rollback")
struct GitIsolationTests {
    /// The agent writes a file naming where it ran, commits one file itself and leaves another
    /// uncommitted (Nightshift commits it).
    static func config(revertTier: String = "autonomous") -> String {
        """
        [workspace]
        name = "git"
        time_zone = "UTC"

        [policy]
        [policy.catalog]
        spawn_subagent = "autonomous"
        run_command = "autonomous"
        revert_commit = "\(revertTier)"

        [builder]
        agent = ["/bin/sh", "-c", "pwd > where-$NIGHTSHIFT_TASK_ID.txt && git add where-$NIGHTSHIFT_TASK_ID.txt && git -c user.name=agent -c user.email=agent@localhost commit -q -m \\"agent: $NIGHTSHIFT_TASK_ID\\" && echo done > left-$NIGHTSHIFT_TASK_ID.txt"]
        isolation = "git"
        repository = "repo"
        merge = "ff"
        """
    }

    struct Fixture {
        let folder: String
        let repo: String
        let app: NightshiftApplication
        let clock: TestClock

        init(config: String) async throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-git-\(UUID().uuidString)").path
            repo = "\(folder)/repo"
            try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
            try Data(config.utf8).write(to: URL(fileURLWithPath: "\(folder)/nightshift.toml"))
            try await Self.git(["init", "-q", "-b", "main"], in: repo)
            try Data("hello\n".utf8).write(to: URL(fileURLWithPath: "\(repo)/README"))
            try await Self.git(["add", "README"], in: repo)
            try await Self.git(["-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "start"], in: repo)
            clock = TestClock(now: ISO8601.parse("2026-11-20T23:00:00Z")!)
            app = try await buildApplication(
                workspace: Workspace(root: folder), environment: ["PATH": "/usr/bin:/bin"], clock: clock, logger: Logger(label: "test")
            )
        }

        @discardableResult
        static func git(_ arguments: [String], in folder: String) async throws -> String {
            let result = try await ChildProcess.run("/usr/bin/git", ["-C", folder] + arguments, environment: ["PATH": "/usr/bin:/bin", "HOME": folder], timeout: 30)
            try #require(result.termination.status == 0 && !result.termination.signalled, "git \(arguments.joined(separator: " ")): \(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func git(_ arguments: [String]) async throws -> String { try await Self.git(arguments, in: repo) }

        func task(_ id: String) async throws -> QueueTask { try #require(try await app.store.task(id)) }

        func actions(of type: String) async throws -> [ActionRecord] {
            try await app.store.actions(ActionQuery(type: type, limit: 1000))
        }
    }

    @Test("a worktree per task; the failing task leaves main untouched; the succeeded one is merged, then rolled back")
    func isolateMergeRollback() async throws {
        let fixture = try await Fixture(config: Self.config())
        defer { try? FileManager.default.removeItem(atPath: fixture.folder) }
        let start = try await fixture.git(["rev-parse", "HEAD"])
        let queue = try fixture.app.buildQueue()
        let now = fixture.clock.now()
        _ = try await queue.add(.init(id: "good", title: "Add the good file", hours: 1, category: "Bug fixes", verify: "test -f left-good.txt"), at: now)
        _ = try await queue.add(.init(id: "bad", title: "Break things", hours: 1, category: "Bug fixes", verify: "test -f nothing-here"), at: now)

        let summary = await (try fixture.app.makeBuildWorker()).work(until: now.addingTimeInterval(3600), window: nil)
        #expect(summary.succeeded == ["good"])
        #expect(summary.failed == ["bad"])

        // Each agent ran in its own worktree, on its own branch, and both worktrees are gone now.
        let worktreeGood = "\(fixture.folder)/worktrees/good"
        #expect(try await fixture.git(["show", "nightshift/good:where-good.txt"]) == worktreeGood)
        #expect(try await fixture.git(["show", "nightshift/bad:where-bad.txt"]) == "\(fixture.folder)/worktrees/bad")
        #expect(!FileManager.default.fileExists(atPath: worktreeGood))
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.folder)/worktrees/bad"))

        // The good task's two commits (the agent's and Nightshift's of what it left) are on main now.
        let good = try await fixture.task("good")
        let git = try #require(good.result?["git"])
        #expect(git["merged"] == .bool(true))
        guard case .array(let commits)? = git["commits"] else { Issue.record("no commits in \(git)"); return }
        #expect(commits.count == 2)
        #expect(git["base"]?.stringValue == start)
        let head = try await fixture.git(["rev-parse", "HEAD"])
        #expect(git["head"]?.stringValue == head)
        #expect(commits.last?.stringValue == head)
        #expect(FileManager.default.fileExists(atPath: "\(fixture.repo)/left-good.txt"))
        #expect(try await fixture.git(["log", "-1", "--format=%s"]) == "nightshift: good Add the good file")

        // The failing task's work stays on its branch, for inspection; main never saw it.
        let bad = try await fixture.task("bad")
        #expect(bad.result?["git"]?["merged"] == .bool(false))
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.repo)/where-bad.txt"))
        #expect(try await fixture.git(["ls-tree", "--name-only", "nightshift/bad"]).split(separator: "\n").contains("left-bad.txt"))
        #expect(try await fixture.git(["branch", "--contains", "nightshift/bad", "--format=%(refname:short)"]) == "nightshift/bad")

        // Every git side effect went through the gate: decided, then executed by its handler.
        let commitsDone = try await fixture.actions(of: GitHandler.commitType)
        #expect(commitsDone.count == 2 && commitsDone.allSatisfy { $0.status == .executed })
        let merges = try await fixture.actions(of: GitHandler.mergeType)
        #expect(merges.count == 1 && merges.first?.status == .executed && merges.first?.payload["task"] == .string("good"))

        // The brief names the branch and the commits of what shipped.
        let report = try await fixture.app.overnightReport(since: now, until: now.addingTimeInterval(3600))
        let shas = commits.compactMap(\.stringValue).map { String($0.prefix(7)) }.joined(separator: ", ")
        #expect(report.completed.first?.gitNote == " — branch nightshift/good (merged: \(shas))")

        // Rollback: a revert_commit through the gate; main is back to where it started, in new commits.
        let rolledBack = try await fixture.app.rollbackTask("good")
        #expect(rolledBack.executed && rolledBack.result.succeeded)
        #expect(rolledBack.record.type == GitHandler.revertType && rolledBack.record.status == .executed)
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.repo)/left-good.txt"))
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.repo)/where-good.txt"))
        #expect(try await fixture.git(["diff", "--quiet", start, "HEAD"]).isEmpty, "the tree is the starting one again")
        #expect(try await fixture.git(["rev-list", "--count", "\(head)..HEAD"]) == "2", "two revert commits, history kept")
        #expect(try await fixture.task("good").result?["git"]?["reverted"]?["action_id"] == .string(rolledBack.record.id))

        // Twice is refused, as is a task that merged nothing; neither proposes anything.
        await #expect { try await fixture.app.rollbackTask("good") } throws: { ($0 as? AppError)?.message.contains("already rolled back") == true }
        await #expect { try await fixture.app.rollbackTask("bad") } throws: { ($0 as? AppError)?.message.contains("merged nothing") == true }
        #expect(try await fixture.actions(of: GitHandler.revertType).count == 1)
    }

    @Test("a rollback the policy parks runs only when the operator approves it")
    func parkedRollbackRunsOnApproval() async throws {
        let fixture = try await Fixture(config: Self.config(revertTier: "approval"))
        defer { try? FileManager.default.removeItem(atPath: fixture.folder) }
        let now = fixture.clock.now()
        _ = try await fixture.app.buildQueue().add(.init(id: "one", title: "One file", hours: 1, category: "Bug fixes"), at: now)
        _ = await (try fixture.app.makeBuildWorker()).work(until: now.addingTimeInterval(3600), window: nil)
        let merged = try await fixture.git(["rev-parse", "HEAD"])
        #expect(FileManager.default.fileExists(atPath: "\(fixture.repo)/left-one.txt"))

        let parked = try await fixture.app.rollbackTask("one")
        #expect(!parked.executed && parked.record.status == .awaitingApproval)
        #expect(try await fixture.git(["rev-parse", "HEAD"]) == merged, "nothing reverted before the approval")

        let approved = try await ApprovalInbox(fixture.app).approve(parked.record.id, by: "operator", note: nil)
        #expect(approved.result.succeeded)
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.repo)/left-one.txt"))
        #expect(try await fixture.task("one").result?["git"]?["reverted"] != nil)
    }

    @Test("isolation, merge and repository are checked where they are written")
    func settingsAreChecked() throws {
        for (text, message, line) in [
            ("isolation = \"svn\"", "builder.isolation must be \"none\" or \"git\"", 3),
            ("isolation = \"git\"\nmerge = \"squash\"", "builder.merge must be \"none\"", 4),
            ("merge = \"ff\"", "apply only with isolation = \"git\"", 3),
            ("isolation = \"git\"\nrepository = \"\"", "builder.repository must name", 4),
        ] {
            let (configuration, diagnostics) = ConfigLoader.parse(
                "[builder]\nagent = [\"true\"]\n\(text)\n", file: "nightshift.toml", sections: [BuilderSettings.self]
            )
            #expect(configuration == nil, "\(text)")
            #expect(diagnostics.count == 1, "\(text): \(diagnostics)")
            #expect(diagnostics.first?.message.contains(message) == true, "\(text): \(diagnostics)")
            #expect(diagnostics.first?.location.line == line, "\(text): \(diagnostics)")
        }
        let (configuration, diagnostics) = ConfigLoader.parse(
            "[builder]\nagent = [\"true\"]\nisolation = \"git\"\nrepository = \"src\"\nmerge = \"ff\"\n", file: "nightshift.toml", sections: [BuilderSettings.self]
        )
        #expect(diagnostics.isEmpty)
        let settings = try #require(configuration?.section(BuilderSettings.self))
        let place = try #require(GitPlace(task: "t1", settings: settings, workspacePath: "/w"))
        #expect(place == GitPlace(payload: .object(["git": place.payload])))
        #expect(place.repository == "/w/src" && place.worktree == "/w/worktrees/t1" && place.branch == "nightshift/t1")
    }
}
