public import Foundation
import GRDB
public import NightshiftCore

extension SQLiteStore {
    public func insertTask(_ task: QueueTask) async throws -> QueueTask? {
        try await write { db in
            var task = task
            if task.id.isEmpty {
                task.id = try TaskRows.nextID(db)
            }
            // RETURNING yields no row when the id exists: nothing was written.
            return try Row.fetchOne(db.cachedStatement(sql: TaskRows.insertSQL), arguments: TaskRows.arguments(task)).map(TaskRows.task)
        }
    }

    public func task(_ id: String) async throws -> QueueTask? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(TaskRows.columns) FROM tasks WHERE id = ?", arguments: [id]).map(TaskRows.task)
        }
    }

    public func tasks(_ query: TaskQuery) async throws -> [QueueTask] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        // Looked up by id, the tasks are found through the id's index: `+` keeps SQLite from
        // preferring tasks_by_queue (every task of the queue) once the list of ids grows.
        let byID = query.ids == nil ? "" : "+"
        if let queue = query.queue {
            conditions.append("\(byID)queue = ?")
            arguments += [queue]
        }
        if !query.states.isEmpty {
            conditions.append("\(byID)state IN (\(TaskRows.list(query.states.count)))")
            arguments += StatementArguments(TaskRows.names(query.states))
        }
        if let ids = query.ids {
            conditions.append("id IN (\(TaskRows.list(ids.count)))")
            arguments += StatementArguments(ids.sorted())
        }
        if let finished = query.finished {
            conditions.append("finished_at >= ? AND finished_at <= ?")
            arguments += [SQLiteTime.millis(finished.lowerBound) as Int64, SQLiteTime.millis(finished.upperBound) as Int64]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [max(0, query.limit)]
        // `+seq` where the filter narrows the rows by an index of its own: ordering by the rowid
        // would otherwise tempt SQLite to walk the whole table in order instead.
        let order = query.ids != nil || query.finished != nil || !query.states.isEmpty ? "+seq" : "seq"
        let sql = "SELECT \(TaskRows.columns) FROM tasks \(filter) ORDER BY \(order) LIMIT ?"
        return try await read { [arguments] db in
            // A listing by state would leave out, silently, a task whose state no version knows; the
            // queue's totals say whether there is one, and reading it fails naming its row.
            if let queue = query.queue, !query.states.isEmpty {
                for (state, _) in try TaskRows.totals(queue: queue, db) where TaskState(rawValue: state) == nil {
                    throw try TaskRows.unknownState(state, queue: queue, db)
                }
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(TaskRows.task)
        }
    }

    public func taskTotals(queue: String) async throws -> [TaskState: TaskTotal] {
        try await read { db in
            var totals: [TaskState: TaskTotal] = [:]
            for (state, total) in try TaskRows.totals(queue: queue, db) {
                // A task stored with a state no version knows: reading it throws, naming its row.
                guard let state = TaskState(rawValue: state) else { throw try TaskRows.unknownState(state, queue: queue, db) }
                totals[state] = total
            }
            return totals
        }
    }

    public func updateTask(_ task: QueueTask, expecting: Set<TaskState>, at now: Date) async throws -> QueueTask? {
        guard !expecting.isEmpty else { return nil }
        var task = task
        task.updatedAt = now
        let arguments = TaskRows.valueArguments(task) + [task.id] + StatementArguments(TaskRows.names(expecting))
        let sql = """
            UPDATE tasks SET \(TaskRows.assignments) WHERE id = ? AND state IN (\(TaskRows.list(expecting.count)))
            RETURNING \(TaskRows.columns)
            """
        return try await write { db in
            try Row.fetchOne(db, sql: sql, arguments: arguments).map(TaskRows.task)
        }
    }

    public func claimTask(_ id: String, from: Set<TaskState>, owner: String, leaseUntil: Date, at now: Date) async throws -> QueueTask? {
        guard !from.isEmpty else { return nil }
        // One compare-and-set: of two claimers, the second finds the state already `running`.
        let sql = TaskRows.claimSQL[from.count]
        let at: Int64 = SQLiteTime.millis(now)
        let until: Int64 = SQLiteTime.millis(leaseUntil)
        let arguments: StatementArguments = [owner, until, at, at, id] + StatementArguments(TaskRows.names(from))
        return try await write { db in
            try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(TaskRows.task)
        }
    }

    public func claimFirstTask(
        of candidates: [String], from: Set<TaskState>, owner: String, leaseUntil: Date, at now: Date
    ) async throws -> QueueTask? {
        guard !from.isEmpty, !candidates.isEmpty else { return nil }
        // One statement picks and claims: the candidates travel as one JSON list, so the statement
        // stays the same whatever their number and is prepared once.
        let sql = TaskRows.claimFirstSQL[from.count]
        let at: Int64 = SQLiteTime.millis(now)
        let until: Int64 = SQLiteTime.millis(leaseUntil)
        let list = JSONValue.array(candidates.map { .string($0) }).canonical
        let arguments: StatementArguments = [owner, until, at, at, list] + StatementArguments(TaskRows.names(from))
        return try await write { db in
            try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(TaskRows.task)
        }
    }

    public func renewTask(_ id: String, owner: String, leaseUntil: Date) async throws -> Bool {
        try await write { db in
            try db.cachedStatement(sql: "UPDATE tasks SET lease_expires_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?")
                .execute(arguments: [SQLiteTime.millis(leaseUntil), id, owner])
            return db.changesCount == 1
        }
    }

    public func setTaskPID(_ id: String, owner: String, pid: Int32?) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE tasks SET pid = ? WHERE id = ? AND state = 'running' AND lease_owner = ?",
                arguments: [pid, id, owner]
            )
            return db.changesCount == 1
        }
    }

    public func finishTask(_ id: String, owner: String, outcome: TaskOutcome) async throws -> QueueTask? {
        let at: Int64 = SQLiteTime.millis(outcome.at)
        // An outcome without a result keeps the one an earlier attempt recorded, as MemoryStore does.
        let arguments: StatementArguments = [
            outcome.state.rawValue, outcome.error, outcome.result?.canonical, at, outcome.state.isFinal ? at : nil, id, owner,
        ]
        return try await write { db in
            try Row.fetchOne(db.cachedStatement(sql: TaskRows.finishSQL), arguments: arguments).map(TaskRows.task)
        }
    }

    public func releaseTasks(expiredAt now: Date, ownedBy gone: Set<String>) async throws -> [QueueTask] {
        let at: Int64 = SQLiteTime.millis(now)
        let owners = gone.sorted()
        return try await write { db in
            // Read and write share one BEGIN IMMEDIATE transaction: a renewal cannot slip in between.
            // `+seq`: ordering by the rowid would otherwise tempt SQLite to scan the whole table
            // instead of the few running rows in tasks_expiring.
            var arguments: StatementArguments = [at]
            var filter = "lease_expires_at < ?"
            if !owners.isEmpty {
                filter = "(\(filter) OR lease_owner IN (\(Array(repeating: "?", count: owners.count).joined(separator: ", "))))"
                arguments += StatementArguments(owners)
            }
            let released = try Row.fetchAll(
                db, sql: "SELECT \(TaskRows.columns) FROM tasks WHERE state = 'running' AND \(filter) ORDER BY +seq", arguments: arguments
            ).map(TaskRows.task)
            for task in released {
                guard let expiredAt = task.leaseExpiresAt else { continue }
                let exhausted = task.attempts >= task.maxAttempts
                let ownerGone = task.leaseOwner.map(gone.contains) ?? false
                try db.execute(
                    sql: """
                        UPDATE tasks SET state = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL, pid = NULL,
                            updated_at = ?, finished_at = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        (exhausted ? TaskState.failed : .queued).rawValue,
                        ownerGone
                            ? QueueTask.deadOwnerError(owner: task.leaseOwner, exhausted: exhausted)
                            : QueueTask.lostClaimError(owner: task.leaseOwner, expiredAt: expiredAt, exhausted: exhausted),
                        at, exhausted ? at : nil, task.id,
                    ]
                )
            }
            return released
        }
    }

    public func adoptTask(_ id: String, from previousOwner: String, to owner: String, leaseUntil: Date) async throws -> QueueTask? {
        try await write { db in
            try Row.fetchOne(
                db,
                sql: """
                    UPDATE tasks SET lease_owner = ?, lease_expires_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?
                    RETURNING \(TaskRows.columns)
                    """,
                arguments: [owner, SQLiteTime.millis(leaseUntil), id, previousOwner]
            ).map(TaskRows.task)
        }
    }

    public func stateValue(_ key: String) async throws -> JSONValue? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT key, value FROM state_values WHERE key = ?", arguments: [key]).map { row in
                try StoredRow(row, table: "state_values", key: ["key"]).json("value")
            }
        }
    }

    public func setStateValue(_ key: String, _ value: JSONValue?, at now: Date) async throws {
        try await write { db in
            if let value {
                try db.execute(
                    sql: """
                        INSERT INTO state_values (key, value, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                        """,
                    arguments: [key, value.canonical, SQLiteTime.millis(now)]
                )
            } else {
                try db.execute(sql: "DELETE FROM state_values WHERE key = ?", arguments: [key])
            }
        }
    }
}

/// How a ``QueueTask`` maps to the `tasks` table. Dates are milliseconds, the state its raw
/// string, `dependsOn`, `attributes` and `result` canonical JSON text.
private enum TaskRows {
    /// Every column but `id`, in the order of ``valueArguments(_:)``.
    static let valueColumns = [
        "queue", "title", "description", "category", "hours", "score", "depends_on", "attributes", "state", "time_window",
        "scheduled_for", "attempts", "max_attempts", "lease_owner", "lease_expires_at", "pid", "action_id", "created_at",
        "updated_at", "started_at", "finished_at", "last_error", "result",
    ]
    static let columns = (["id"] + valueColumns).joined(separator: ", ")
    static let placeholders = list(valueColumns.count + 1)
    static let assignments = valueColumns.map { "\($0) = ?" }.joined(separator: ", ")
    /// Where each of ``columns`` is in a row selected with them.
    static let layout = RowLayout(columns)

    // The statements of the queue's hot path, built once: each is prepared once per connection
    // (`cachedStatement`), and preparing one had cost more than running it.

    static let insertSQL = """
        INSERT INTO tasks (\(columns)) VALUES (\(placeholders))
        ON CONFLICT (id) DO NOTHING RETURNING \(columns)
        """

    /// The claim from a set of `n` states, at index `n` (0 is never used).
    static let claimSQL = (0...TaskState.allCases.count).map { count in
        """
        UPDATE tasks SET state = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
            started_at = ?, finished_at = NULL, pid = NULL, updated_at = ?
        WHERE id = ? AND state IN (\(list(count)))
        RETURNING \(columns)
        """
    }

    /// The claim of the first of a JSON list of ids (in the list's order) that is in a set of `n`
    /// states, at index `n`. The write lock is held from the look to the claim.
    static let claimFirstSQL = (0...TaskState.allCases.count).map { count in
        """
        UPDATE tasks SET state = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1,
            started_at = ?, finished_at = NULL, pid = NULL, updated_at = ?
        WHERE id = (
            SELECT waiting.id FROM json_each(?) AS candidate JOIN tasks AS waiting ON waiting.id = candidate.value
            WHERE waiting.state IN (\(list(count))) ORDER BY candidate.key LIMIT 1
        )
        RETURNING \(columns)
        """
    }

    static let finishSQL = """
        UPDATE tasks SET state = ?, last_error = ?, result = COALESCE(?, result), lease_owner = NULL,
            lease_expires_at = NULL, pid = NULL, updated_at = ?, finished_at = ?
        WHERE id = ? AND state = 'running' AND lease_owner = ?
        RETURNING \(columns)
        """

    /// `?, ?, …`, `count` times.
    static func list(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// The raw names of `states`, sorted so equal sets give equal statements.
    static func names(_ states: Set<TaskState>) -> [String] {
        states.map(\.rawValue).sorted()
    }

    /// The values of `task` in the order of ``columns``.
    static func arguments(_ task: QueueTask) -> StatementArguments {
        [task.id] + valueArguments(task)
    }

    /// The values of `task` in the order of ``valueColumns``.
    static func valueArguments(_ task: QueueTask) -> StatementArguments {
        [
            task.queue, task.title, task.description, task.category, task.hours, task.score,
            JSONValue.array(task.dependsOn.map { .string($0) }).canonical, JSONValue.object(task.attributes).canonical,
            task.state.rawValue, task.window, SQLiteTime.millis(task.scheduledFor), task.attempts, task.maxAttempts,
            task.leaseOwner, SQLiteTime.millis(task.leaseExpiresAt), task.pid, task.actionID, SQLiteTime.millis(task.createdAt),
            SQLiteTime.millis(task.updatedAt), SQLiteTime.millis(task.startedAt), SQLiteTime.millis(task.finishedAt),
            task.lastError, task.result?.canonical,
        ]
    }

    /// The counts and micro-hours per state of `queue` that are not zero, by the state as stored.
    static func totals(queue: String, _ db: Database) throws -> [(String, TaskTotal)] {
        try Row.fetchAll(db, sql: "SELECT queue, state, count, micro_hours FROM task_totals WHERE queue = ? AND count > 0", arguments: [queue])
            .map { row in
                let stored = StoredRow(row, table: "task_totals", key: ["queue", "state"])
                return (try stored.text("state"), TaskTotal(count: try stored.int("count"), microHours: try stored.integer("micro_hours")))
            }
    }

    /// The fault of a task of `queue` stored in `state`, which no version knows: its row, read.
    static func unknownState(_ state: String, queue: String, _ db: Database) throws -> any Error {
        let row = try Row.fetchOne(db, sql: "SELECT \(columns) FROM tasks WHERE queue = ? AND state = ? LIMIT 1", arguments: [queue, state])
        do { _ = try row.map(task) } catch { return error }
        return StoreError.corrupt("the totals of queue \(queue) count tasks in the state \"\(state)\", which no task has")
    }

    /// The next free `task_N`, recording N as handed out. Call it inside the inserting transaction.
    static func nextID(_ db: Database) throws -> String {
        var number = try Row.fetchOne(db.cachedStatement(sql: "SELECT singleton, last FROM task_numbers WHERE singleton = 1")).map { row in
            try StoredRow(row, table: "task_numbers", key: ["singleton"]).integer("last")
        } ?? 0
        var id: String
        // An operator may have chosen `task_7` already; that number is skipped, not shared.
        repeat {
            number += 1
            id = "task_\(number)"
        } while try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM tasks WHERE id = ?)"), arguments: [id]) ?? false
        try db.cachedStatement(
            sql: "INSERT INTO task_numbers (singleton, last) VALUES (1, ?) ON CONFLICT (singleton) DO UPDATE SET last = excluded.last"
        ).execute(arguments: [number])
        return id
    }

    static func task(_ row: Row) throws -> QueueTask {
        let row = StoredRow(row, table: "tasks", key: ["id"], layout: layout)
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
