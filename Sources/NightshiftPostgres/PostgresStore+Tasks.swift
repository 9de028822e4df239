public import Foundation
public import NightshiftCore
import PostgresNIO

extension PostgresStore {
    public func insertTask(_ task: QueueTask) async throws -> QueueTask? {
        try await write { session in
            var task = task
            if task.id.isEmpty {
                task.id = try await TaskRows.nextID(session)
            }
            // RETURNING yields no row when the id exists: nothing was written.
            var statement = PostgresStatement()
            let values = TaskRows.bindAll(task, &statement)
            statement.sql = """
                INSERT INTO tasks (\(TaskRows.columns)) VALUES (\(values.joined(separator: ", ")))
                ON CONFLICT (id) DO NOTHING RETURNING \(TaskRows.columns)
                """
            let inserted = try await session.rows(statement.query).first.map(TaskRows.task)
            if inserted?.state == .queued { try await PostgresChanges.notify(.tasks, session) }
            return inserted
        }
    }

    public func task(_ id: String) async throws -> QueueTask? {
        try await read { session in
            try await session.rows("SELECT \(unescaped: TaskRows.columns) FROM tasks WHERE id = \(id)").first.map(TaskRows.task)
        }
    }

    public func tasks(_ query: TaskQuery) async throws -> [QueueTask] {
        var statement = PostgresStatement()
        var conditions: [String] = []
        if let queue = query.queue { conditions.append("queue = \(statement.bind(queue))") }
        if !query.states.isEmpty { conditions.append("state = ANY(\(statement.bind(TaskRows.names(query.states))))") }
        if let ids = query.ids { conditions.append("id = ANY(\(statement.bind(ids.sorted())))") }
        if let finished = query.finished {
            let start = statement.bind(PostgresTime.millis(finished.lowerBound)), end = statement.bind(PostgresTime.millis(finished.upperBound))
            conditions.append("finished_at >= \(start) AND finished_at <= \(end)")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limit = statement.bind(max(0, query.limit))
        statement.sql = "SELECT \(TaskRows.columns) FROM tasks \(filter) ORDER BY seq LIMIT \(limit)"
        let built = statement.query
        return try await write { session in
            // A listing by state would leave out, silently, a task whose state no version knows; the
            // queue's totals say whether there is one, and reading it fails naming its row.
            if let queue = query.queue, !query.states.isEmpty {
                for (state, _) in try await TaskRows.totals(queue: queue, session) where TaskState(rawValue: state) == nil {
                    throw try await TaskRows.unknownState(state, queue: queue, session)
                }
            }
            return try await session.rows(built).map(TaskRows.task)
        }
    }

    public func taskTotals(queue: String) async throws -> [TaskState: TaskTotal] {
        try await read { session in
            var totals: [TaskState: TaskTotal] = [:]
            for (state, total) in try await TaskRows.totals(queue: queue, session) {
                guard let state = TaskState(rawValue: state) else { throw try await TaskRows.unknownState(state, queue: queue, session) }
                totals[state] = total
            }
            return totals
        }
    }

    public func updateTask(_ task: QueueTask, expecting: Set<TaskState>, at now: Date) async throws -> QueueTask? {
        guard !expecting.isEmpty else { return nil }
        var task = task
        task.updatedAt = now
        var statement = PostgresStatement()
        let values = TaskRows.bindValues(task, &statement)
        let assignments = zip(TaskRows.valueColumns, values).map { "\($0) = \($1)" }.joined(separator: ", ")
        let id = statement.bind(task.id), states = statement.bind(TaskRows.names(expecting))
        statement.sql = "UPDATE tasks SET \(assignments) WHERE id = \(id) AND state = ANY(\(states)) RETURNING \(TaskRows.columns)"
        let built = statement.query
        return try await write { session in
            let updated = try await session.rows(built).first.map(TaskRows.task)
            if updated?.state == .queued { try await PostgresChanges.notify(.tasks, session) }
            return updated
        }
    }

    public func claimTask(_ id: String, from: Set<TaskState>, owner: String, leaseUntil: Date, at now: Date) async throws -> QueueTask? {
        guard !from.isEmpty else { return nil }
        let at = PostgresTime.millis(now), until = PostgresTime.millis(leaseUntil)
        return try await write { session in
            // The task is taken only if no other worker is taking it (SKIP LOCKED: the second
            // claimant gives up at once rather than queueing behind the first).
            try await session.rows(
                """
                UPDATE tasks SET state = 'running', lease_owner = \(owner), lease_expires_at = \(until), attempts = attempts + 1,
                    started_at = \(at), finished_at = NULL, pid = NULL, updated_at = \(at)
                WHERE id = (SELECT id FROM tasks WHERE id = \(id) AND state = ANY(\(TaskRows.names(from))) FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: TaskRows.columns)
                """
            ).first.map(TaskRows.task)
        }
    }

    public func renewTask(_ id: String, owner: String, leaseUntil: Date) async throws -> Bool {
        try await write { session in
            try await session.count(
                """
                UPDATE tasks SET lease_expires_at = \(PostgresTime.millis(leaseUntil))
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(owner) RETURNING 1
                """
            ) == 1
        }
    }

    public func setTaskPID(_ id: String, owner: String, pid: Int32?) async throws -> Bool {
        try await write { session in
            try await session.count(
                "UPDATE tasks SET pid = \(pid.map(Int64.init)) WHERE id = \(id) AND state = 'running' AND lease_owner = \(owner) RETURNING 1"
            ) == 1
        }
    }

    public func finishTask(_ id: String, owner: String, outcome: TaskOutcome) async throws -> QueueTask? {
        let at = PostgresTime.millis(outcome.at)
        let finished: Int64? = outcome.state.isFinal ? at : nil
        return try await write { session in
            // An outcome without a result keeps the one an earlier attempt recorded, as MemoryStore does.
            try await session.rows(
                """
                UPDATE tasks SET state = \(outcome.state.rawValue), last_error = \(outcome.error),
                    result = COALESCE(\(outcome.result?.canonical)::text, result), lease_owner = NULL,
                    lease_expires_at = NULL, pid = NULL, updated_at = \(at), finished_at = \(finished)
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(owner)
                RETURNING \(unescaped: TaskRows.columns)
                """
            ).first.map(TaskRows.task)
        }
    }

    public func releaseTasks(expiredAt now: Date, ownedBy gone: Set<String>) async throws -> [QueueTask] {
        let at = PostgresTime.millis(now)
        let owners = gone.sorted()
        return try await write { session in
            // FOR UPDATE: a renewal or a finish waits for this transaction, and a row that changed
            // while we waited for it is checked again against the condition before it is taken.
            let released = try await session.rows(
                """
                SELECT \(unescaped: TaskRows.columns) FROM tasks
                WHERE state = 'running' AND (lease_expires_at < \(at) OR lease_owner = ANY(\(owners)))
                ORDER BY seq FOR UPDATE
                """
            ).map(TaskRows.task)
            for task in released {
                guard let expiredAt = task.leaseExpiresAt else { continue }
                let exhausted = task.attempts >= task.maxAttempts
                let ownerGone = task.leaseOwner.map(gone.contains) ?? false
                let error = ownerGone
                    ? QueueTask.deadOwnerError(owner: task.leaseOwner, exhausted: exhausted)
                    : QueueTask.lostClaimError(owner: task.leaseOwner, expiredAt: expiredAt, exhausted: exhausted)
                let finished: Int64? = exhausted ? at : nil
                try await session.execute(
                    """
                    UPDATE tasks SET state = \((exhausted ? TaskState.failed : .queued).rawValue), last_error = \(error), lease_owner = NULL,
                        lease_expires_at = NULL, pid = NULL, updated_at = \(at), finished_at = \(finished)
                    WHERE id = \(task.id)
                    """
                )
            }
            if released.contains(where: { $0.attempts < $0.maxAttempts }) { try await PostgresChanges.notify(.tasks, session) }
            return released
        }
    }

    public func adoptTask(_ id: String, from previousOwner: String, to owner: String, leaseUntil: Date) async throws -> QueueTask? {
        try await write { session in
            try await session.rows(
                """
                UPDATE tasks SET lease_owner = \(owner), lease_expires_at = \(PostgresTime.millis(leaseUntil))
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(previousOwner)
                RETURNING \(unescaped: TaskRows.columns)
                """
            ).first.map(TaskRows.task)
        }
    }
}

/// How a ``QueueTask`` maps to the `tasks` table, as in the SQLite driver.
private enum TaskRows {
    /// Every column but `id`, in the order of ``bindValues(_:_:)``.
    static let valueColumns = [
        "queue", "title", "description", "category", "hours", "score", "depends_on", "attributes", "state", "time_window",
        "scheduled_for", "attempts", "max_attempts", "lease_owner", "lease_expires_at", "pid", "action_id", "created_at",
        "updated_at", "started_at", "finished_at", "last_error", "result",
    ]
    static let columns = (["id"] + valueColumns).joined(separator: ", ")

