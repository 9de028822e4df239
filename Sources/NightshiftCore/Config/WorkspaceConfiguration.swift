public import Foundation

/// Everything `nightshift.toml` declares.
public struct WorkspaceConfiguration: Sendable {
    public var settings: WorkspaceSettings
    /// Jobs in file order.
    public var jobs: [Job]
    public var notifiers: [NotifierDeclaration]
    /// Cycles in file order; each one's job is in ``jobs`` too.
    public var cycles: [Cycle] = []
    /// The policy every action is judged by; only the built-in types when none is declared.
    public var policy: Policy = .default
    /// The policy file named by `policy = "FILE"`, relative to the workspace.
    public var policyFile: String?
    /// The `[context]` table: calendars, routine, event map and limits of the operator's contexts.
    public var context: ContextSettings = .init()
    /// The `[health]` and `[watchdog]` tables: sampling, problem thresholds, fix retention, staleness.
    public var health: HealthSettings = .init()
    /// Warnings that do not stop the workspace from running (an unset `env:` variable).
    public var warnings: [ConfigDiagnostic]
    /// The pack tables the loader was asked to read (see ``ConfigSection``), by key.
    public var sections: [String: any ConfigSection] = [:]
    /// Every variable the file reads from the environment: `env:NAME` values and `env = [...]` names.
    public var environmentNames: Set<String> = []

    public init(settings: WorkspaceSettings = .init(), jobs: [Job] = [], notifiers: [NotifierDeclaration] = [], warnings: [ConfigDiagnostic] = []) {
        self.settings = settings
        self.jobs = jobs
        self.notifiers = notifiers
        self.warnings = warnings
    }

    /// The job with this name.
    public func job(named name: String) -> Job? { jobs.first { $0.name == name } }

    /// The cycle with this name.
    public func cycle(named name: String) -> Cycle? { cycles.first { $0.name == name } }

    /// The values Nightshift redacts everywhere: those of every variable this configuration reads
    /// from `environment` (``environmentNames``) and of every variable there named like a credential
    /// (`*TOKEN*`, `*SECRET*`, `*KEY*`, `*PASS*`, `*AUTH*` …), except the ones `public_env` names.
    public func secrets(in environment: [String: String]) -> SecretValues {
        settings.secrets(named: environmentNames, in: environment)
    }
}

/// The `[workspace]` table.
public struct WorkspaceSettings: Sendable, Hashable {
    /// A display name for reports and alerts.
    public var name: String?
    /// The default zone of jobs and of the journal's days.
    public var timeZone: TimeZone = TimeZone(identifier: "UTC")!
    /// Most runs executing at once.
    public var maxConcurrent: Int = 4
    /// How long running jobs may take to finish after SIGTERM/SIGINT.
    public var shutdownGrace: Duration = .seconds(30)
    /// Cap on one run's log file, in bytes.
    public var runLogLimit: Int = 1 << 20
    /// A slot found later than this counts as missed.
    public var lateAfter: Duration = .seconds(60)
    /// Variables whose values are not secrets (`public_env`): shown in output as they are.
    public var publicEnvironment: Set<String> = []

    public init() {}

    /// The values of `names` in `environment`, and of the variables there named like a credential,
    /// except the public ones: what Nightshift redacts.
    public func secrets(named names: some Sequence<String>, in environment: [String: String]) -> SecretValues {
        let credentialWords = ["TOKEN", "SECRET", "KEY", "PASSWORD", "PASS", "CREDENTIAL", "AUTH", "PRIVATE"]
        var secret = Set(names)
        for name in environment.keys where credentialWords.contains(where: name.uppercased().contains) {
            secret.insert(name)
        }
        return SecretValues(secret.subtracting(publicEnvironment).compactMap { environment[$0] })
    }
}

/// A `[notifiers.NAME]` table: where alerts go.
public struct NotifierDeclaration: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case webhook(WebhookAction)
        case command(CommandAction)
    }
    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
