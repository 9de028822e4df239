public import Logging
import NightshiftCore
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs command actions as real child processes.
///
/// Each child is the leader of its own process group, so a timeout, a cancelled task, or a
/// daemon restart (see ``killProcessGroup(_:signal:)``) can stop everything it started.
/// Failures to start are reported in the result, never thrown.
///
/// ```swift
/// let executor = CommandExecutor(logger: logger)
/// let result = await executor.run(spec) { pid in await store.recordPID(pid, for: runID) }
/// if result.exitedSuccessfully { … }
/// ```
public struct CommandExecutor: Sendable {
    /// Limits and defaults of a ``CommandExecutor``.
    public struct Configuration: Sendable {
        /// Time between `SIGTERM` and `SIGKILL` when stopping a process group.
        public var killGrace: Duration = .seconds(5)
        /// Bytes of output written to the log per run before it is truncated.
        public var logCap: Int = 1 << 20
        /// Bytes of stdout kept in ``CommandResult/stdout``.
        public var captureCap: Int = 1 << 20
        /// Characters of combined output kept in ``CommandResult/excerpt``.
        public var excerptLength: Int = 1000
        /// The shell that runs ``CommandSpec/Program/shell(_:)`` as `SHELL -c STRING`.
        public var shellPath: String = "/bin/sh"
        /// Where program names are looked up when the spec's environment has no `PATH`.
        public var fallbackSearchPath: String = "/usr/local/bin:/usr/bin:/bin"
        /// Whether processes still in the command's group after it exits (background jobs it
        /// forgot) are stopped too, with `SIGTERM` and then `SIGKILL`.
        public var killLeftoverProcesses: Bool = true

        /// Creates a configuration with the defaults.
        public init() {}
    }

    /// The executor's settings.
    public let configuration: Configuration
    let logger: Logger

