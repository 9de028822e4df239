import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One wrong-typed value in a real, populated store: the commands that read its row fail with a
/// message naming the table, the row and the column (exit 1); the others carry on; nothing
/// crashes; `serve` moves the row to the quarantine table, alerts once and keeps serving; the
/// migration to STRICT tables quarantines what does not fit and leaves the audit trail as it is.
///
/// The tables are STRICT, so each tampering first turns its table back into an ordinary one, as a
/// tool that ignores the schema could. `scripts/store-corruption.py` runs every column of every
/// table; this is its bounded CI form.
@Suite(.serialized, .timeLimit(.minutes(8)))
struct StoreCorruptionTests {
    /// The workspace, shared with the long form: `scripts/store-corruption.toml`.
    static func config() throws -> String {
        // #filePath is <package>/Tests/NightshiftEndToEndTests/StoreCorruptionTests.swift.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("scripts/store-corruption.toml"), encoding: .utf8)
    }

    /// The commands every corruption is tried against.
    static let commands: [String: [String]] = [
        "status": ["status"], "runs list": ["runs", "list"], "approvals list": ["approvals", "list"], "audit verify": ["audit", "verify"],
        "health list": ["health", "list", "--all"], "queue list": ["queue", "list"],
    ]

    /// A workspace with rows in most tables: a run, actions (one parked), the audit trail, a goal,
    /// a queued task, health samples and a problem, a learner event.
    static func populated(_ workspace: TestWorkspace) async throws -> (parked: String, run: String, task: String) {
        try await workspace.initialize(config: try config())
        let run = try await CLI.json(RunInfo.self, workspace.args("jobs", "run", "tick"))
        #expect(try await workspace.propose("tidy_logs").status == 0)
        let parked = try await workspace.propose("deploy")
        #expect(parked.status == 3, "\(parked.result)")
        let task = try await workspace.addTask("Fix login")
        let goal = try await CLI.run(workspace.args("goals", "add", "calls", "--metric", "calls", "--target", "10", "--start", "2020-01-01", "--end", "2999-12-31"))
        #expect(goal.status == 0, "\(goal)")
        #expect(try await CLI.run(workspace.args("patterns", "log", "standup")).status == 0)
        #expect(try await CLI.run(workspace.args("health", "scan")).status < 2)
        // A problem of its own, so that one is there whatever the machine's health.
        _ = try await workspace.sql("""
            INSERT INTO problems (id, key, severity, summary, evidence, fix, first_seen, last_seen, occurrences)
            VALUES ('prb_test', 'test', 'warning', 'a test problem', '{}', NULL, 1, 2, 1);
            """)
        return (parked.info.action.id, run.id, task.id)
    }

    struct Corruption: Sendable, CustomStringConvertible {
        var table: String
        var column: String
        /// What the value is, for the test's name.
        var kind: String
        var value: String
        var row: String
        /// The commands that read the row and must fail naming it (exit 1).
        var failing: Set<String>
        var description: String { "\(kind) in \(table).\(column)" }
    }

    /// `status` counts actions and tasks in the store without reading their rows (the cost of a
    /// count must not grow with history), so only the commands that list those rows fail on them.
    static func corruptions(parked: String, run: String, task: String) -> [Corruption] {
        [
            Corruption(table: "actions", column: "created_at", kind: "text", value: "'yesterday'", row: parked, failing: ["approvals list", "audit verify"]),
            Corruption(table: "actions", column: "expires_at", kind: "a real", value: "1.5", row: parked, failing: ["approvals list", "audit verify"]),
            Corruption(table: "actions", column: "payload", kind: "garbage JSON", value: "'{\"command\": ['", row: parked, failing: ["approvals list", "audit verify"]),
            Corruption(table: "actions", column: "verdict", kind: "an unknown enum value", value: "'perhaps'", row: parked, failing: ["approvals list", "audit verify"]),
            Corruption(table: "actions", column: "reason", kind: "a blob", value: "X'00FF'", row: parked, failing: ["approvals list", "audit verify"]),
            Corruption(table: "runs", column: "created_at", kind: "a real", value: "1.7e12 + 0.5", row: run, failing: ["status", "runs list"]),
            Corruption(table: "runs", column: "attempt", kind: "text", value: "'first'", row: run, failing: ["status", "runs list"]),
            Corruption(table: "runs", column: "job", kind: "a blob", value: "X'74'", row: run, failing: ["runs list"]),
            Corruption(table: "tasks", column: "hours", kind: "text", value: "'two'", row: task, failing: ["queue list"]),
            Corruption(table: "tasks", column: "depends_on", kind: "JSON of another shape", value: "'[1, 2]'", row: task, failing: ["queue list"]),
            Corruption(table: "tasks", column: "state", kind: "an unknown enum value", value: "'paused'", row: task, failing: ["status", "queue list"]),
            Corruption(table: "problems", column: "first_seen", kind: "a blob", value: "X'00'", row: "prb_test", failing: ["health list"]),
            Corruption(table: "problems", column: "evidence", kind: "garbage JSON", value: "'not json'", row: "prb_test", failing: ["health list"]),
            Corruption(table: "goals", column: "time_zone", kind: "an unknown zone", value: "'Mars/Olympus'", row: "calls", failing: ["status"]),
            Corruption(table: "samples", column: "value", kind: "text", value: "'high'", row: "", failing: []),
            Corruption(table: "events", column: "at", kind: "text", value: "'soon'", row: "", failing: []),
            Corruption(table: "audit", column: "at", kind: "a real", value: "at + 0.5", row: "2", failing: ["audit verify"]),
            Corruption(table: "audit_head", column: "seq", kind: "text", value: "'eight'", row: "1", failing: ["audit verify"]),
        ]
    }

