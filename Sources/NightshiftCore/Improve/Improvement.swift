/// Something the self-improver noticed that the operator could fix: a slow operation, an
/// unreliable one, or a job run by hand often enough to deserve a schedule.
///
/// ```swift
/// let improvement = improver.suggestions(timings: timings, failures: failures, manualRuns: runs, now: now)[0]
/// improvement.id                    // "unreliable:backup"
/// improvement.evidence["run_ids"]   // ["run-7", "run-9", "run-12"]
/// ```
public struct Improvement: Sendable, Hashable, Codable, Identifiable {
    /// `KIND:SUBJECT`, such as `slow:backup`: stable while the problem lasts.
    public var id: String
    /// What kind of problem.
    public var kind: ImprovementKind
    /// The operation or job it is about.
    public var subject: String
    /// One sentence for the operator.
    public var summary: String
    /// The figures behind it (snake_case keys): `p90_ms`, `samples`, `failures`, `run_ids` …
    public var evidence: [String: JSONValue]
    /// The automated fix, where one exists: a schedule for a job run by hand.
    public var proposedSchedule: ProposedSchedule?

    /// An improvement of `kind` about `subject`; the id follows from them.
    public init(
        kind: ImprovementKind, subject: String, summary: String, evidence: [String: JSONValue],
        proposedSchedule: ProposedSchedule? = nil
    ) {
        self.id = kind.rawValue + ":" + subject
        self.kind = kind
        self.subject = subject
        self.summary = summary
        self.evidence = evidence
        self.proposedSchedule = proposedSchedule
    }
}

/// The kinds of problem the self-improver reports, most severe first.
public enum ImprovementKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Failed ``SelfImprover/Configuration/failureThreshold`` times or more within the failure window.
    case unreliable
    /// Its p90 duration is over ``SelfImprover/Configuration/slowP90Milliseconds``.
    case slow
    /// The operator corrected the same topic ``SelfImprover/Configuration/correctionThreshold``
    /// times or more: what is missing should be written down.
    case knowledgeGap = "knowledge_gap"
    /// Run by hand often enough to be scheduled.
    case automate

    /// `unreliable`, `slow`, `knowledge_gap` or `automate`.
    public var description: String { rawValue }

    /// 0 for the most severe kind; suggestions are ordered by it.
    public var severity: Int {
        switch self {
        case .unreliable: 0
        case .slow: 1
        case .knowledgeGap: 2
        case .automate: 3
        }
    }
}

/// A schedule proposed for a job the operator keeps running by hand. Encoded as
/// `{"job":"report","cron":"0 8 * * 1-5","timeZone":"UTC"}`.
public struct ProposedSchedule: Sendable, Hashable, Codable {
    /// The job to schedule.
    public var job: String
    /// When to run it, on the local clock of ``timeZone``.
    public var cron: CronExpression
    /// The IANA name of the zone the expression is meant for.
    public var timeZone: String

    /// A proposal to run `job` at `cron` in the zone named `timeZone`.
    public init(job: String, cron: CronExpression, timeZone: String) {
        self.job = job
        self.cron = cron
        self.timeZone = timeZone
    }

    private enum CodingKeys: String, CodingKey {
        case job, cron, timeZone
    }

    /// Decodes the JSON form; a cron text that does not parse is a data error carrying the reason.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        job = try container.decode(String.self, forKey: .job)
        timeZone = try container.decode(String.self, forKey: .timeZone)
        let text = try container.decode(String.self, forKey: .cron)
        do {
            cron = try CronExpression(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .cron, in: container, debugDescription: "\(error)")
        }
    }

    /// Encodes the cron expression as its text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(job, forKey: .job)
        try container.encode(cron.source, forKey: .cron)
        try container.encode(timeZone, forKey: .timeZone)
    }
}
