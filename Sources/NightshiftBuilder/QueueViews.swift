public import Foundation
public import NightshiftCore

extension QueueTask {
    /// The task as `queue … --json` prints it; times in `zone`.
    public func json(zone: TimeZone) -> JSONValue {
        var members = jsonMembers(zone: zone)
        // A task built in phases: each phase with how it went so far.
        if !phases.isEmpty {
            let outcomes = phaseOutcomes
            members["phases"] = .array(phases.map { phase in
                var item: [String: JSONValue] = ["name": .string(phase.name), "hours": .number(phase.hours), "verify": .string(orNull: phase.verify)]
                let outcome = outcomes[phase.name]
                item["state"] = .string(outcome?.state ?? "left")
                item["attempts"] = .integer(Int64(outcome?.attempts ?? 0))
                return .object(item)
            })
        }
        return .object(members)
    }

    private func jsonMembers(zone: TimeZone) -> [String: JSONValue] {
        ([
            "id": .string(id), "title": .string(title), "description": .string(description), "category": .string(category),
            "hours": .number(hours), "score": .number(score), "priority": .string(priority.rawValue),
            "impact": .integer(Int64(impact)), "effort": .integer(Int64(effort)), "verify": .string(orNull: verify),
            "depends_on": .array(dependsOn.map { .string($0) }), "state": .string(state.rawValue), "window": .string(orNull: window),
            "scheduled_for": .time(scheduledFor, in: zone), "attempts": .integer(Int64(attempts)),
            "max_attempts": .integer(Int64(maxAttempts)), "lease_owner": .string(orNull: leaseOwner),
            "lease_expires_at": .time(leaseExpiresAt, in: zone), "pid": pid.map { .integer(Int64($0)) } ?? .null,
            "action_id": .string(orNull: actionID), "created_at": .time(createdAt, in: zone), "updated_at": .time(updatedAt, in: zone),
            "started_at": .time(startedAt, in: zone), "finished_at": .time(finishedAt, in: zone), "error": .string(orNull: lastError),
            "result": result ?? .null,
        ])
    }

    /// How far a running task is into its estimate at `now`, in percent (at most 100); 0 before it starts.
    public func progressPercent(at now: Date) -> Double {
        guard let startedAt else { return 0 }
        return min(100, now.timeIntervalSince(startedAt) / (hours * 3600) * 100)
    }

    /// The task as `queue progress --json` prints it: ``json(zone:)`` with its progress and agent log.
    public func progressJSON(zone: TimeZone, at now: Date, logsDirectory: String) -> JSONValue {
        guard case .object(var members) = json(zone: zone) else { return json(zone: zone) }
        members["progress_percent"] = startedAt == nil ? .null : .number(progressPercent(at: now))
        members["log"] = .string("\(logsDirectory)/subagents/\(id).log")
        return .object(members)
    }
}

/// A running task, or one waiting for approval with its spawn's action as it stands now.
public struct TaskProgress: Sendable {
    public var task: QueueTask
    /// The `spawn_subagent` action a waiting task was parked with.
    public var spawn: ActionRecord?

    public init(task: QueueTask, spawn: ActionRecord?) {
        self.task = task
        self.spawn = spawn
    }

    /// What a waiting task waits for, said from its spawn's status now: only a spawn still in the
    /// inbox tells the operator to approve it.
    public var waiting: String {
        guard let spawn else { return task.lastError ?? "awaiting approval" }
        switch spawn.status {
        case .awaitingApproval:
            return "awaiting approval: nightshift approvals approve \(spawn.id) (\(spawn.reason))"
        case .approved, .executing, .allowed:
            return "approved (\(spawn.id)): its agent is starting in the approving process"
        case .interrupted:
            return "approved (\(spawn.id)), but its start was cut off; approve it again: nightshift approvals approve \(spawn.id)"
        case .failed, .refused:
            return "approved (\(spawn.id)), not run: \(spawn.outcome ?? spawn.reason)"
        case .rejected, .expired:
            return "spawn \(spawn.status) (\(spawn.id)); the worker cancels the task at its next look"
        case .executed, .consumed, .forbidden:
            return "spawn \(spawn.status) (\(spawn.id))"
        }
    }

    /// The entry as `queue progress --json` prints it: the task, its progress, and for a waiting
    /// task `spawn` (`id`, `status`) and `waiting` (the sentence).
    public func json(zone: TimeZone, at now: Date, logsDirectory: String) -> JSONValue {
        guard case .object(var members) = task.progressJSON(zone: zone, at: now, logsDirectory: logsDirectory) else {
            return task.progressJSON(zone: zone, at: now, logsDirectory: logsDirectory)
        }
        if task.state == .awaitingApproval {
            members["waiting"] = .string(waiting)
            members["spawn"] = spawn.map { .object(["id": .string($0.id), "status": .string($0.status.rawValue)]) } ?? .null
        }
        return .object(members)
    }
}

extension BuildPlanner.Plan {
    /// The plan as `queue schedule --json` prints it; `written` says whether it was applied.
    public func json(zone: TimeZone, written: Bool) -> JSONValue {
        .object([
            "assignments": .array(assignments.map { assignment in
                .object([
                    "task": .string(assignment.task.id), "title": .string(assignment.task.title), "hours": .number(assignment.task.hours),
                    "score": .number(assignment.task.score), "window": .string(assignment.window),
                    "opens": .string(ISO8601.format(assignment.opening.start, in: zone)), "closes": .string(ISO8601.format(assignment.opening.end, in: zone)),
                ])
            }),
            "unplaced": .array(unplaced.map { .string($0.id) }), "written": .bool(written),
        ])
    }
}

extension WeekendPlanner.Suggestion {
    /// The suggestion as `weekend suggest --json` prints it: the task with its phases.
    public func json(zone: TimeZone) -> JSONValue {
        guard case .object(var members) = task.json(zone: zone) else { return task.json(zone: zone) }
        members["phases"] = .array(phases.map { .object(["name": .string($0.name), "hours": .number($0.hours)]) })
        return .object(members)
    }
}

/// The weekend project as `weekend progress --json` and `weekend summary --json` print it.
public struct WeekendPlanView: Encodable, Sendable {
    public var task: String
    public var title: String
    public var hours: Double
    /// Done, from 0 to 1, to three decimals.
    public var progress: Double
    public var selectedAt: Date
    public var startedAt: Date?
    public var completedAt: Date?
    public var phases: [WeekendPlan.Phase]

    public init(_ plan: WeekendPlan) {
        task = plan.task
        title = plan.title
        hours = plan.hours
        progress = (plan.progress * 1000).rounded() / 1000
        selectedAt = plan.selectedAt
        startedAt = plan.startedAt
        completedAt = plan.completedAt
        phases = plan.phases
    }
}
