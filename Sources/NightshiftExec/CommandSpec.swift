/// What to run for a command action, and how to contain it.
///
/// The executor passes `environment` to the child as its complete environment and
/// inherits nothing from the daemon, so the caller builds it (PATH, HOME, allow-listed
/// names, `NIGHTSHIFT_*` variables).
///
/// ```swift
/// let spec = CommandSpec(
///     program: .shell("pg_dump app > /backups/app.sql"),
///     environment: ["PATH": "/usr/bin:/bin", "HOME": "/var/lib/nightshift"],
///     timeout: .seconds(600),
///     logPath: "/var/log/nightshift/backup/42.log"
/// )
/// ```
public struct CommandSpec: Sendable, Hashable {
    /// The program to start.
    public enum Program: Sendable, Hashable {
        /// An argument vector; the first element is the program, looked up in the spec's
        /// `PATH` unless it contains a `/`.
        case argv([String])
        /// A shell command line, run as `/bin/sh -c STRING`.
        case shell(String)
    }

    /// The program to start.
    public var program: Program
    /// The child's working directory; `nil` keeps the caller's current directory.
    public var workingDirectory: String?
    /// The complete environment of the child: nothing else is inherited.
    public var environment: [String: String]
    /// How long the child may run. On expiry its whole process group gets `SIGTERM`,
    /// then `SIGKILL` after the executor's `killGrace`. `nil` means no limit.
    public var timeout: Duration?
    /// The file that stdout and stderr are appended to, in arrival order. Missing
    /// directories are created; a new file gets mode 0600, since output may be sensitive.
    public var logPath: String
    /// Secret values; every occurrence is replaced with `[redacted]` in the log, the
    /// excerpt and the captured stdout.
    public var redactions: [String]

    /// Creates a command spec.
    public init(
        program: Program,
        workingDirectory: String? = nil,
        environment: [String: String],
        timeout: Duration? = nil,
        logPath: String,
        redactions: [String] = []
    ) {
        self.program = program
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.timeout = timeout
        self.logPath = logPath
        self.redactions = redactions
    }
}