    static let keys: [String: String] = [
        "actions": "id", "runs": "id", "tasks": "id", "problems": "id", "goals": "name", "audit": "seq", "audit_head": "singleton",
    ]

    @Test("a wrong-typed value fails only the commands that read its row, naming table, row and column; nothing crashes")
    func wrongTypedValues() async throws {
        try await withWorkspace { workspace in
            let (parked, run, task) = try await Self.populated(workspace)
            let names = Self.commands.keys.sorted()
            for (index, corruption) in Self.corruptions(parked: parked, run: run, task: task).enumerated() {
                let key = Self.keys[corruption.table].map { "\($0) = '\(corruption.row)'" } ?? "rowid = (SELECT MAX(rowid) FROM \(corruption.table))"
                let copy = try await workspace.tamperedCopy(
                    unstrict: [corruption.table], "UPDATE \(corruption.table) SET \(corruption.column) = \(corruption.value) WHERE \(key);"
                )
                defer { copy.remove() }
                // The commands that read the row, and one that does not (a different one each time,
                // so that every command is shown to carry on past some bad row): bounded for CI.
                let bystanders = names.filter { !corruption.failing.contains($0) }
                for name in corruption.failing.sorted() + [bystanders[index % bystanders.count]] {
                    let result = try await CLI.run((Self.commands[name] ?? []) + ["-w", copy.root])
                    #expect(!result.crashed, "\(corruption): \(name) crashed: \(result)")
                    guard corruption.failing.contains(name) else {
                        #expect(result.status == 0, "\(corruption): \(name) does not read the row and must carry on: \(result)")
                        continue
                    }
                    #expect(result.status == 1, "\(corruption): \(name) must fail: \(result)")
                    let named = corruption.table.hasPrefix("audit")
                        ? result.stdout.contains("cannot be read: column \(corruption.column):")
                        : result.stderr.contains("\(corruption.table) row \(corruption.row) column \(corruption.column): ")
                    #expect(named, "\(corruption): \(name) must name the table, row and column: \(result)")
                }
            }
        }
    }