    /// Creates an executor.
    public init(configuration: Configuration = .init(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Why a running command was stopped.
    enum StopReason: Sendable { case timeout, cancelled }

    /// When and why the executor sent `SIGTERM`.
    struct StopRecord: Sendable {
        var reason: StopReason
        var at: ContinuousClock.Instant
    }

    /// Runs the command to completion and returns how it ended.
    ///
    /// If the calling task is cancelled, the child's process group gets `SIGTERM`, then
    /// `SIGKILL` after `killGrace`, and the result holds what was captured until then.
    ///
    /// - Parameter onSpawn: Called with the child's pid (its process group id) as soon as
    ///   it is running, so the caller can record it durably; the command runs meanwhile.
    public func run(
        _ spec: CommandSpec,
        onSpawn: @escaping @Sendable (Int32) async -> Void = { _ in }
    ) async -> CommandResult {
        func failure(_ message: String) -> CommandResult {
            CommandResult(launchError: Redactor.redact(message, secrets: spec.redactions))
        }
        let collector: OutputCollector
        do {
            collector = try OutputCollector(
                logPath: spec.logPath,
                redactions: spec.redactions,
                logCap: configuration.logCap,
                captureCap: configuration.captureCap,
                excerptLength: configuration.excerptLength
            )
        } catch {
            return failure(error.message)
        }
        let plan: LaunchPlan
        switch self.plan(for: spec) {
        case .success(let value):
            plan = value
        case .failure(let error):
            collector.note("failed to start: \(Redactor.redact(error.message, secrets: spec.redactions))")
            _ = collector.finish(excerptLength: configuration.excerptLength)
            return failure(error.message)
        }
        guard !Task.isCancelled else {
            collector.note("not started: cancelled")
            _ = collector.finish(excerptLength: configuration.excerptLength)
            return failure("cancelled before the command started")
        }

        let (stops, stopContinuation) = AsyncStream<StopReason>.makeStream()
        // The child is driven from an unstructured task so that cancelling the caller does
        // not cancel the pipe reads or the grace period: cancellation becomes a stop
        // request, and the caller still waits for the process group to be gone.
        let work = Task {
            await self.execute(plan, spec: spec, collector: collector, stops: stops, onSpawn: onSpawn)
        }
        var result = await withTaskCancellationHandler {
            await work.value
        } onCancel: {
            stopContinuation.yield(.cancelled)
        }
        stopContinuation.finish()

        let captured = collector.finish(excerptLength: configuration.excerptLength)
        result.stdout = captured.stdout
        result.excerpt = captured.excerpt
        if let launchError = result.launchError {
            result.launchError = Redactor.redact(launchError, secrets: spec.redactions)
        }
        logger.debug(
            "command finished",
            metadata: [
                "nightshift.exec.pid": "\(result.pid)",
                "nightshift.exec.outcome": "\(result.summary)",
            ]
        )
        return result
    }

    private enum Finished: Sendable {
        case pump
        case watchdog(StopRecord?)
    }

    private func execute(
        _ plan: LaunchPlan,
        spec: CommandSpec,
        collector: OutputCollector,
        stops: AsyncStream<StopReason>,
        onSpawn: @escaping @Sendable (Int32) async -> Void
    ) async -> CommandResult {
        var options = PlatformOptions()
        options.processGroupID = 0  // own group, led by the child
        options.teardownSequence = [
            .gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: configuration.killGrace)
        ]
        var environment: [Environment.Key: String] = [:]
        for (name, value) in spec.environment {
            environment[Environment.Key(stringLiteral: name)] = value
        }
        let execution: ExecutionResult<StopRecord?, SequenceOutput, SequenceOutput>
        do {
            execution = try await Subprocess.run(
                .path(FilePath(plan.executablePath)),
                arguments: Arguments(executablePathOverride: plan.argv0, remainingValues: plan.arguments),
                environment: .custom(environment),
                workingDirectory: spec.workingDirectory.map { FilePath($0) },
                platformOptions: options,
                input: .none,
                output: .sequence,
                error: .sequence
            ) { running in
                let pid = running.processIdentifier.value
                logger.debug("command started", metadata: ["nightshift.exec.pid": "\(pid)"])
                return await withTaskGroup(of: Finished.self) { group in
                    group.addTask {
                        await Self.pump(running.standardOutput, into: collector, as: .stdout)
                        return .pump
                    }
                    group.addTask {
                        await Self.pump(running.standardError, into: collector, as: .stderr)
                        return .pump
                    }
                    group.addTask {
                        .watchdog(await self.watchdog(pgid: pid, stops: stops, timeout: spec.timeout))
                    }
                    await onSpawn(pid)
                    var pumpsDone = 0
                    var stop: StopRecord?
                    while let finished = await group.next() {
                        switch finished {
                        case .pump:
                            pumpsDone += 1
                            // Both pipes are closed (or the child exited): stop the watchdog.
                            if pumpsDone == 2 { group.cancelAll() }
                        case .watchdog(let record):
                            stop = record
                        }
                    }
                    return stop
                }
            }
        } catch {
            collector.note("failed to start: \(Redactor.redact("\(error)", secrets: spec.redactions))")
            return CommandResult(launchError: "could not start \(plan.argv0): \(error)")
        }

        let pid = execution.processIdentifier.value
        let stop = execution.closureResult
        if stop != nil || configuration.killLeftoverProcesses {
            await stopLeftovers(pgid: pid, termSentAt: stop?.at)
        }
        var result = CommandResult(
            timedOut: stop?.reason == .timeout,
            cancelled: stop?.reason == .cancelled,
            pid: pid
        )
        switch execution.terminationStatus {
        case .exited(let code): result.exitStatus = code
        case .signaled(let signal): result.signal = signal
        }
        return result
    }

    private static func pump(
        _ output: SubprocessOutputSequence,
        into collector: OutputCollector,
        as stream: OutputCollector.Stream
    ) async {
        do {
            for try await buffer in output {
                collector.append(buffer.withUnsafeBytes { Array($0) }, from: stream)
            }
        } catch {
            collector.note("reading \(stream) failed: \(error)")
        }
    }

    /// Waits for the timeout or a stop request, then sends `SIGTERM` to the group and
    /// `SIGKILL` after the grace period. Cancelled once the child's output is done.
    private func watchdog(pgid: Int32, stops: AsyncStream<StopReason>, timeout: Duration?) async -> StopRecord? {
        let reason = await withTaskGroup(of: StopReason?.self) { group -> StopReason? in
            group.addTask {
                for await reason in stops { return reason }
                return nil
            }
            if let timeout {
                group.addTask {
                    do {
                        try await Task.sleep(for: timeout)
                        return .timeout
                    } catch {
                        return nil
                    }
                }
            }
            while let next = await group.next() {
                if let next {
                    group.cancelAll()
                    return next
                }
            }
            return nil
        }
        guard let reason else { return nil }
        let record = StopRecord(reason: reason, at: .now)
        logger.info(
            reason == .timeout ? "command timed out, terminating" : "command cancelled, terminating",
            metadata: ["nightshift.exec.pgid": "\(pgid)"]
        )
        Self.killProcessGroup(pgid, signal: SIGTERM)
        do {
            try await Task.sleep(for: configuration.killGrace)
        } catch {
            return record  // the child exited in time; leftovers are handled after reaping
        }
        logger.info("grace period over, killing", metadata: ["nightshift.exec.pgid": "\(pgid)"])
        Self.killProcessGroup(pgid, signal: SIGKILL)
        return record
    }
}
