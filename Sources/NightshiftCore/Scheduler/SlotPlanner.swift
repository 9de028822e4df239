public import Foundation

/// Decides, for one job, what every slot between the job's cursor and now becomes:
/// a run to start, a catch-up, a `skipped` or a `missed` record. Pure: no store, no clock.
public struct SlotPlanner: Sendable {
    /// A slot later than this when it is looked at counts as missed (the scheduler was down,
    /// the machine slept) and follows the job's missed-run policy instead of firing normally.
    public var lateAfter: TimeInterval
    /// Most slots looked at in one pass, so that a years-long gap of a per-second job stays bounded;
    /// the rest are handled by the next pass.
    public var maxSlotsPerPass: Int

    public init(lateAfter: TimeInterval = 60, maxSlotsPerPass: Int = 10_000) {
        self.lateAfter = lateAfter
        self.maxSlotsPerPass = maxSlotsPerPass
    }

    /// The plan for one pass.
    public struct Plan: Sendable, Hashable {
        public var runs: [RunRecord]
        /// The newest slot dealt with; the job's cursor moves here.
        public var cursor: Date
        /// True when more slots are due than one pass handles.
        public var truncated: Bool
    }

    /// Plans the slots of `job` in (`cursor`, `now`].
    ///
    /// - Parameter runningRunID: a run of the job that is running now, for the overlap policy.
    public func plan(job: Job, cursor: Date, now: Date, runningRunID: String?) -> Plan? {
        var slots: [Date] = []
        var after = cursor
        while slots.count < maxSlotsPerPass, let next = job.nextSlot(after: after), next <= now {
            slots.append(next)
            after = next
        }
        guard let newest = slots.last else { return nil }
        let truncated = slots.count == maxSlotsPerPass && (job.nextSlot(after: newest).map { $0 <= now } ?? false)

        let late = slots.filter { now.timeIntervalSince($0) > lateAfter }
        let onTime = slots.filter { now.timeIntervalSince($0) <= lateAfter }
        var runs = planMissed(job: job, slots: late, now: now)
        for slot in onTime {
            runs.append(planOnTime(job: job, slot: slot, now: now, runningRunID: runningRunID))
        }
        return Plan(runs: runs, cursor: newest, truncated: truncated)
    }

    private func planOnTime(job: Job, slot: Date, now: Date, runningRunID: String?) -> RunRecord {
        if let runningRunID, job.overlap == .skip {
            return RunRecord(
                job: job.name, slot: slot, trigger: .schedule, state: .skipped, createdAt: now,
                finishedAt: now, error: "skipped: run \(runningRunID) of this job was still running (overlap = \"skip\")"
            )
        }
        return RunRecord(
            job: job.name, slot: slot, trigger: .schedule, state: .pending, createdAt: now,
            notBefore: slot.addingTimeInterval(jitter(job: job, slot: slot))
        )
    }

    private func planMissed(job: Job, slots: [Date], now: Date) -> [RunRecord] {
        guard !slots.isEmpty else { return [] }
        let catchUp: ArraySlice<Date>
        var reason = "missed: the slot passed while no scheduler was running"
        switch job.missed {
        case .skip:
            catchUp = []
            reason += " (missed = \"skip\")"
        case .once:
            let newest = slots[slots.count - 1]
            if now.timeIntervalSince(newest) <= job.grace.inSeconds {
                catchUp = slots.suffix(1)
                reason += "; one catch-up ran for the newest missed slot (missed = \"once\")"
            } else {
                catchUp = []
                reason += "; the newest missed slot was older than grace \(DurationParser.format(seconds: Int64(job.grace.inSeconds))) (missed = \"once\")"
            }
        case .all:
            catchUp = slots.suffix(MissedRunPolicy.allCap)
            reason += "; more than \(MissedRunPolicy.allCap) slots were missed, only the newest caught up (missed = \"all\")"
        }
        let firstCaughtUp = catchUp.first
        return slots.map { slot in
            if let firstCaughtUp, slot >= firstCaughtUp {
                return RunRecord(job: job.name, slot: slot, trigger: .catchup, state: .pending, createdAt: now, notBefore: now)
            }
            return RunRecord(
                job: job.name, slot: slot, trigger: .schedule, state: .missed, createdAt: now,
                finishedAt: now, error: reason
            )
        }
    }

    /// A stable delay in [0, jitter) for the slot, so that a replan of the same slot agrees.
    func jitter(job: Job, slot: Date) -> TimeInterval {
        guard let jitter = job.jitter, jitter.inSeconds > 0 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (job.name + RunRecord.slotKey(for: slot)).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Double(hash % 1_000_000) / 1_000_000 * jitter.inSeconds
    }
}
