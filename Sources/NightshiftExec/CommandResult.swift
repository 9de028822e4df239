/// How a command ended, with its captured output.
///
/// A program that could not be started is reported in ``launchError`` rather than thrown,
/// with ``exitStatus`` and ``signal`` both `nil`.
public struct CommandResult: Sendable, Hashable, Codable {
    /// The exit status, or `nil` if the child was killed by a signal or never started.
    public var exitStatus: Int32?
    /// The signal that killed the child, if one did.
    public var signal: Int32?
    /// Whether the child was stopped because its timeout expired.
    public var timedOut: Bool
    /// Whether the child was stopped because the calling task was cancelled.
    public var cancelled: Bool
    /// Captured stdout after redaction, at most the executor's `captureCap` bytes; what
    /// success checks run against.
    public var stdout: String
    /// The last characters (about 1000) of the combined output, redacted and trimmed.
    public var excerpt: String
    /// The child's pid, which is also its process group id; 0 if it never started.
    public var pid: Int32
    /// Why the program could not be started (not found, working directory missing, log
    /// not writable…), or `nil` if it was started.
    public var launchError: String?

    /// Creates a result.
    public init(
        exitStatus: Int32? = nil,
        signal: Int32? = nil,
        timedOut: Bool = false,
        cancelled: Bool = false,
        stdout: String = "",
        excerpt: String = "",
        pid: Int32 = 0,
        launchError: String? = nil
    ) {
        self.exitStatus = exitStatus
        self.signal = signal
        self.timedOut = timedOut
        self.cancelled = cancelled
        self.stdout = stdout
        self.excerpt = excerpt
        self.pid = pid
        self.launchError = launchError
    }

    /// True when the program started, was not stopped, and exited with status 0.
    public var exitedSuccessfully: Bool {
        launchError == nil && !timedOut && !cancelled && exitStatus == 0
    }

    /// A short human-readable account of how the command ended, for logs and status
    /// output: `exited with status 3`, `killed by signal 9 after timing out`, ….
    public var summary: String {
        if let launchError { return "failed to start: \(launchError)" }
        var text: String
        if let exitStatus {
            text = "exited with status \(exitStatus)"
        } else if let signal {
            text = "killed by signal \(signal)"
        } else {
            text = "ended"
        }
        if timedOut { text += " after timing out" }
        if cancelled { text += " after being cancelled" }
        return text
    }
}
