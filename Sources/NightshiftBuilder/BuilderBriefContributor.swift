public import Foundation
public import NightshiftCore

/// The builder's part of the morning brief: what shipped, what is in progress, which tasks failed
/// and why, the queue's totals and the next three tasks.
public struct BuilderBriefContributor: BriefContributor {
    public init() {}

    public func sections(for period: BriefPeriod, store: any Store) async throws -> [BriefSection] {
        let stats = QueueStats(totals: try await store.taskTotals(queue: QueueTask.builderQueue))
        guard stats.total > 0 else { return [] }
        let tasks = try await BuildQueue.reportTasks(in: store, since: period.since, until: period.until)
        let report = OvernightReport(tasks: tasks, since: period.since, until: period.until, timeZone: period.timeZone)
        func items(_ entries: [OvernightReport.Entry]) -> JSONValue {
            .array(entries.map { entry in
                var item: [String: JSONValue] = [
                    "id": .string(entry.id), "title": .string(entry.title), "category": .string(entry.category), "hours": .number(entry.hours),
                    "state": .string(entry.state), "note": entry.note.map { .string($0) } ?? .null, "attempts": .integer(Int64(entry.attempts)),
                ]
                // Under git isolation only: the task's branch and commits.
                if let branch = entry.branch {
                    item["branch"] = .string(branch)
                    item["commits"] = .array((entry.commits ?? []).map { .string($0) })
                    item["merged"] = .bool(entry.merged ?? false)
                }
                return .object(item)
            })
        }
        var sections: [BriefSection] = []
        if !report.completed.isEmpty {
            sections.append(BriefSection(
                id: "builds_shipped", title: "What shipped overnight", rank: BriefSection.Rank.shipped,
                lines: ["\(report.completed.count) task\(report.completed.count == 1 ? "" : "s") shipped, \(OvernightReport.hours(report.hoursShipped)) of estimated work."]
                    + report.completed.map { "\($0.id) \($0.title) (\(OvernightReport.hours($0.hours)), \($0.category))\($0.gitNote)" },
                items: items(report.completed)
            ))
        }
        if !report.inProgress.isEmpty {
            sections.append(BriefSection(
                id: "builds_in_progress", title: "In progress", rank: BriefSection.Rank.inProgress,
                lines: report.inProgress.map { "\($0.id) \($0.title): \($0.note ?? $0.state)" }, items: items(report.inProgress)
            ))
        }
        if !report.failed.isEmpty {
            sections.append(BriefSection(
                id: "builds_failed", title: "Tasks that failed", rank: BriefSection.Rank.failedTasks,
                lines: report.failed.map { "\($0.id) \($0.title): \($0.note ?? "failed"); nightshift queue retry \($0.id)\($0.gitNote)" },
                items: items(report.failed)
            ))
        }
        sections.append(BriefSection(
            id: "queue", title: "Build queue", rank: BriefSection.Rank.queue,
            lines: [
                "\(stats.total) tasks: " + TaskState.allCases.compactMap { state in
                    let count = stats.byState[state.rawValue] ?? 0
                    return count == 0 ? nil : "\(count) \(state.rawValue)"
                }.joined(separator: ", ") + String(format: "; completion rate %.0f%%; %@ shipped in all.", stats.completionRate * 100, OvernightReport.hours(stats.hoursShipped)),
            ],
            items: .object([
                "total": .integer(Int64(stats.total)), "completion_rate": .number(stats.completionRate), "hours_shipped": .number(stats.hoursShipped),
                "by_state": .object(stats.byState.mapValues { .integer(Int64($0)) }),
            ])
        ))
        let next = Array(BuildQueue.ready(tasks).prefix(3))
        if !next.isEmpty {
            sections.append(BriefSection(
                id: "next_tasks", title: "Next tasks", rank: BriefSection.Rank.nextTasks,
                lines: next.map { "\($0.id) \($0.title) (\(OvernightReport.hours($0.hours)), score \(String(format: "%.2f", $0.score)))" },
                items: .array(next.map { .object(["id": .string($0.id), "title": .string($0.title), "hours": .number($0.hours), "score": .number($0.score)]) })
            ))
        }
        return sections
    }
}
