public import Foundation
import Synchronization

#if canImport(Glibc)
public import Glibc
#elseif canImport(Musl)
public import Musl
#elseif canImport(Darwin)
public import Darwin
#endif

/// A child process for tests: started with `posix_spawn` in a process group of its own and reaped
/// by a thread of its own blocked in `waitpid` on its pid.
///
/// Foundation's `Process` learns of a child's exit through a signal source and a run loop; under
/// load on Linux a fast-exiting child's exit can go unnoticed and a test waits forever. Here nothing
/// stands between the exit and the waiter, and every wait is bounded or cancellable.
public final class ChildProcess: Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// A pipe the test reads (``output()``) or, for standard input, writes (``write(_:)``).
        case pipe
        /// A file, created or truncated.
        case file(String)
    }

    /// How the child ended.
    public struct Termination: Sendable, Hashable, CustomStringConvertible {
        /// The exit status, or the signal number when ``signalled``.
        public var status: Int32
        public var signalled: Bool

        public var description: String { signalled ? "killed by signal \(status)" : "exit status \(status)" }
    }

    /// Everything a finished child wrote to its piped stdout and stderr.
    public struct Result: Sendable, CustomStringConvertible {
        public var termination: Termination
        public var stdout: String
        public var stderr: String

        /// The exit status, or 128 + the signal number, as a shell reports it.
        public var status: Int32 { termination.signalled ? 128 + termination.status : termination.status }

        public var description: String { "\(termination)\n--- stdout\n\(stdout)--- stderr\n\(stderr)---" }
    }

    /// The process could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    public let pid: pid_t
    private let ended = Mutex<Termination?>(nil)
    private let input: Mutex<Int32>
    private let stdoutReader: PipeReader?
    private let stderrReader: PipeReader?

    /// Starts `executable` with exactly `arguments` and `environment`.
    public init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        stdin: Stream = .null,
        stdout: Stream = .pipe,
        stderr: Stream = .pipe
    ) throws {
        let spawned = try Self.spawnLock.withLock { _ in
            try Self.spawn(executable, arguments, environment: environment, stdin: stdin, stdout: stdout, stderr: stderr)
        }
        pid = spawned.pid
        input = Mutex(spawned.input)
        stdoutReader = spawned.stdout.map(PipeReader.init)
        stderrReader = spawned.stderr.map(PipeReader.init)
        let child = pid
        // The reaper keeps the object alive until the child has been reaped.
        Thread.detachNewThread { [self] in
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
            // WIFSIGNALED/WTERMSIG/WEXITSTATUS are macros Swift does not import.
            let signal = status & 0x7f
            let termination = signal != 0
                ? Termination(status: signal, signalled: true)
                : Termination(status: (status >> 8) & 0xff, signalled: false)
            self.ended.withLock { $0 = termination }
        }
    }

    /// Held from creating a child's pipes to spawning it, so that no other child spawned here in
    /// the meantime inherits them before they are close-on-exec (`pipe2` is not imported).
    private static let spawnLock = Mutex(())

    private static func spawn(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        stdin: Stream,
        stdout: Stream,
        stderr: Stream
    ) throws -> (pid: pid_t, input: Int32, stdout: Int32?, stderr: Int32?) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        defer { childEnds.forEach { _ = close($0) } }
        func wire(_ stream: Stream, to target: Int32, childReads: Bool) throws -> Int32? {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", childReads ? O_RDONLY : O_WRONLY, 0)
                return nil
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                return nil
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard pipe(&ends) == 0 else {
                    throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))")
                }
                // Close-on-exec, so no other child of ours inherits them (spawns hold `spawnLock`).
                ends.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
                let (parent, child) = childReads ? (ends[1], ends[0]) : (ends[0], ends[1])
                parentEnds.append(parent)
                childEnds.append(child)
                posix_spawn_file_actions_adddup2(&actions, child, target)
                return parent
            }
        }
        let inputEnd = try wire(stdin, to: 0, childReads: true)
        let outputEnd = try wire(stdout, to: 1, childReads: false)
        let errorEnd = try wire(stderr, to: 2, childReads: false)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            parentEnds.forEach { _ = close($0) }
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        return (child, inputEnd ?? -1, outputEnd, errorEnd)
    }

    deinit {
        input.withLock { if $0 >= 0 { close($0) } }
    }

    /// How the child ended, or nil while it runs.
    public var termination: Termination? { ended.withLock { $0 } }
    public var isRunning: Bool { termination == nil }

    /// Sends `signal` to the child (not its group); nothing once it has been reaped.
    public func signal(_ signal: Int32) {
        guard isRunning else { return }
        _ = kill(pid, signal)
    }

    /// Writes to the child's standard input (a `.pipe`).
    public func write(_ text: String) {
        input.withLock { fd in
            guard fd >= 0 else { return }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { writeBytes(fd, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                bytes = bytes.dropFirst(written)
            }
        }
    }

    /// Closes the child's standard input, which it reads as end of file.
    public func closeInput() {
        input.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    /// Waits for the child to exit. After `timeout` seconds (or when the waiting task is cancelled)
    /// the child is SIGKILLed and reaped, and nil is returned.
    public func wait(timeout: TimeInterval) async -> Termination? {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline && !Task.isCancelled {
            if let termination { return termination }
            try? await Task.sleep(for: .milliseconds(10))
        }
        if let termination { return termination }
        signal(SIGKILL)
        while isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        return nil
    }

    /// Blocks the calling thread until the child has exited, at most `timeout` seconds: for code
    /// that cannot await (a `defer`, a clock hook). Returns nil if it still runs.
    @discardableResult
    public func waitBlocking(timeout: TimeInterval) -> Termination? {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while termination == nil && ContinuousClock.now < deadline { usleep(10_000) }
        return termination
    }

    /// What the child wrote to its piped stdout and stderr. A grandchild that inherited a pipe can
    /// keep it open after the child exited; after `grace` seconds what arrived so far is taken.
    public func output(grace: TimeInterval = 5) async -> (stdout: String, stderr: String) {
        async let out = stdoutReader?.contents(grace: grace) ?? Data()
        async let err = stderrReader?.contents(grace: grace) ?? Data()
        return (String(decoding: await out, as: UTF8.self), String(decoding: await err, as: UTF8.self))
    }

    /// Runs a program to completion with stdin from `/dev/null` and both outputs captured.
    ///
    /// - Throws: ``SpawnError`` if it cannot start, or if it runs longer than `timeout` (it is then
    ///   SIGKILLed; the error carries what it wrote).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        timeout: TimeInterval
    ) async throws -> Result {
        let child = try ChildProcess(executable, arguments, environment: environment)
        let termination = await child.wait(timeout: timeout)
        let (stdout, stderr) = await child.output()
        guard let termination else {
            let result = Result(termination: child.termination ?? Termination(status: SIGKILL, signalled: true), stdout: stdout, stderr: stderr)
            throw SpawnError(description: "\(executable) \(arguments.joined(separator: " ")) did not finish within \(Int(timeout))s and was killed: \(result)")
        }
        return Result(termination: termination, stdout: stdout, stderr: stderr)
    }
}

/// `write(2)`, out of reach of ``ChildProcess/write(_:)``'s name.
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, bytes, count) }

/// Drains one pipe on a thread of its own until end of file, then closes it.
private final class PipeReader: Sendable {
    private let state = Mutex<(data: Data, done: Bool)>((Data(), false))

    init(_ fd: Int32) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                self.state.withLock { $0.data.append(contentsOf: buffer[0..<count]) }
            }
            close(fd)
            self.state.withLock { $0.done = true }
        }
    }

    func contents(grace: TimeInterval) async -> Data {
        let deadline = ContinuousClock.now + .milliseconds(Int(grace * 1000))
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.done }) { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return state.withLock { $0.data }
    }
}
