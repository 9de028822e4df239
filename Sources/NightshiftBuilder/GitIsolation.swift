public import Foundation
public import NightshiftCore

/// Where a task works under `[builder] isolation = "git"`: a worktree of its own on branch
/// `nightshift/TASK_ID` of the configured repository. Paths are absolute, so that a payload names
/// the same folders in every process and the policy decides on what will really be touched.
public struct GitPlace: Sendable, Hashable {
    /// The repository's folder (its main worktree).
    public var repository: String
    /// The task's worktree.
    public var worktree: String
    /// The task's branch.
    public var branch: String

    /// The place of the task `id` under `settings`, or nil when tasks are not isolated.
    public init?(task id: String, settings: BuilderSettings, workspacePath: String) {
        guard settings.isolation == .git else { return nil }
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workspacePath, isDirectory: true)).standardizedFileURL.path
        }
        repository = absolute(settings.repository ?? settings.workingDirectory ?? ".")
        worktree = absolute("\(settings.worktrees)/\(id)")
        branch = Self.branch(task: id)
    }

    init(repository: String, worktree: String, branch: String) {
        self.repository = repository
        self.worktree = worktree
        self.branch = branch
    }

    /// The branch of the task `id`.
    public static func branch(task id: String) -> String { "nightshift/\(id)" }

    /// The place as a payload's `git` member.
    public var payload: JSONValue {
        .object(["repository": .string(repository), "worktree": .string(worktree), "branch": .string(branch)])
    }

    /// The place a payload's `git` member names, when it names one completely.
    public init?(payload: JSONValue) {
        guard let repository = payload["git"]?["repository"]?.stringValue, let worktree = payload["git"]?["worktree"]?.stringValue,
              let branch = payload["git"]?["branch"]?.stringValue, repository.hasPrefix("/"), worktree.hasPrefix("/"), branch.hasPrefix("nightshift/")
        else { return nil }
        self.init(repository: repository, worktree: worktree, branch: branch)
    }
}

/// Runs `git` for the builder's handlers: through the workspace's executor (a real process, its
/// output appended to the task's log), never through a shell.
struct Git: Sendable {
    let executor: any ActionExecutor
    let context: ActionContext

    /// What one git command printed, or why it failed.
    struct Output: Sendable {
        var succeeded: Bool
        var text: String
        var error: String
    }

    /// The context of git commands run for an action executing in `context`: its log and
    /// environment, no execution key (a git command cut off is run again), a few minutes at most.
    static func context(_ context: ActionContext) -> ActionContext {
        ActionContext(runID: "\(context.runID).git", timeout: .seconds(300), logPath: context.logPath, runEnvironment: context.runEnvironment)
    }

    /// Runs `git ARGUMENTS` in `folder` (`-C`), with an author of Nightshift's own when the
    /// repository has none configured (a commit needs one).
    func run(_ arguments: [String], in folder: String, identity: Bool = false) async -> Output {
        var argv = ["git", "-C", folder]
        if identity, !(await hasIdentity(folder)) {
            argv += ["-c", "user.name=Nightshift", "-c", "user.email=nightshift@localhost"]
        }
        let command = CommandAction(program: .argv(argv + arguments))
        let result = await executor.execute(.command(command), context: context)
        // What git said (its last lines) tells more than the exit status.
        let said = result.excerpt.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").suffix(3).joined(separator: " / ")
        let why = [result.error ?? "exit \(result.exitStatus ?? -1)", said].filter { !$0.isEmpty }.joined(separator: ": ")
        return Output(
            succeeded: result.succeeded, text: result.output.trimmingCharacters(in: .whitespacesAndNewlines),
            error: "`git \(arguments.joined(separator: " "))` failed (\(why))"
        )
    }

