public import Foundation
import NightshiftBuilder
public import NightshiftCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one set of health samples: the workspace's file system, memory, load, `logs/` and each
/// log file, the store's files, and this process's resident memory.
///
/// `NIGHTSHIFT_RESOURCE_USAGE=DISK,MEMORY` (percentages) replaces the disk and memory readings, as
/// it does for the builder's resource gate, so a drill can show a full disk without filling one.
public struct HealthSensor: Sendable {
    public var workspace: Workspace
    public var environment: [String: String]

    public init(workspace: Workspace, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.workspace = workspace
        self.environment = environment
    }

    /// The samples at `now` and the log files they counted.
    public func read(at now: Date, storeBytes: Double?) -> (samples: [MetricSample], logs: [LogFile]) {
        var samples: [MetricSample] = []
        func add(_ metric: String, _ value: Double?) {
            if let value, value.isFinite { samples.append(MetricSample(metric: metric, value: value, at: now)) }
        }
        var stats = statvfs()
        if statvfs(workspace.root, &stats) == 0, stats.f_blocks > 0 {
            let unit = Double(stats.f_frsize)
            add(Metric.diskTotalBytes, Double(stats.f_blocks) * unit)
            add(Metric.diskFreeBytes, Double(stats.f_bavail) * unit)
        }
        let usage = SystemResources.usage(path: workspace.root, environment: environment)
        add(Metric.diskUsedPercent, usage?.diskPercent)
        add(Metric.memoryUsedPercent, usage?.memoryPercent)
        add(Metric.loadPercent, Self.loadPercent())
        let logs = logFiles()
        add(Metric.logsBytes, logs.map(\.bytes).reduce(0, +))
        for log in logs { add(Metric.logFile(log.path), log.bytes) }
        add(Metric.storeBytes, storeBytes)
        add(Metric.daemonRSSBytes, Self.residentBytes())
        return (samples, logs)
    }

    /// Every regular file under `logs/`, by its path relative to the workspace, sorted.
    public func logFiles() -> [LogFile] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: workspace.logsDirectory) else { return [] }
        var files: [LogFile] = []
        while let relative = walker.nextObject() as? String {
            let path = "\(workspace.logsDirectory)/\(relative)"
            guard let attributes = try? manager.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular else {
                continue
            }
            let bytes = (attributes[.size] as? NSNumber)?.doubleValue ?? 0
            let modified = attributes[.modificationDate] as? Date ?? .distantPast
            files.append(LogFile(path: "logs/\(relative)", bytes: bytes, modified: modified))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The one-minute load average per core, in percent, from /proc/loadavg.
    static func loadPercent() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
            let first = text.split(separator: " ").first, let load = Double(first)
        else { return nil }
        return load / Double(max(1, ProcessInfo.processInfo.activeProcessorCount)) * 100
    }

    /// VmRSS of this process from /proc/self/status, in bytes.
    static func residentBytes() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kilobytes * 1024
    }
}
