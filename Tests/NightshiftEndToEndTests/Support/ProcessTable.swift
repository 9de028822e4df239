import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Looks at the machine's processes, to check that a job's children are really gone.
///
/// A process killed after its parent died may stay a zombie until PID 1 reaps it (in a container
/// PID 1 often never does), so zombies count as gone.
enum ProcessTable {
    @discardableResult
    static func signal(_ pid: Int32, _ signal: Int32) -> Int32 {
        kill(pid, signal)
    }

    /// Whether `pid` exists and is not a zombie.
    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        return stat(pid).map { !$0.isDead } ?? false
        #else
        return true
        #endif
    }

    /// Whether any process of the process group `pgid` exists and is not a zombie.
    static func isGroupAlive(_ pgid: Int32) -> Bool {
        guard pgid > 1, kill(-pgid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { entry in
            guard let pid = Int32(entry), let stat = stat(pid) else { return false }
            return stat.group == pgid && !stat.isDead
        }
        #else
        return true
        #endif
    }

    /// The parent of `pid` (for a command Nightshift runs: its supervisor), or nil.
    static func parent(of pid: Int32) -> Int32? {
        stat(pid)?.parent
    }

    /// Cuts a supervised command off as a machine crash would: SIGKILLs its supervisor (the
    /// command's parent) and then the command's whole process group, and waits until both are gone.
    static func killSupervised(_ pgid: Int32) async throws {
        if let supervisor = parent(of: pgid), supervisor > 1 { kill(supervisor, SIGKILL) }
        kill(-pgid, SIGKILL)
        let deadline = Date().addingTimeInterval(10)
        while isGroupAlive(pgid), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
    }

    private struct Stat {
        var state: Character
        var parent: Int32
        var group: Int32
        var isDead: Bool { state == "Z" || state == "X" || state == "x" }
    }

    /// Reads `/proc/PID/stat`: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
    private static func stat(_ pid: Int32) -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count >= 3, let state = fields[0].first, let parent = Int32(fields[1]), let group = Int32(fields[2]) else { return nil }
        return Stat(state: state, parent: parent, group: group)
    }
}
