import Foundation
import Logging
import NightshiftCore
import NightshiftSQLite
import NightshiftTesting
import Synchronization
import Testing

/// Stand-in executor: keeps the argv of every command the gate let through.
private final class CommandRecorder: ActionExecutor {
    let commands = Mutex<[[String]]>([])

    func execute(_ action: JobAction, context: ActionContext) async -> ActionResult {
        if case .command(let command) = action, case .argv(let argv) = command.program {
            commands.withLock { $0.append(argv) }
        }
        return ActionResult(succeeded: true, exitStatus: 0)
    }

    var executed: [[String]] { commands.withLock { $0 } }
}

/// A test clock that runs a hook, once, the next time anyone reads the time: a way to act at an
/// exact point inside the gate (its first `now()` in `approve` follows reading the parked record).
private final class HookedClock: WallClock {
    let base: TestClock
    private let hook = Mutex<(@Sendable () -> Void)?>(nil)

    init(_ base: TestClock) {
        self.base = base
    }

    func arm(_ body: @escaping @Sendable () -> Void) { hook.withLock { $0 = body } }

    func now() -> Date {
        let fire = hook.withLock { hook -> (@Sendable () -> Void)? in
            defer { hook = nil }
            return hook
        }
        fire?()
        return base.now()
    }

    func sleep(until deadline: Date) async throws { try await base.sleep(until: deadline) }
}

/// The `sqlite3` shell, which edits the file behind the store's back like an intruder (or a
/// careless operator) would.
private let sqliteShell = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

///
/// Synchronous, because one test runs it from inside a clock read; the shell exits within its
/// 5 s busy timeout.
private func sqlite(_ path: String, _ sql: String) throws {
    let shell = try ChildProcess(
        try #require(sqliteShell), ["-cmd", ".timeout 5000", path, sql],
        environment: ProcessInfo.processInfo.environment, stdout: .null, stderr: .null
    )
    #expect(shell.waitBlocking(timeout: 30).map { !$0.signalled && $0.status == 0 } == true, "sqlite3 \(sql) did not exit 0 within 30 s: \(String(describing: shell.termination))")
}

/// An approval is bound to the payload the operator saw: its SHA-256 is recorded when it is parked
/// and must still match when it runs (docs/POLICY.md, "The approval inbox").
@Suite("Approval binding: an edited payload never runs", .enabled(if: sqliteShell != nil, "needs the sqlite3 shell"))
struct ApprovalBindingTests {
    static let policy = Policy(catalog: ["release": .approval])

    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    fileprivate func gate(_ store: SQLiteStore, clock: any WallClock, executor: CommandRecorder, folder: URL) -> PolicyGate {
        var configuration = PolicyGate.Configuration()
        configuration.runLogDirectory = folder.appendingPathComponent("logs/runs").path
        return PolicyGate(policy: Self.policy, store: store, executor: executor, clock: clock, configuration: configuration, logger: Self.logger)
    }

    func release(_ argv: String...) -> ProposedAction {
        ProposedAction(type: "release", payload: .object(["command": .array(argv.map { .string($0) })]), actor: Actor(.job, "shipper"))
    }

    @Test("an untouched parked payload runs once when approved, from what the file holds")
    func untouched() async throws {
        try await withTemporaryFolder { folder in
            let store = try SQLiteStore(path: folder.file("nightshift.sqlite"))
            try await store.migrate()
            let executor = CommandRecorder()
            let gate = gate(store, clock: TestClock(now: Date(timeIntervalSince1970: 1_780_000_000)), executor: executor, folder: folder)
            let parked = try await gate.propose(release("./release.sh", "v2"))
            #expect(parked.record.status == .awaitingApproval)
            _ = try await gate.approve(parked.record.id, by: "cli:operator", note: nil)
            #expect(executor.executed == [["./release.sh", "v2"]])
            #expect(try await store.action(parked.record.id)?.status == .executed)
        }
    }

    @Test("a payload edited in the database after it was parked is refused on approval; nothing runs")
    func editedPayloadIsRefused() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            let executor = CommandRecorder()
            let gate = gate(store, clock: TestClock(now: Date(timeIntervalSince1970: 1_780_000_000)), executor: executor, folder: folder)
            let parked = try await gate.propose(release("./release.sh", "v2"))
            try sqlite(path, #"UPDATE actions SET payload = '{"command":["./drop-database.sh"]}' WHERE id = '\#(parked.record.id)'"#)
            #expect(try await store.action(parked.record.id)?.payload == .object(["command": .array([.string("./drop-database.sh")])]))

            await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(parked.record.id, by: "cli:operator", note: "looks fine") }
            #expect(executor.executed.isEmpty)
            let record = try #require(try await store.action(parked.record.id))
            #expect(record.status == .refused)
            #expect(record.executionRunID == nil)
            #expect(try await store.runs(RunQuery(limit: 10)).isEmpty, "no approval run was started")
            let trail = try await store.auditRecords(AuditQuery(subject: parked.record.id))
            #expect(trail.map(\.kind) == [.decision, .refusal])
            #expect(trail.last?.data["reason"] == .string("payload hash mismatch"))
            // Refused is final: approving again does not run it either.
            await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(parked.record.id, by: "cli:operator", note: nil) }
            #expect(executor.executed.isEmpty)

            // Editing the recorded hash instead is caught the same way.
            let other = try await gate.propose(release("./release.sh", "v3"))
            try sqlite(path, "UPDATE actions SET payload_hash = '\(String(repeating: "0", count: 64))' WHERE id = '\(other.record.id)'")
            await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(other.record.id, by: "cli:operator", note: nil) }
            #expect(try await store.action(other.record.id)?.status == .refused)
            #expect(executor.executed.isEmpty)
        }
    }

    @Test("a payload edited between the approval's hash check and the execution is not executed")
    func editedDuringApproval() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.file("nightshift.sqlite")
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            let executor = CommandRecorder()
            let clock = HookedClock(TestClock(now: Date(timeIntervalSince1970: 1_780_000_000)))
            let gate = gate(store, clock: clock, executor: executor, folder: folder)
            let parked = try await gate.propose(release("./release.sh", "v2"))
            let id = parked.record.id
            // The gate has read the parked record; the edit lands before it marks the action approved.
            clock.arm { try? sqlite(path, #"UPDATE actions SET payload = '{"command":["./drop-database.sh"]}' WHERE id = '\#(id)'"#) }
            _ = try? await gate.approve(id, by: "cli:operator", note: nil)
            #expect(!executor.executed.contains(["./drop-database.sh"]), "executed a payload whose hash was never checked: \(executor.executed)")
            #expect(executor.executed.allSatisfy { $0 == ["./release.sh", "v2"] })
        }
    }
}