    @Test("serve moves a parked action whose created_at is text to the quarantine table, alerts once, and keeps serving")
    func serveQuarantinesABadRow() async throws {
        try await withWorkspace { workspace in
            let (parked, _, _) = try await Self.populated(workspace)
            try await workspace.unstrict("actions")
            _ = try await workspace.sql("UPDATE actions SET created_at = 'yesterday' WHERE id = '\(parked)';")

            let daemon = try await ServeProcess.start(workspace)
            defer { daemon.kill() }
            try await waitUntil("serve quarantines the action", timeout: 30) {
                try await workspace.count("quarantine") == 1
            }
            try await waitUntil("the alert reaches the notifier", timeout: 30) { workspace.read("alerts.txt")?.contains("unreadable row") == true }
            // Several runner passes later it is still up, and alerted once.
            try await Task.sleep(for: .seconds(3))
            #expect(daemon.isRunning, "serve must keep serving: \(daemon.stderr)")
            // The notifier also announced the action when it was parked; the store's alerts are the others.
            let alerts = (workspace.read("alerts.txt") ?? "").split(separator: "\n").filter { !$0.hasPrefix("Approval needed") }
            #expect(alerts.count == 1, "\(alerts)")
            #expect(alerts.first?.contains("actions row \(parked) column created_at: expected an integer (milliseconds), found text \"yesterday\"") == true, "\(alerts)")
            #expect(try await workspace.sql("SELECT source || ' ' || row_key || ' ' || removed FROM quarantine;") == "actions \(parked) 1")
            #expect(try await workspace.sql("SELECT json_extract(row_values, '$.created_at') FROM quarantine;") == "'yesterday'")
            #expect(try await workspace.sql("SELECT kind FROM alerts WHERE job = 'store';") == "store")

            let approvals = try await CLI.run(workspace.args("approvals", "list", "--all"))
            #expect(approvals.status == 0 && !approvals.stdout.contains(parked), "\(approvals)")
            #expect(try await daemon.stop(SIGTERM) == 0, "\(daemon.stderr)")
            #expect(!daemon.stderr.contains("Fatal error"), "\(daemon.stderr)")
        }
    }

    @Test("the migration to STRICT tables quarantines rows that do not fit with their children, keeps rowids, and leaves a bad audit trail as evidence")
    func migrationToStrictTables() async throws {
        try await withWorkspace { workspace in
            let (_, run, task) = try await Self.populated(workspace)
            #expect(try await CLI.run(workspace.args("goals", "progress", "calls", "3")).status == 0)
            let events = try await workspace.sql("SELECT group_concat(seq) FROM events;")
            let counter = try await workspace.sql("SELECT seq FROM sqlite_sequence WHERE name = 'tasks';")
            let records = try await workspace.count("audit")
            // As a store written before the migration: ordinary tables, no quarantine, "strict" not applied.
            _ = try await workspace.sql("""
                PRAGMA writable_schema = ON;
                UPDATE sqlite_master SET sql = substr(sql, 1, length(sql) - length(' STRICT'))
                    WHERE type = 'table' AND sql LIKE '%) STRICT';
                PRAGMA writable_schema = OFF;
                """)
            _ = try await workspace.sql("""
                DROP TABLE quarantine;
                DELETE FROM grdb_migrations WHERE identifier = 'strict';
                UPDATE runs SET created_at = 'noon' WHERE id = '\(run)';
                UPDATE goals SET target = 'ten' WHERE name = 'calls';
                UPDATE audit SET at = at + 0.5 WHERE seq = 3;
                """)

            let status = try await CLI.run(workspace.args("queue", "list"))
            #expect(status.status == 0 && status.stdout.contains(task), "\(status)")
            let moved = try await workspace.sql("SELECT source || ' ' || row_key || ' ' || removed || ' ' || problem FROM quarantine ORDER BY seq;")
            let lines = moved.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("runs \(run) 1 column created_at: expected an integer, found text") }, "\(moved)")
            #expect(lines.contains { $0.hasPrefix("goals calls 1 column target: expected a real, found text") }, "\(moved)")
            #expect(lines.contains { $0.hasPrefix("goal_progress ") && $0.contains("its goals row was quarantined") }, "\(moved)")
            #expect(lines.contains { $0.hasPrefix("audit 3 0 column at: expected an integer, found real") }, "\(moved)")
            #expect(try await workspace.count("runs WHERE id = '\(run)'") == 0)
            #expect(try await workspace.count("audit") == records, "audit records stay")

            let strict = try await workspace.sql("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%) STRICT' ORDER BY name;")
            #expect(strict.split(separator: "\n").contains("runs") && strict.split(separator: "\n").contains("audit_head"), "\(strict)")
            #expect(!strict.split(separator: "\n").contains("audit"), "the audit table keeps its evidence, not strict: \(strict)")
            #expect(try await workspace.sql("SELECT group_concat(seq) FROM events;") == events, "rowids kept")
            #expect(try await workspace.sql("SELECT seq FROM sqlite_sequence WHERE name = 'tasks';") == counter, "AUTOINCREMENT counter kept")
            try await SQLiteTool.expectIntegrity(workspace.storePath)

            let verify = try await CLI.run(workspace.args("audit", "verify"))
            #expect(verify.status == 1 && verify.stdout.hasPrefix("audit trail broken at record 3: record 3 cannot be read: column at:"), "\(verify)")
        }
    }
}
