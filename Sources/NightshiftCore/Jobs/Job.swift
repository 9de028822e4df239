public import Foundation

/// A declared unit of recurring work: a schedule, an action and the policies around them.
///
/// Jobs are declared in `nightshift.toml` and synced into the store when the daemon starts.
public struct Job: Sendable, Hashable, Identifiable {
    /// Unique name within the workspace: letters, digits, `-`, `_`, `.`.
    public var name: String
    public var description: String?
    public var schedule: Schedule
    public var timeZone: TimeZone
    /// Slots outside these hours are not slots at all: neither fired nor counted as missed.
    public var activeHours: ActiveHours?
    /// Upper bound of a random delay added to each slot's start (stable per slot).
    public var jitter: Duration?
    public var action: JobAction
    /// Kills the action after this long and records the run `failed`.
    public var timeout: Duration?
    public var successIf: SuccessCheck?
    public var retry: RetryPolicy
    public var overlap: OverlapPolicy
    public var missed: MissedRunPolicy
    /// How late a missed slot may still be caught up under `missed = "once"`.
    public var grace: Duration
    /// Consecutive failures before the first alert.
    public var alertAfter: Int
    /// Least time between two failure alerts for the same job.
    public var alertCooldown: Duration
    /// How the policy gate sees the job's action (`action_type`, `attributes`).
    public var policyLabel = PolicyLabel()

    public var id: String { name }

    public init(
        name: String,
        description: String? = nil,
        schedule: Schedule,
        timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        activeHours: ActiveHours? = nil,
        jitter: Duration? = nil,
        action: JobAction,
        timeout: Duration? = nil,
        successIf: SuccessCheck? = nil,
        retry: RetryPolicy = .none,
        overlap: OverlapPolicy = .skip,
        missed: MissedRunPolicy = .once,
        grace: Duration = .seconds(2 * 3600),
        alertAfter: Int = 2,
        alertCooldown: Duration = .seconds(3600)
    ) {
        self.name = name
        self.description = description
        self.schedule = schedule
        self.timeZone = timeZone
        self.activeHours = activeHours
        self.jitter = jitter
        self.action = action
        self.timeout = timeout
        self.successIf = successIf
        self.retry = retry
        self.overlap = overlap
        self.missed = missed
        self.grace = grace
        self.alertAfter = alertAfter
        self.alertCooldown = alertCooldown
    }

    /// The first slot strictly after `date` that falls inside the active hours.
    public func nextSlot(after date: Date) -> Date? {
        var cursor = date
        // Active hours can exclude most slots of a frequent schedule; bound the search
        // so that an empty window cannot spin forever.
        for _ in 0..<100_000 {
            guard let next = schedule.nextFire(after: cursor, in: timeZone) else { return nil }
            if activeHours?.contains(next, in: timeZone) ?? true { return next }
            cursor = next
        }
        return nil
    }
}

/// What a job does when it fires.
public enum JobAction: Sendable, Hashable {
    case command(CommandAction)
    case webhook(WebhookAction)
    /// Runs the named cycle's steps (see ``Cycle``); only the cycle's own job has this action.
    case cycle(String)
    /// Runs a pack's named step in this process (`builder.builds`; see ``PackStep``).
    case step(String)

    /// `command`, `webhook` or `cycle`.
    public var kind: String {
        switch self {
        case .command: "command"
        case .webhook: "webhook"
        case .cycle: "cycle"
        case .step: "step"
        }
    }
}

/// Runs a program. The child gets only `PATH`, `HOME`, the allow-listed variables and `NIGHTSHIFT_*`.
public struct CommandAction: Sendable, Hashable {
    public enum Program: Sendable, Hashable {
        /// Executed directly, no shell.
        case argv([String])
        /// Executed by `/bin/sh -c`.
        case shell(String)
    }
    public var program: Program
    /// Relative paths are resolved against the workspace folder.
    public var workingDirectory: String?
    /// Names of environment variables passed through from the daemon's environment.
    public var environment: [String]

    public init(program: Program, workingDirectory: String? = nil, environment: [String] = []) {
        self.program = program
        self.workingDirectory = workingDirectory
        self.environment = environment
    }

    /// The command as an operator would type it.
    public var displayString: String {
        switch program {
        case .argv(let argv): argv.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        case .shell(let line): line
        }
    }
}

/// POSTs JSON to a URL.
public struct WebhookAction: Sendable, Hashable {
    public var url: SecretValue
    public var method: String
    public var headers: [String: SecretValue]
    /// The JSON body; when nil a default body describing the run is sent.
    public var body: String?

    public init(url: SecretValue, method: String = "POST", headers: [String: SecretValue] = [:], body: String? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }
}

/// A configuration value that is either written in the file or read from the environment (`env:NAME`).
public enum SecretValue: Sendable, Hashable, CustomStringConvertible {
    case literal(String)
    case environment(String)

    /// Parses `env:NAME` as a reference, anything else as a literal.
    public init(parsing text: String) {
        if text.hasPrefix("env:") {
            self = .environment(String(text.dropFirst(4)))
        } else {
            self = .literal(text)
        }
    }

    /// The value, reading the environment for a reference; nil if the variable is unset.
    public func resolve(in environment: [String: String]) -> String? {
        switch self {
        case .literal(let value): value
        case .environment(let name): environment[name]
        }
    }

    /// Never shows a secret: references print as `env:NAME`.
    public var description: String {
        switch self {
        case .literal(let value): value
        case .environment(let name): "env:\(name)"
        }
    }
}
