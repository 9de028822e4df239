public import Foundation
public import NightshiftCore

/// The builder's queue of coding tasks: adding, ordering, dependencies, cancelling, retrying,
/// statistics. The worker (``BuildWorker``) runs them; ``BuildPlanner`` places them in windows.
public struct BuildQueue: Sendable {
    /// Why a queue command did nothing.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// What `queue add` asks for.
    public struct NewTask: Sendable {
        public var id: String?
        public var title: String
        public var description: String
        public var hours: Double
        public var category: String
        public var priority: BuildPriority
        public var impact: Int?
        public var effort: Int?
        public var dependsOn: [String]
        public var verify: String?
        /// Built in phases, each a spawn with its own verify (a weekend project); empty: one spawn.
        public var phases: [TaskPhase] = []
        /// A category the policy does not list is deliberate (`--category-new`): queued anyway,
        /// and the policy parks its spawn for the operator.
        public var newCategory = false

        public init(
            id: String? = nil, title: String, description: String = "", hours: Double, category: String, priority: BuildPriority = .medium,
            impact: Int? = nil, effort: Int? = nil, dependsOn: [String] = [], verify: String? = nil, newCategory: Bool = false
        ) {
            self.newCategory = newCategory
            self.id = id
            self.title = title
            self.description = description
            self.hours = hours
            self.category = category
            self.priority = priority
            self.impact = impact
            self.effort = effort
            self.dependsOn = dependsOn
            self.verify = verify
        }
    }

    let store: any Store
    let settings: BuilderSettings
    /// The policy's categories (`[categories]`); empty when it lists none, and then any goes.
    let categories: [String]

    public init(store: any Store, settings: BuilderSettings, categories: [String] = []) {
        self.store = store
        self.settings = settings
        self.categories = categories
    }

    /// Every task of the builder's queue, in insertion order.
    public func all() async throws -> [QueueTask] {
        try await store.tasks(TaskQuery(queue: QueueTask.builderQueue))
    }

    /// The longest title a task may have, in characters.
    public static let maxTitle = 1_000
    /// The longest description, in bytes. A prompt too long for one argument of the agent's command
    /// reaches it in a file (``SubagentSpawn/longPrompt``), so this bounds what the store and the
    /// audit trail keep, not what an agent can take.
    public static let maxDescription = 1_048_576

    /// Adds a task: checks its fields and dependencies, scores it, and stores it `queued` (or
    /// `blocked` while a dependency is unfinished).
    public func add(_ new: NewTask, at now: Date) async throws -> QueueTask {
        let title = new.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw Failure("the title is empty") }
        guard title.count <= Self.maxTitle else {
            throw Failure("the title is \(title.count) characters; at most \(Self.maxTitle) (put the details in --description)")
        }
        guard new.description.utf8.count <= Self.maxDescription else {
            throw Failure(
                "--description is \(new.description.utf8.count) bytes; at most \(Self.maxDescription) (1 MiB): "
                    + "put a long specification in a file of the repository and name it in the description"
            )
        }
        guard new.hours > 0, new.hours <= 168 else { throw Failure("--hours must be above 0 and at most 168, found \(new.hours)") }
        guard !new.category.isEmpty else { throw Failure("--category is empty") }
        if !categories.isEmpty, !new.newCategory, !categories.contains(where: { PolicyName.key($0) == PolicyName.key(new.category) }) {
            throw Failure(
                "--category \"\(new.category)\" is not one the policy knows (\(categories.sorted().joined(separator: ", "))): "
                    + "its spawn would wait for approval every night. Pick one of those, or add --category-new to queue it as a new category"
            )
        }
        for (flag, value) in [("--impact", new.impact), ("--effort", new.effort)] {
            if let value, !(1...10).contains(value) { throw Failure("\(flag) must be between 1 and 10, found \(value)") }
        }
        if let id = new.id, !Self.isValidID(id) {
            throw Failure("--id \"\(id)\" may use only letters, digits, '-', '_' and '.'")
        }
        // Lookups by id, not a read of the queue: adding costs the same however many tasks ended.
        if let id = new.id {
            if try await store.task(id)?.queue == QueueTask.builderQueue { throw Failure("a task \(id) exists already") }
            if new.dependsOn.contains(id) { throw DependencyGraph.CycleError(path: [id, id]) }
        }
        let byID = Dictionary(try await Self.tasks(Set(new.dependsOn), in: store).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for dependency in new.dependsOn where byID[dependency] == nil {
            throw Failure("--depends-on \(dependency): no such task; see nightshift queue list")
        }
        let impact = new.impact ?? new.priority.defaultImpact
        let effort = new.effort ?? BuildScore.defaultEffort(hours: new.hours)
        var attributes: [String: JSONValue] = [
            "priority": .string(new.priority.rawValue), "impact": .integer(Int64(impact)), "effort": .integer(Int64(effort)),
        ]
        if let verify = new.verify { attributes["verify"] = .string(verify) }
        if !new.phases.isEmpty {
            guard new.phases.count <= TaskPhase.limit else { throw Failure("at most \(TaskPhase.limit) phases, found \(new.phases.count)") }
            var seen: Set<String> = []
            for phase in new.phases where !seen.insert(phase.name.lowercased()).inserted {
                throw Failure("--phase \(phase.name) is given twice; phases need names of their own")
            }
            attributes["phases"] = TaskPhase.attribute(new.phases)
        }
        let unfinished = new.dependsOn.contains { byID[$0]?.state != .succeeded }
        var task = QueueTask(
            id: new.id ?? "", queue: QueueTask.builderQueue, title: title, description: new.description, category: new.category,
            hours: new.hours, score: BuildScore.score(impact: impact, effort: effort), dependsOn: new.dependsOn, attributes: attributes,
            state: unfinished ? .blocked : .queued, maxAttempts: settings.maxAttempts, createdAt: now
        )
        guard let stored = try await store.insertTask(task) else { throw Failure("a task \(task.id) exists already") }
        task = stored
        return task
    }

