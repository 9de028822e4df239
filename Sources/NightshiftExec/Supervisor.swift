import Dispatch
import Foundation
public import Logging
import NightshiftCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The small process that runs one command for Nightshift and outlives it (`nightshift
/// supervise`, in the spirit of containerd's shim): it reads a request on standard input, runs the
/// command with ``CommandExecutor`` (process group, timeout, log, redaction), and records how it
/// ended in `KEY.result.json` beside its status file (see ``SupervisedFiles``).
///
/// Its launcher starts it in a session of its own, so a daemon killed with SIGKILL (or a closed
/// terminal) leaves it running: the restarted daemon adopts the child while it still runs, or reads
/// its result, instead of running finished work again. SIGTERM or SIGINT (the launcher cancelling
/// the work) stops the command's process group, and the result says it was cancelled.
public enum Supervisor {
    /// Runs the supervisor on this process's standard input; returns the exit status: 0 once the
    /// result is recorded, 1 when it could not be, 2 for a request it cannot read.
    ///
    /// - Parameters:
    ///   - key: the execution key given on the command line; the request must carry the same.
    ///   - directory: the folder given on the command line; the request must name the same.
    public static func main(expecting key: String? = nil, in directory: String? = nil, logger: Logger) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let request: SupervisorRequest
        do {
            request = try JSONDecoder().decode(SupervisorRequest.self, from: input)
        } catch {
            complain("not a supervision request on standard input (\(error))")
            return 2
        }
        guard key.map({ $0 == request.key }) ?? true, directory.map({ $0 == request.directory }) ?? true else {
            complain("the request is for execution \(request.key) in \(request.directory), not the one on the command line")
            return 2
        }
        let files = request.files
        let status = Mutex(SupervisorStatus(supervisorPID: getpid(), supervisorStart: ProcessIdentity.startTime(of: getpid())))
        do {
            try SupervisedFiles.writeDurably(JSONEncoder().encode(status.withLock { $0 }), to: files.statusPath)
        } catch {
            complain("\(error)")
            return 1
        }
        let executor = CommandExecutor(configuration: request.configuration, logger: logger)
        let started = Date()
        let work = Task {
            await executor.run(request.spec) { pid in
                let current = status.withLock { status in
                    status.childPID = pid
                    status.childStart = ProcessIdentity.startTime(of: pid)
                    return status
                }
                try? SupervisedFiles.writeDurably(JSONEncoder().encode(current), to: files.statusPath)
                // The launcher records the child's pid as the run's. It may be gone already: a
                // failed write (EPIPE, SIGPIPE ignored) is fine.
                let line = Array("child \(pid)\n".utf8)
                _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            }
        }
        let stops = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { work.cancel() }
            source.resume()
            return source
        }
        let result = await work.value
        stops.forEach { $0.cancel() }
        do {
            let record = SupervisedResult(result, startedAt: started, finishedAt: Date())
            try SupervisedFiles.writeDurably(JSONEncoder().encode(record), to: files.resultPath)
        } catch {
            complain("\(error)")
            return 1
        }
        return 0
    }

    private static func complain(_ message: String) {
        let line = Array("nightshift supervise: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