    private func hasIdentity(_ folder: String) async -> Bool {
        let command = CommandAction(program: .argv(["git", "-C", folder, "config", "user.email"]))
        let result = await executor.execute(.command(command), context: context)
        return result.succeeded && !result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// Makes the task's worktree, on its branch (made from the repository's `HEAD` when it does
    /// not exist yet, kept as it is when an earlier attempt left it). A worktree already there (an
    /// attempt that was cut off) is used as it is. Returns why it could not be made.
    func prepare(_ place: GitPlace) async -> String? {
        var folder: ObjCBool = false
        if FileManager.default.fileExists(atPath: place.worktree, isDirectory: &folder) {
            guard folder.boolValue else { return "\(place.worktree) exists and is not a folder" }
            let current = await run(["rev-parse", "--abbrev-ref", "HEAD"], in: place.worktree)
            return current.succeeded && current.text == place.branch
                ? nil : "\(place.worktree) exists but is not the worktree of \(place.branch); move it away"
        }
        let inside = await run(["rev-parse", "--is-inside-work-tree"], in: place.repository)
        guard inside.succeeded, inside.text == "true" else { return "\(place.repository) is not a git repository (builder.repository)" }
        let exists = await run(["rev-parse", "--verify", "--quiet", "refs/heads/\(place.branch)"], in: place.repository)
        let add = exists.succeeded
            ? await run(["worktree", "add", place.worktree, place.branch], in: place.repository)
            : await run(["worktree", "add", "-b", place.branch, place.worktree, "HEAD"], in: place.repository)
        return add.succeeded ? nil : add.error
    }

    /// Commits what the agent left uncommitted in the worktree, on its branch, as `message`.
    func commitLeftovers(_ place: GitPlace, message: String) async -> String? {
        let status = await run(["status", "--porcelain"], in: place.worktree)
        guard status.succeeded else { return status.error }
        guard !status.text.isEmpty else { return nil }
        let add = await run(["add", "-A"], in: place.worktree)
        guard add.succeeded else { return add.error }
        let commit = await run(["commit", "--no-verify", "-q", "-m", message], in: place.worktree, identity: true)
        return commit.succeeded ? nil : commit.error
    }

    /// The commits of the task's branch that the repository's checked-out branch does not have,
    /// oldest first, with the commit they start from.
    func commits(_ place: GitPlace) async -> (base: String, commits: [String])? {
        let base = await run(["merge-base", "HEAD", place.branch], in: place.repository)
        guard base.succeeded else { return nil }
        let list = await run(["rev-list", "--reverse", "\(base.text)..\(place.branch)"], in: place.repository)
        guard list.succeeded else { return nil }
        return (base.text, list.text.split(separator: "\n").map(String.init))
    }

    /// Removes the task's worktree (its branch stays).
    func remove(_ place: GitPlace) async -> String? {
        guard FileManager.default.fileExists(atPath: place.worktree) else { return nil }
        let removed = await run(["worktree", "remove", "--force", place.worktree], in: place.repository)
        return removed.succeeded ? nil : removed.error
    }
}

/// The builder's git actions under `isolation = "git"`, each executed here once the gate allowed it:
///
/// - `commit_worktree` commits what a task's agent left uncommitted on its branch and removes the
///   worktree (the branch stays, for review or inspection); output: the branch's commits.
/// - `merge_branch` fast-forwards the repository's checked-out branch to a task's branch.
/// - `revert_commit` reverts commits a task merged (`nightshift queue rollback`), newest first, as
///   new commits; a revert that conflicts is aborted and nothing changes.
///
/// Each payload names everything that runs (`git` place, `commits`), so an approval binds to it.
public struct GitHandler: ActionHandler {
    public static let commitType = "commit_worktree"
    public static let mergeType = "merge_branch"
    public static let revertType = "revert_commit"
    public var types: [String] { [Self.commitType, Self.mergeType, Self.revertType] }

    let store: any Store
    let clock: any WallClock

    /// `store` is where a revert is noted on its task (the result's `git.reverted`).
    public init(store: any Store, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard let executor = context.executor else { return .failure("this process cannot run commands") }
        // Each git command is a process of its own: not under the action's execution key, which
        // would hand every command after the first the first one's result.
        let git = Git(executor: executor, context: Git.context(context))
        switch action.type {
        case Self.commitType: return await commit(action, git: git)
        case Self.mergeType: return await merge(action, git: git)
        case Self.revertType: return await revert(action, git: git)
        default: return .failure("nothing executes \(action.type) here")
        }
    }

    private func commit(_ action: ActionRecord, git: Git) async -> ActionResult {
        guard let place = GitPlace(payload: action.payload) else { return .failure("\(action.id) names no task branch (git)") }
        let message = action.payload["message"]?.stringValue ?? "nightshift: \(action.payload["task"]?.stringValue ?? place.branch)"
        if FileManager.default.fileExists(atPath: place.worktree) {
            if let problem = await git.commitLeftovers(place, message: message) { return .failure(problem) }
        }
        var output: [String: JSONValue] = ["branch": .string(place.branch)]
        if let (base, commits) = await git.commits(place) {
            output["base"] = .string(base)
            output["commits"] = .array(commits.map { .string($0) })
        }
        if let problem = await git.remove(place) { return .failure(problem) }
        return ActionResult(succeeded: true, output: JSONValue.object(output).canonical)
    }

