public import Foundation

/// One execution of a job for one slot, as the store keeps it.
///
/// A run is unique per (job, slot key, attempt): the scheduler's insert for a slot that already
/// has a run does nothing, so a slot fires at most once however many processes try.
public struct RunRecord: Sendable, Hashable, Codable, Identifiable {
    /// Sortable identifier, e.g. `r_01JD3Q5W4Z8K2M7N`.
    public var id: String
    /// The job's name.
    public var job: String
    /// The scheduled instant this run is for (for a manual run: when it was asked for).
    public var slot: Date
    /// Uniqueness key of the slot: the slot's epoch seconds, or `manual:ID` for manual runs.
    public var slotKey: String
    public var trigger: RunTrigger
    public var state: RunState
    /// 1 for the first attempt at a slot; retries count up.
    public var attempt: Int
    public var createdAt: Date
    /// A pending run does not start before this instant.
    public var notBefore: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The child's exit status, or the HTTP status for a webhook.
    public var exitStatus: Int?
    /// Why the run failed, was skipped, missed or interrupted, in one sentence.
    public var error: String?
    /// The last lines of output, secrets redacted.
    public var excerpt: String?
    /// The process that claimed the run (see ``ProcessIdentity``).
    public var owner: String?
    /// The pid of the child process, while one runs.
    public var childPID: Int32?

    public init(
        id: String = RunID.make(),
        job: String,
        slot: Date,
        slotKey: String? = nil,
        trigger: RunTrigger,
        state: RunState,
        attempt: Int = 1,
        createdAt: Date,
        notBefore: Date? = nil,
        startedAt: Date? = nil,
        finishedAt: Date? = nil,
        exitStatus: Int? = nil,
        error: String? = nil,
        excerpt: String? = nil,
        owner: String? = nil,
        childPID: Int32? = nil
    ) {
        self.id = id
        self.job = job
        self.slot = slot
        self.slotKey = slotKey ?? RunRecord.slotKey(for: slot)
        self.trigger = trigger
        self.state = state
        self.attempt = attempt
        self.createdAt = createdAt
        self.notBefore = notBefore ?? slot
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitStatus = exitStatus
        self.error = error
        self.excerpt = excerpt
        self.owner = owner
        self.childPID = childPID
    }

    /// The slot key of a scheduled instant: whole epoch seconds.
    public static func slotKey(for slot: Date) -> String {
        String(Int64(slot.timeIntervalSince1970.rounded(.down)))
    }

    /// Seconds between start and finish, when both are known.
    public var duration: TimeInterval? {
        guard let startedAt, let finishedAt else { return nil }
        return finishedAt.timeIntervalSince(startedAt)
    }
}

/// Makes run identifiers that sort by creation time.
public enum RunID {
    /// `r_` + 10 base-32 characters of milliseconds since the epoch + 8 random ones.
    public static func make(now: Date = Date()) -> String {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        var time = [Character](repeating: "0", count: 10)
        for index in stride(from: 9, through: 0, by: -1) {
            time[index] = alphabet[Int(millis & 31)]
            millis >>= 5
        }
        var random = SystemRandomNumberGenerator()
        let tail = (0..<8).map { _ in alphabet[Int(random.next() & 31)] }
        return "r_" + String(time) + String(tail)
    }
}
