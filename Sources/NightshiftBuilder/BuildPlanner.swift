public import Foundation
public import NightshiftCore

/// Places ready tasks into time windows: each into the earliest opening (the current one if it is
/// open) of a window it fits, best score first, without filling an opening beyond its length ×
/// the agents that may run at once.
public struct BuildPlanner: Sendable {
    /// One task placed in one opening of a window.
    public struct Assignment: Sendable, Hashable {
        public var task: QueueTask
        public var window: String
        public var opening: DateInterval
    }

    /// A plan, with the ready tasks that fit no window (larger than every window).
    public struct Plan: Sendable {
        public var assignments: [Assignment]
        public var unplaced: [QueueTask]
    }

    public var windows: [TimeWindow]
    public var timeZone: TimeZone
    /// Agents that may run at once: an opening holds this many times its length in task hours.
    public var concurrency: Int
    /// Openings of one window looked at before a task is left unplaced.
    public var horizon = 4

    public init(windows: [TimeWindow], timeZone: TimeZone, concurrency: Int) {
        self.windows = windows
        self.timeZone = timeZone
        self.concurrency = max(1, concurrency)
    }

    /// Plans `tasks` (the queue; only ready ones are placed) from `now`; with `only`, into that
    /// window alone.
    public func plan(_ tasks: [QueueTask], at now: Date, only: String? = nil) -> Plan {
        let candidates = windows.filter { only == nil || $0.name == only }
        var used: [String: Double] = [:]  // hours placed per "window@opening start"
        var assignments: [Assignment] = []
        var unplaced: [QueueTask] = []
        for task in BuildQueue.ready(tasks) {
            var best: (TimeWindow, DateInterval)?
            for window in candidates where window.fits(hours: task.hours) {
                var from = now
                for _ in 0..<horizon {
                    guard let opening = window.opening(at: from, in: timeZone) else { break }
                    let key = "\(window.name)@\(opening.start.timeIntervalSince1970)"
                    let capacity = window.lengthHours * Double(concurrency)
                    if (used[key] ?? 0) + task.hours <= capacity {
                        if best == nil || opening.start < best!.1.start
                            || (opening.start == best!.1.start && task.hours >= window.minHours && task.hours < best!.0.minHours) {
                            best = (window, opening)
                        }
                        break
                    }
                    from = opening.end
                }
            }
            guard let (window, opening) = best else {
                unplaced.append(task)
                continue
            }
            used["\(window.name)@\(opening.start.timeIntervalSince1970)", default: 0] += task.hours
            assignments.append(Assignment(task: task, window: window.name, opening: opening))
        }
        return Plan(assignments: assignments, unplaced: unplaced)
    }

    /// Writes a plan: each assigned task becomes `scheduled` with its window and opening start.
    /// Returns the tasks as stored.
    public static func apply(_ plan: Plan, store: any Store, at now: Date) async throws -> [QueueTask] {
        var stored: [QueueTask] = []
        for assignment in plan.assignments {
            var task = assignment.task
            task.state = .scheduled
            task.window = assignment.window
            task.scheduledFor = assignment.opening.start
            if let updated = try await store.updateTask(task, expecting: [.queued, .scheduled], at: now) { stored.append(updated) }
        }
        return stored
    }
}