    static func names(_ states: Set<TaskState>) -> [String] {
        states.map(\.rawValue).sorted()
    }

    /// Binds every column of `task`, `id` first; returns the placeholders in the order of ``columns``.
    static func bindAll(_ task: QueueTask, _ statement: inout PostgresStatement) -> [String] {
        let id = statement.bind(task.id)
        return [id] + bindValues(task, &statement)
    }

    /// Binds the values of `task` in the order of ``valueColumns``; returns their placeholders.
    static func bindValues(_ task: QueueTask, _ statement: inout PostgresStatement) -> [String] {
        let millis = { (date: Date?) in PostgresTime.millis(date) }
        return [
            statement.bind(task.queue), statement.bind(task.title), statement.bind(task.description), statement.bind(task.category),
            statement.bind(task.hours), statement.bind(task.score),
            statement.bind(JSONValue.array(task.dependsOn.map { .string($0) }).canonical), statement.bind(JSONValue.object(task.attributes).canonical),
            statement.bind(task.state.rawValue), statement.bind(task.window), statement.bind(millis(task.scheduledFor)),
            statement.bind(task.attempts), statement.bind(task.maxAttempts), statement.bind(task.leaseOwner),
            statement.bind(millis(task.leaseExpiresAt)), statement.bind(task.pid.map(Int64.init)), statement.bind(task.actionID),
            statement.bind(PostgresTime.millis(task.createdAt)), statement.bind(PostgresTime.millis(task.updatedAt)),
            statement.bind(millis(task.startedAt)), statement.bind(millis(task.finishedAt)), statement.bind(task.lastError),
            statement.bind(task.result?.canonical),
        ]
    }

