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

    /// Whether a local process with this pid exists (zombies count as gone).
    public static func isAlive(pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        #if os(Linux)
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            let state = stat[stat.index(close, offsetBy: 2)...].first
            return state != "Z" && state != "X"
        }
        #endif
        return true
    }

    /// Sends `signal` to the process group `pgid` (children are started as group leaders).
    public static func signalGroup(_ pgid: Int32, _ signal: Int32) {
        guard pgid > 1 else { return }
        _ = kill(-pgid, signal)
    }
}