    private func merge(_ action: ActionRecord, git: Git) async -> ActionResult {
        guard let place = GitPlace(payload: action.payload) else { return .failure("\(action.id) names no task branch (git)") }
        guard let (_, commits) = await git.commits(place) else { return .failure("\(place.branch) is not a branch of \(place.repository)") }
        let merged = await git.run(["merge", "--ff-only", "-q", place.branch], in: place.repository)
        guard merged.succeeded else { return .failure(merged.error) }
        let head = await git.run(["rev-parse", "HEAD"], in: place.repository)
        let output: JSONValue = .object([
            "branch": .string(place.branch), "head": .string(head.text), "commits": .array(commits.map { .string($0) }),
        ])
        return ActionResult(succeeded: true, output: output.canonical)
    }

    private func revert(_ action: ActionRecord, git: Git) async -> ActionResult {
        guard let repository = action.payload["repository"]?.stringValue, case .array(let items)? = action.payload["commits"] else {
            return .failure("\(action.id) names no repository and commits")
        }
        let commits = items.compactMap(\.stringValue)
        guard !commits.isEmpty, commits.count == items.count, commits.allSatisfy(Self.isCommitID) else {
            return .failure("\(action.id): commits must be a list of commit ids")
        }
        let reverted = await git.run(["revert", "--no-edit"] + commits.reversed(), in: repository, identity: true)
        guard reverted.succeeded else {
            _ = await git.run(["revert", "--abort"], in: repository)
            return .failure(reverted.error + "; the revert was aborted, nothing changed")
        }
        let head = await git.run(["rev-parse", "HEAD"], in: repository)
        let output: JSONValue = .object(["head": .string(head.text), "reverted": .array(commits.map { .string($0) })])
        if let id = action.payload["task"]?.stringValue { await noteReverted(task: id, head: head.text, action: action.id) }
        return ActionResult(succeeded: true, output: output.canonical)
    }

    /// Notes on the task that what it merged was reverted, so that it is not rolled back twice.
    private func noteReverted(task id: String, head: String, action: String) async {
        guard var task = try? await store.task(id), case .object(var result)? = task.result, case .object(var git)? = result["git"] else { return }
        let now = clock.now()
        git["reverted"] = .object(["head": .string(head), "action_id": .string(action), "at": .string(ISO8601.format(now, in: .gmt))])
        result["git"] = .object(git)
        task.result = .object(result)
        _ = try? await store.updateTask(task, expecting: [task.state], at: now)
    }

    /// A full or abbreviated commit id: hexadecimal, 4 to 64 characters (never an option or a range).
    static func isCommitID(_ text: String) -> Bool {
        (4...64).contains(text.count) && text.allSatisfy { $0.isHexDigit && $0.isASCII }
    }
}

extension GitHandler {
    /// The proposal that reverts what `task` merged, or why there is nothing to revert.
    public static func rollbackProposal(for task: QueueTask) -> Result<ProposedAction, RollbackRefusal> {
        guard case .object(let git)? = task.result?["git"] else {
            return .failure(.init("\(task.id) did not run in a git worktree (builder.isolation = \"git\"): nothing to roll back"))
        }
        if case .object(let reverted)? = git["reverted"] {
            return .failure(.init("\(task.id) was already rolled back (\(reverted["head"]?.stringValue ?? "?"), action \(reverted["action_id"]?.stringValue ?? "?"))"))
        }
        guard git["merged"] == .bool(true), case .array(let items)? = git["commits"], !items.isEmpty,
              let repository = git["repository"]?.stringValue
        else {
            let branch = git["branch"]?.stringValue ?? GitPlace.branch(task: task.id)
            return .failure(.init("\(task.id) merged nothing: its work is on branch \(branch), which was not merged; delete the branch instead"))
        }
        let commits = items.compactMap(\.stringValue)
        return .success(ProposedAction(
            type: revertType, attributes: ["task": .string(task.id)],
            payload: .object(["task": .string(task.id), "repository": .string(repository), "commits": .array(commits.map { .string($0) })]),
            actor: Actor(.cli, "operator"),
            summary: "revert the \(commits.count) commit\(commits.count == 1 ? "" : "s") \(task.id) (\(task.title)) merged into \((repository as NSString).lastPathComponent)"
        ))
    }

    /// Why a task cannot be rolled back, in one sentence.
    public struct RollbackRefusal: Error, Sendable {
        public var message: String
        init(_ message: String) { self.message = message }
    }
}
