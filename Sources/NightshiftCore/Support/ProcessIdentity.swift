public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who owns a run, a lease or a task: this process on this host, told apart from an earlier
/// process with the same pid.
///
/// Owners are written as `PID.START@HOST#INSTANCE` (`START` is the process's start time in clock
/// ticks since boot, from `/proc/PID/stat`), so that a later process can decide at once whether
/// the owner still exists: same host, the pid alive, and started at the same tick — a recycled
/// pid is not mistaken for the owner. Owners written before the start time was recorded
/// (`PID@HOST#INSTANCE`) are judged by the pid alone.
public struct ProcessIdentity: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var host: String
    public var instance: String
    /// When the process started, in clock ticks since boot; nil where unknown.
    public var startTime: UInt64?

    public init(pid: Int32, host: String, instance: String, startTime: UInt64? = nil) {
        self.pid = pid
        self.host = host
        self.instance = instance
        self.startTime = startTime
    }

    /// This process, with a fresh instance tag.
    public static func current() -> ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(
            pid: pid, host: ProcessInfo.processInfo.hostName, instance: String(RunID.make().dropFirst(2)), startTime: startTime(of: pid)
        )
    }

    /// Parses `PID.START@HOST#INSTANCE` or `PID@HOST#INSTANCE`.
    public init?(owner: String) {
        guard let at = owner.firstIndex(of: "@"), let hash = owner.lastIndex(of: "#"), at < hash else { return nil }
        let process = owner[..<at].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let pid = Int32(process[0]) else { return nil }
        var start: UInt64?
        if process.count == 2 {
            guard let value = UInt64(process[1]) else { return nil }
            start = value
        }
        self.init(pid: pid, host: String(owner[owner.index(after: at)..<hash]), instance: String(owner[owner.index(after: hash)...]), startTime: start)
    }

    public var description: String { "\(pid)\(startTime.map { ".\($0)" } ?? "")@\(host)#\(instance)" }

    /// Whether this process may still exist. Another host's processes are assumed alive (their
    /// leases expire instead); on this host, the pid must be alive and, when the start time is
    /// known, have started at the same tick.
    public var isAlive: Bool {
        guard host == ProcessInfo.processInfo.hostName else { return true }
        return ProcessIdentity.isAlive(pid: pid, startedAt: startTime)
    }

    /// Whether this process is certainly gone: on this host and not alive. Work it owned may be
    /// taken over at once, without waiting for a lease to expire.
    public var isGone: Bool { host == ProcessInfo.processInfo.hostName && !isAlive }

    /// Whether the local process `pid` exists, has not exited, and (when `start` is given) started
    /// at that tick.
    public static func isAlive(pid: Int32, startedAt start: UInt64?) -> Bool {
        guard isAlive(pid: pid) else { return false }
        guard let start else { return true }
        #if os(Linux)
        guard let current = startTime(of: pid) else { return false }
        return current == start
        #else
        return true
        #endif
    }

    /// The start time of local process `pid` in clock ticks since boot (`/proc/PID/stat` field
    /// 22), or nil where it cannot be read.
    public static func startTime(of pid: Int32) -> UInt64? {
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name, which may hold spaces and parentheses: state is field 3,
        // starttime field 22, so it is the 20th after the closing parenthesis.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
        #else
        return nil
        #endif
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

    /// Whether the local process `pid` has `name=value` in its environment. A recorded child pid is
    /// signalled only while it still names the work it was started for: pids are reused, and soon
    /// where `pid_max` is 32768. False when the environment cannot be read (another user's process).
    public static func hasEnvironment(pid: Int32, _ name: String, _ value: String) -> Bool {
        #if os(Linux)
        guard pid > 0, let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
        let entry = Array("\(name)=\(value)".utf8)
        return data.split(separator: 0).contains { $0.elementsEqual(entry) }
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
