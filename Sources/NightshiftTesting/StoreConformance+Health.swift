import Foundation
import NightshiftCore

extension StoreConformance {
    /// Metric samples, the problem lifecycle, and learner events.
    public static let healthCases: [StoreConformanceCase] = [
        StoreConformanceCase("samples: filtered by metric and time, oldest first, the newest kept at the limit; pruned by age") { store in
            let base = Date(timeIntervalSince1970: 1_790_000_000)
            var samples: [MetricSample] = []
            for minute in 0..<10 {
                samples.append(MetricSample(metric: Metric.diskUsedPercent, value: 50 + Double(minute) / 4, at: base + Double(minute) * 60))
                samples.append(MetricSample(metric: Metric.logsBytes, value: Double(minute * 1000), at: base + Double(minute) * 60))
            }
            try await store.insertSamples(samples.reversed())
            let disk = try await store.samples(SampleQuery(metrics: [Metric.diskUsedPercent]))
            try checkEqual(disk.map(\.value), (0..<10).map { 50 + Double($0) / 4 }, "disk values, oldest first")
            try checkEqual(disk.first?.at, base, "first sample time")
            let window = try await store.samples(SampleQuery(since: base + 120, until: base + 240))
            try checkEqual(window.count, 4, "samples in [2 min, 4 min)")
            let newest = try await store.samples(SampleQuery(metrics: [Metric.logsBytes], limit: 3))
            try checkEqual(newest.map(\.value), [7000, 8000, 9000], "the 3 newest, oldest first")
            try checkEqual(try await store.pruneSamples(before: base + 300), 10, "pruned")
            try checkEqual(try await store.samples(SampleQuery()).count, 10, "left")
        },

        StoreConformanceCase("recordScan: opens, refreshes and resolves; one open problem per key; a key found again later reopens") { store in
            let t0 = Date(timeIntervalSince1970: 1_790_000_000)
            let disk = ProblemFinding(key: "disk.usage", severity: .warning, summary: "disk 85 % full", evidence: ["percent": .number(85)])
            let logs = ProblemFinding(key: "logs.large", severity: .warning, summary: "2 logs over 10 MB", fix: .rotateLargeLogs)
            let first = try await store.recordScan([disk, logs], resolution: "cleared", at: t0)
            try checkEqual(first.opened.map(\.key).sorted(), ["disk.usage", "logs.large"], "opened")
            var critical = disk
            critical.severity = .critical
            critical.summary = "disk 93 % full"
            let second = try await store.recordScan([critical], resolution: "fixed", at: t0 + 300)
            try checkEqual(second.updated.map(\.key), ["disk.usage"], "updated")
            try checkEqual(second.resolved.map(\.key), ["logs.large"], "resolved")
            try checkEqual(second.resolved.first?.resolution, "fixed", "resolution")
            let open = try await store.problems(ProblemQuery(open: true))
            try checkEqual(open.count, 1, "open problems")
            try checkEqual(open.first?.severity, .critical, "severity raised")
            try checkEqual(open.first?.summary, "disk 93 % full", "summary refreshed")
            try checkEqual(open.first?.firstSeen, t0, "first seen kept")
            try checkEqual(open.first?.lastSeen, t0 + 300, "last seen")
            try checkEqual(open.first?.occurrences, 2, "occurrences")
            try checkEqual(open.first?.id, first.opened.first { $0.key == "disk.usage" }?.id, "same problem")
            let resolved = try await store.problems(ProblemQuery(open: false))
            try checkEqual(resolved.first?.resolvedAt, t0 + 300, "resolved at")
            try checkEqual(resolved.first?.fix, .rotateLargeLogs, "fix kept")
            let third = try await store.recordScan([logs], resolution: "cleared", at: t0 + 600)
            try checkEqual(third.opened.map(\.key), ["logs.large"], "a key found again after it cleared opens a new problem")
            try check(third.opened.first?.id != resolved.first?.id, "the reopened problem has a new id")
            try checkEqual(try await store.problems(ProblemQuery()).count, 3, "all problems")
            try checkEqual(try await store.problems(ProblemQuery(since: t0 + 600)).map(\.key).sorted(), ["disk.usage", "logs.large"], "since")
            let id = try unwrap(third.opened.first?.id, "reopened id")
            try await store.markEscalated(id, at: t0 + 601)
            try checkEqual(try await store.problems(ProblemQuery(open: true)).first { $0.id == id }?.escalatedAt, t0 + 601, "escalated at")
        },

        StoreConformanceCase("events: filtered by kind, name and time, oldest first, with meta and run id; pruned by age") { store in
            let t0 = Date(timeIntervalSince1970: 1_790_000_000)
            try await store.insertEvent(ObservedEvent(kind: .request, name: "nba_rankings", at: t0, data: .object(["source": .string("manual")])))
            try await store.insertEvent(ObservedEvent(kind: .timing, name: "fetch", at: t0 + 10, value: 2500, runID: "r_1"))
            try await store.insertEvent(ObservedEvent(kind: .failure, name: "fetch", at: t0 + 20, data: .object(["error": .string("timeout")])))
            try await store.insertEvent(ObservedEvent(kind: .request, name: "workout_log", at: t0 + 30))
            let requests = try await store.events(EventQuery(kinds: [.request]))
            try checkEqual(requests.map(\.name), ["nba_rankings", "workout_log"], "requests")
            try checkEqual(requests.first?.data, .object(["source": .string("manual")]), "meta")
            let fetch = try await store.events(EventQuery(name: "fetch"))
            try checkEqual(fetch.map(\.kind), [.timing, .failure], "fetch events")
            try checkEqual(fetch.first?.value, 2500, "timing value")
            try checkEqual(fetch.first?.runID, "r_1", "run id")
            try checkEqual(try await store.events(EventQuery(since: t0 + 10, until: t0 + 30)).count, 2, "window")
            try checkEqual(try await store.events(EventQuery(limit: 1)).map(\.name), ["workout_log"], "newest at the limit")
            try checkEqual(try await store.pruneEvents(before: t0 + 15), 2, "pruned")
            try checkEqual(try await store.events(EventQuery()).count, 2, "left")
        },
    ]
}
