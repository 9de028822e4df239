public import Foundation

/// A job whose action is an ordered list of steps, each checkpointed in the store so that a
/// resumed cycle run starts at the first step that did not succeed.
///
/// The schedule, overlap, missed-run and alert rules live in the cycle's ``job`` (whose action is
/// ``JobAction/cycle(_:)``), so a cycle is scheduled, listed and alerted on like any job.
public struct Cycle: Sendable, Hashable, Identifiable {
    public var name: String
    /// The job that fires the cycle: same name, the cycle's schedule and policies.
    public var job: Job
    /// The whole cycle's time budget; exceeding it is recorded as an overrun, not a failure.
    public var budget: Duration?
    /// Local time after which unstarted steps are deferred, not run.
    public var deadline: TimeOfDay?
    /// One cycle run per tenant per slot, each under its own lease; empty means one untenanted run.
    public var tenants: [String]
    /// A fixed shape the steps follow, if any.
    public var shape: CycleShape?
    /// How long a cycle run's lease lasts without renewal; it is renewed every third of this.
    public var leaseTTL: Duration
    public var steps: [CycleStep]

    public var id: String { name }
    public var timeZone: TimeZone { job.timeZone }

    public init(
        name: String, job: Job, budget: Duration? = nil, deadline: TimeOfDay? = nil, tenants: [String] = [],
        shape: CycleShape? = nil, leaseTTL: Duration = .seconds(15), steps: [CycleStep]
    ) {
        self.name = name
        self.job = job
        self.budget = budget
        self.deadline = deadline
        self.tenants = tenants
        self.shape = shape
        self.leaseTTL = leaseTTL
        self.steps = steps
    }

    /// The steps a run of `variant` executes, with their index in ``steps``.
    public func steps(for variant: CycleVariant) -> [CycleStep] {
        switch variant {
        case .full: steps
        case .condensed: steps.filter(\.condensed)
        case .remainder: steps.filter { !$0.condensed }
        }
    }

    /// Whether a catch-up splits into a condensed run and a remainder: some steps are condensed
    /// and some are not.
    public var splitsCatchUp: Bool {
        steps.contains(where: \.condensed) && steps.contains { !$0.condensed }
    }

    /// The tenants a slot runs for: the declared ones, or the single untenanted `""`.
    public var slotTenants: [String] { tenants.isEmpty ? [""] : tenants }

    /// `NAME` or `NAME@TENANT`: how logs, the journal and results name a run for `tenant`.
    public func label(tenant: String) -> String {
        tenant.isEmpty ? name : "\(name)@\(tenant)"
    }

    /// The lease key of a run of this cycle for `tenant`: `cycle:NAME` or `cycle:NAME@TENANT`.
    public func leaseKey(tenant: String) -> String {
        "cycle:\(label(tenant: tenant))"
    }

    /// The first instant at or after `start` whose local time is the deadline; nil without one.
    public func deadline(after start: Date) -> Date? {
        deadline?.next(after: start.addingTimeInterval(-1), in: timeZone)
    }

    /// "Nightly cycle missed — running catch-up now." for a cycle named `nightly`.
    public var missedNotice: String { Self.missedNotice(cycle: name) }

    /// The notice the journal and the report give when the cycle named `cycle` is caught up.
    public static func missedNotice(cycle: String) -> String {
        "\(cycle.prefix(1).uppercased())\(cycle.dropFirst()) cycle missed — running catch-up now."
    }
}

/// A local wall-clock time of day, `HH:MM`.
public struct TimeOfDay: Sendable, Hashable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    public init(hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (24-hour clock); nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var description: String { String(format: "%02d:%02d", hour, minute) }

    /// The first instant strictly after `date` whose local time in `zone` is this one (the next
    /// existing time on a day where daylight saving skips it).
    public func next(after date: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.nextDate(after: date, matching: DateComponents(hour: hour, minute: minute, second: 0), matchingPolicy: .nextTime)
    }
}

/// Fixed cycle shapes.
public enum CycleShape: String, Sendable, Hashable, CaseIterable {
    /// An hourly work block: plan → act → react → reflect, stored as one ``WorkBlock``.
    case planActReactReflect = "plan-act-react-reflect"

    /// The step names the shape requires, in order.
    public var phases: [String] {
        switch self {
        case .planActReactReflect: ["plan", "act", "react", "reflect"]
        }
    }
}

/// One step of a cycle.
public struct CycleStep: Sendable, Hashable {
    public var name: String
    /// What the step runs; nil only for the `act` phase of a work block, which executes the plan's
    /// actions itself.
    public var action: JobAction?
    /// Time the step should take; more is recorded as an overrun.
    public var budget: Duration?
    /// Time after which the step is killed and fails.
    public var hardTimeout: Duration?
    /// Part of the catch-up variant that runs first after a missed cycle.
    public var condensed: Bool
    public var onFailure: StepFailurePolicy
    /// How the policy gate sees the step's action (`action_type`, `attributes`).
    public var policyLabel = PolicyLabel()

    /// A work block's `act` without `run`: Nightshift proposes the plan's actions itself.
    public var isBuiltInAct: Bool { action == nil }

    public init(
        name: String, action: JobAction?, budget: Duration? = nil, hardTimeout: Duration? = nil,
        condensed: Bool = false, onFailure: StepFailurePolicy = .stop
    ) {
        self.name = name
        self.action = action
        self.budget = budget
        self.hardTimeout = hardTimeout
        self.condensed = condensed
        self.onFailure = onFailure
    }
}

/// What a cycle does when one of its steps fails.
public enum StepFailurePolicy: Sendable, Hashable, CustomStringConvertible {
    /// End the cycle run `failed`; the later steps are recorded `skipped`.
    case stop
    /// Go on with the next step; the cycle run ends `failed`.
    case `continue`
    /// Try the step again under this policy (attempts counts the first), then stop.
    case retry(RetryPolicy)

    public var description: String {
        switch self {
        case .stop: "stop"
        case .continue: "continue"
        case .retry(let policy): "retry (\(policy.attempts) attempts)"
        }
    }
}
