import Foundation
import Logging
import NightshiftCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CommandExecutor {
    /// Sends `signal` to every process in the process group `pgid`.
    ///
    /// Used at restart to stop what a crashed daemon left running: every command runs as
    /// the leader of its own group, so its recorded pid is also the group to kill.
    /// Refuses group ids that are not positive or that are the caller's own group.
    ///
    /// - Returns: `true` if the signal was delivered to at least one process.
    @discardableResult
    public static func killProcessGroup(_ pgid: Int32, signal: Int32) -> Bool {
        ProcessIdentity.signalGroup(pgid, signal)
    }

    /// Whether a process with this pid exists and has not yet exited.
    ///
    /// An exited child that nobody has reaped yet (a zombie) counts as not alive.
    public static func isAlive(_ pid: Int32) -> Bool {
        ProcessIdentity.isAlive(pid: pid)
    }

    /// Whether any process of the process group `pgid` is still running (zombies excluded).
    public static func isProcessGroupAlive(_ pgid: Int32) -> Bool {
        guard pgid > 0 else { return false }
        guard kill(-pgid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
            return true
        }
        for entry in entries {
            guard let pid = Int32(entry), let stat = ProcStat(pid: pid) else { continue }
            if stat.processGroup == pgid, !stat.isDead {
                return true
            }
        }
        return false
        #else
        return true
        #endif
    }

    /// Stops what is left of a finished command's process group: `SIGTERM` (unless one
    /// was already sent at `termSentAt`), then `SIGKILL` once the grace period is over.
    ///
    /// Must run in a task that is not cancelled, so the grace period is really waited.
    func stopLeftovers(pgid: Int32, termSentAt: ContinuousClock.Instant?) async {
        guard Self.isProcessGroupAlive(pgid) else { return }
        let deadline: ContinuousClock.Instant
        if let termSentAt {
            deadline = termSentAt + configuration.killGrace
        } else {
            logger.info(
                "stopping processes the command left behind",
                metadata: ["nightshift.exec.pgid": "\(pgid)"]
            )
            Self.killProcessGroup(pgid, signal: SIGTERM)
            deadline = .now + configuration.killGrace
        }
        while ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            if !Self.isProcessGroupAlive(pgid) { return }
        }
        logger.info(
            "killing processes that outlived the grace period",
            metadata: ["nightshift.exec.pgid": "\(pgid)"]
        )
        Self.killProcessGroup(pgid, signal: SIGKILL)
    }
}

#if os(Linux)
/// The few fields of `/proc/PID/stat` that tell whether a process is running and in
/// which group.
struct ProcStat {
    var state: Character
    var processGroup: Int32

    /// Zombie (`Z`) or dead (`X`): exited, only waiting to be reaped.
    var isDead: Bool { state == "Z" || state == "X" }

    init?(pid: Int32) {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        // The command name is in parentheses and may itself contain spaces or ')'.
        guard let nameEnd = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: nameEnd)...].split(separator: " ")
        // After the name: state, ppid, pgrp.
        guard fields.count >= 3, let state = fields[0].first, let group = Int32(fields[2]) else {
            return nil
        }
        self.state = state
        self.processGroup = group
    }
}
#endif
