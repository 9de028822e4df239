public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who owns a run: this process on this host, told apart from an earlier process with the same pid.
///
/// Owners are written as `PID@HOST#INSTANCE`, so that a later process can decide whether the owner
/// of a run still exists (same host, pid alive) when it finds the run `running`.
public struct ProcessIdentity: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var host: String
    public var instance: String

    public init(pid: Int32, host: String, instance: String) {
        self.pid = pid
        self.host = host
        self.instance = instance
    }

    /// This process, with a fresh instance tag.
    public static func current() -> ProcessIdentity {
        ProcessIdentity(pid: getpid(), host: ProcessInfo.processInfo.hostName, instance: String(RunID.make().dropFirst(2)))
    }

    /// Parses `PID@HOST#INSTANCE`.
    public init?(owner: String) {
        guard let at = owner.firstIndex(of: "@"), let hash = owner.lastIndex(of: "#"), at < hash,
              let pid = Int32(owner[..<at]) else { return nil }
        self.init(pid: pid, host: String(owner[owner.index(after: at)..<hash]), instance: String(owner[owner.index(after: hash)...]))
    }

    public var description: String { "\(pid)@\(host)#\(instance)" }

    /// Whether a process with this pid exists on this machine (another host's processes are assumed alive).
    public var isAlive: Bool {
        guard host == ProcessInfo.processInfo.hostName else { return true }
        return ProcessIdentity.isAlive(pid: pid)
    }

    /// Whether a local process with this pid exists and has not exited: an exited child that
    /// nobody has reaped yet (a zombie) counts as gone.
    public static func isAlive(pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else {
            return false  // vanished between the two checks
        }
        let state = stat[stat.index(after: close)...].first { $0 != " " }
        return state != "Z" && state != "X"
        #else
        return true
        #endif
    }

    /// Sends `signal` to every process of the group `pgid` (commands run as group leaders, so a
    /// recorded child pid is also its group). Refuses group ids that are not positive or that are
    /// the caller's own group.
    ///
    /// - Returns: `true` if the signal was delivered to at least one process.
    @discardableResult
    public static func signalGroup(_ pgid: Int32, _ signal: Int32) -> Bool {
        guard pgid > 1, pgid != getpgrp() else { return false }
        return kill(-pgid, signal) == 0
    }
}
