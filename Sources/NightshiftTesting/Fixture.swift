import Foundation
import NightshiftCore

/// Deterministic values for the conformance cases: a fixed night, readable ids, whole seconds.
enum Fixture {
    /// A fixed instant (2025-06-15T15:06:40Z) on a whole millisecond, so exact drivers and
    /// millisecond drivers store it alike.
    static let epoch = Date(timeIntervalSince1970: 1_750_000_000)

    /// `seconds` after ``epoch``.
    static func at(_ seconds: Double) -> Date { epoch.addingTimeInterval(seconds) }

    /// A run of `job` for the slot `slot` seconds after the epoch, created at the slot.
    static func run(
        _ id: String,
        job: String = "backup",
        slot: Double = 0,
        attempt: Int = 1,
        state: RunState = .pending,
        trigger: RunTrigger = .schedule,
        createdAt: Double? = nil,
        notBefore: Double? = nil
    ) -> RunRecord {
        RunRecord(
            id: id,
            job: job,
            slot: at(slot),
            trigger: trigger,
            state: state,
            attempt: attempt,
            createdAt: at(createdAt ?? slot),
            notBefore: notBefore.map { at($0) }
        )
    }

    /// A running daemon record started `started` seconds after the epoch.
    static func daemon(_ id: String, pid: Int32 = 4242, started: Double = 0) -> DaemonInstance {
        DaemonInstance(id: id, pid: pid, host: "night-host", startedAt: at(started), heartbeatAt: at(started))
    }

    /// Inserts `run`, failing the case if the store refuses it.
    static func insert(_ run: RunRecord, into store: any Store, file: String = #fileID, line: Int = #line) async throws {
        let inserted = try await store.insertRun(run)
        try check(inserted, "insertRun(\(run.id)) into an empty slot returned false", file: file, line: line)
    }

    /// Inserts `run` and claims it for `owner`, returning the running record.
    @discardableResult
    static func insertRunning(
        _ run: RunRecord,
        owner: String = "owner-a",
        startedAt: Double = 1,
        into store: any Store,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> RunRecord {
        try await insert(run, into: store, file: file, line: line)
        let claimed = try await store.claimRun(run.id, owner: owner, at: at(startedAt), exclusive: false)
        return try unwrap(claimed, "claimRun(\(run.id)) of a fresh pending run", file: file, line: line)
    }
}