    /// The counts and micro-hours per state of `queue` that are not zero, by the state as stored.
    static func totals(queue: String, _ session: PostgresSession) async throws -> [(String, TaskTotal)] {
        try await session.rows("SELECT queue, state, count, micro_hours FROM task_totals WHERE queue = \(queue) AND count > 0").map { row in
            let stored = PostgresStoredRow(row, table: "task_totals", key: ["queue", "state"])
            return (try stored.text("state"), TaskTotal(count: try stored.int("count"), microHours: try stored.integer("micro_hours")))
        }
    }

    /// The fault of a task of `queue` stored in `state`, which no version knows: its row, read.
    static func unknownState(_ state: String, queue: String, _ session: PostgresSession) async throws -> any Error {
        let row = try await session.rows("SELECT \(unescaped: columns) FROM tasks WHERE queue = \(queue) AND state = \(state) LIMIT 1").first
        do { _ = try row.map(task) } catch { return error }
        return StoreError.corrupt("the totals of queue \(queue) count tasks in the state \"\(state)\", which no task has")
    }

    /// The next free `task_N`, recording N as handed out. Call it inside the inserting transaction:
    /// the counter's row stays locked until it commits, so two nodes never hand out one number.
    static func nextID(_ session: PostgresSession) async throws -> String {
        try await session.execute("INSERT INTO task_numbers (singleton, last) VALUES (1, 0) ON CONFLICT DO NOTHING")
        var number = try await session.rows("SELECT singleton, last FROM task_numbers WHERE singleton = 1 FOR UPDATE").first.map { row in
            try PostgresStoredRow(row, table: "task_numbers", key: ["singleton"]).integer("last")
        } ?? 0
        var id: String
        // An operator may have chosen `task_7` already; that number is skipped, not shared.
        repeat {
            number += 1
            id = "task_\(number)"
        } while try await session.count("SELECT 1 FROM tasks WHERE id = \(id)") > 0
        try await session.execute("UPDATE task_numbers SET last = \(number) WHERE singleton = 1")
        return id
    }

    static func task(_ row: PostgresRow) throws -> QueueTask {
        let row = PostgresStoredRow(row, table: "tasks", key: ["id"])
        var task = QueueTask(
            id: try row.text("id"),
            queue: try row.text("queue"),
            title: try row.text("title"),
            description: try row.text("description"),
            category: try row.text("category"),
            hours: try row.real("hours"),
            score: try row.real("score"),
            dependsOn: try row.stringList("depends_on"),
            attributes: try row.jsonObject("attributes"),
            state: try row.known("state"),
            maxAttempts: try row.int("max_attempts"),
            createdAt: try row.date("created_at")
        )
        task.window = try row.optionalText("time_window")
        task.scheduledFor = try row.optionalDate("scheduled_for")
        task.attempts = try row.int("attempts")
        task.leaseOwner = try row.optionalText("lease_owner")
        task.leaseExpiresAt = try row.optionalDate("lease_expires_at")
        task.pid = try row.optionalInt("pid", as: Int32.self)
        task.actionID = try row.optionalText("action_id")
        task.updatedAt = try row.date("updated_at")
        task.startedAt = try row.optionalDate("started_at")
        task.finishedAt = try row.optionalDate("finished_at")
        task.lastError = try row.optionalText("last_error")
        task.result = try row.optionalJSON("result")
        return task
    }
}