    /// Makes `id` wait for `dependencies` too; rejected with the cycle's path when that would close one.
    public func addDependencies(_ id: String, on dependencies: [String], at now: Date) async throws -> QueueTask {
        guard var task = try await store.task(id), task.queue == QueueTask.builderQueue else { throw Failure("no task \(id); see nightshift queue list") }
        let known = Set(try await Self.tasks(Set(dependencies), in: store).map(\.id))
        for dependency in dependencies where !known.contains(dependency) {
            throw Failure("no task \(dependency); see nightshift queue list")
        }
        guard TaskState.waiting.contains(task.state) else { throw Failure("\(id) is \(task.state); only a waiting task can get dependencies") }
        // A new edge can only close a cycle through tasks reachable from the task's dependencies.
        let tasks = [task] + (try await dependencyClosure(of: task.dependsOn + dependencies))
        _ = try DependencyGraph(tasks: tasks).adding(id, dependsOn: dependencies)
        for dependency in dependencies where !task.dependsOn.contains(dependency) { task.dependsOn.append(dependency) }
        let states = Dictionary(tasks.map { ($0.id, $0.state) }, uniquingKeysWith: { first, _ in first })
        if task.dependsOn.contains(where: { states[$0] != .succeeded }), task.state != .awaitingApproval { task.state = .blocked }
        guard let updated = try await store.updateTask(task, expecting: TaskState.waiting, at: now) else {
            throw Failure("\(id) changed meanwhile; try again")
        }
        return updated
    }

    /// Cancels a task that has not finished. A running one is stopped by its worker at its next
    /// lease renewal.
    public func cancel(_ id: String, at now: Date) async throws -> QueueTask {
        guard var task = try await store.task(id), task.queue == QueueTask.builderQueue else { throw Failure("no task \(id); see nightshift queue list") }
        guard !task.state.isFinal else { throw Failure("\(id) is \(task.state) already") }
        let from = task.state
        task.state = .cancelled
        task.finishedAt = now
        task.lastError = "cancelled by the operator"
        task.leaseOwner = nil
        task.leaseExpiresAt = nil
        guard let updated = try await store.updateTask(task, expecting: [from], at: now) else { throw Failure("\(id) changed meanwhile; try again") }
        return updated
    }

    /// Puts a failed or cancelled task back in the queue with a fresh set of attempts.
    public func retry(_ id: String, at now: Date) async throws -> QueueTask {
        guard var task = try await store.task(id), task.queue == QueueTask.builderQueue else { throw Failure("no task \(id); see nightshift queue list") }
        guard task.state == .failed || task.state == .cancelled else {
            throw Failure("\(id) is \(task.state); only a failed or cancelled task can be retried")
        }
        let from = task.state
        let states = Dictionary(try await Self.tasks(Set(task.dependsOn), in: store).map { ($0.id, $0.state) }, uniquingKeysWith: { first, _ in first })
        task.state = task.dependsOn.contains { states[$0] != .succeeded } ? .blocked : .queued
        task.maxAttempts = task.attempts + settings.maxAttempts
        task.finishedAt = nil
        task.window = nil
        task.scheduledFor = nil
        task.actionID = nil
        task.lastError = "retried by the operator after: \(task.lastError ?? "\(from)")"
        guard let updated = try await store.updateTask(task, expecting: [from], at: now) else { throw Failure("\(id) changed meanwhile; try again") }
        return updated
    }

    /// Moves `blocked` tasks whose dependencies all succeeded to `queued`, and `queued` or
    /// `scheduled` tasks with an unfinished dependency to `blocked`. Returns the open tasks and
    /// their ended dependencies (as ``openTasks(in:)``) afterwards, in insertion order.
    @discardableResult
    public func refreshBlocked(at now: Date) async throws -> [QueueTask] {
        var tasks = try await open()
        let states = Dictionary(tasks.map { ($0.id, $0.state) }, uniquingKeysWith: { first, _ in first })
        for (index, task) in tasks.enumerated() {
            let ready = task.dependsOn.allSatisfy { states[$0] == .succeeded }
            var changed = task
            if task.state == .blocked, ready {
                changed.state = .queued
            } else if task.state == .queued || task.state == .scheduled, !ready {
                changed.state = .blocked
                changed.window = nil
                changed.scheduledFor = nil
            } else {
                continue
            }
            if let updated = try await store.updateTask(changed, expecting: [task.state], at: now) { tasks[index] = updated }
        }
        return tasks
    }

    /// The tasks that may run now, best first: waiting (`queued` or `scheduled`) with every
    /// dependency succeeded, by score, then age.
    public static func ready(_ tasks: [QueueTask]) -> [QueueTask] {
        let states = Dictionary(tasks.map { ($0.id, $0.state) }, uniquingKeysWith: { first, _ in first })
        return tasks.filter { ($0.state == .queued || $0.state == .scheduled) && $0.dependsOn.allSatisfy { states[$0] == .succeeded } }
            .sorted(by: Self.runsBefore)
    }

    /// Higher score first; the older task on a tie.
    public static func runsBefore(_ a: QueueTask, _ b: QueueTask) -> Bool {
        if a.score != b.score { return a.score > b.score }
        if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
        return a.id < b.id
    }

    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
    }
}
