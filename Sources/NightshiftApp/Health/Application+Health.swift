public import Foundation
public import NightshiftCore

/// What one `health scan` saw and changed.
public struct HealthScan: Sendable {
    public var samples: [MetricSample]
    public var changes: ProblemChanges
    /// Problems sent to the notifiers by this scan.
    public var escalated: [Problem]
}

extension NightshiftApplication {
    /// The rules with this workspace's `[health]` settings.
    public var healthRules: HealthRules { HealthRules(settings: configuration.health) }

    /// The store's upkeep, when it has any (SQLite does; memory does not).
    var maintenance: (any StoreMaintenance)? { store as? any StoreMaintenance }

    /// Reads the sensors at `now` and stores the samples. Returns them with the log files counted
    /// and the store's statistics (nil for a store without upkeep).
    public func sampleHealth(at now: Date, environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> (samples: [MetricSample], logs: [LogFile], store: StoreStatistics?)
    {
        let statistics = try? await maintenance?.storeStatistics()
        let reading = HealthSensor(workspace: workspace, environment: environment).read(at: now, storeBytes: statistics?.bytes)
        try await store.insertSamples(reading.samples)
        return (reading.samples, reading.logs, statistics)
    }

    /// Samples, evaluates the rules over the new samples and the recent trend history, records the
    /// problems (opening, refreshing, resolving) and escalates what needs the operator.
    public func scanHealth(
        at now: Date, resolution: String = "cleared", environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> HealthScan {
        let reading = try await sampleHealth(at: now, environment: environment)
        let settings = configuration.health
        // Enough history for the trend: its samples at the sampling interval, with room for gaps.
        let history = try await store.samples(SampleQuery(
            metrics: [Metric.diskUsedPercent], since: now.addingTimeInterval(-Double(settings.trendSamples) * settings.interval * 3),
            until: now.addingTimeInterval(1), limit: settings.trendSamples
        ))
        let latest = reading.samples.filter { $0.metric != Metric.diskUsedPercent }
        let snapshot = HealthSnapshot(samples: history + latest, logs: reading.logs, storeFreePercent: reading.store?.freePercent)
        let changes = try await store.recordScan(healthRules.evaluate(snapshot, at: now), resolution: resolution, at: now)
        let escalated = try await escalate(changes.open, at: now)
        return HealthScan(samples: reading.samples, changes: changes, escalated: escalated)
    }

    /// Sends each open problem that needs the operator (critical, or no automatic fix) to the
    /// notifiers, once: a problem stays escalated until it resolves. Returns the problems at least
    /// one notifier took; one none took (or with no notifier configured) is not marked escalated,
    /// and goes at the next scan that can deliver it.
    func escalate(_ problems: [Problem], at now: Date) async throws -> [Problem] {
        let due = problems.filter { $0.needsEscalation && $0.escalatedAt == nil }
        let notifiers = makeNotifiers()
        guard !due.isEmpty, !notifiers.isEmpty else { return [] }
        let alerter = Alerter(store: store, notifiers: notifiers, logger: logger)
        var sent: [Problem] = []
        for problem in due {
            let text = "Health \(problem.severity) on \(workspaceName): \(problem.summary)"
                + (problem.fix.map { " — `nightshift health fix` can \($0.phrase)" } ?? " — needs the operator")
            let errors = await alerter.deliver(AlertMessage(
                job: "health", kind: .health, runID: nil, consecutiveFailures: problem.occurrences, error: problem.key, text: text, at: now
            ))
            guard errors.count < notifiers.count else { continue }
            try await store.markEscalated(problem.id, at: now)
            sent.append(problem)
        }
        return sent
    }

    /// Problems a fix resolved in [start, until), oldest first.
    public func fixedProblems(from start: Date, until: Date) async throws -> [Problem] {
        try await HealthBriefContributor.fixed(in: store, from: start, until: until)
    }

    /// The workspace's name as the operator set it, else its folder's.
    public var workspaceName: String { configuration.settings.name ?? (workspace.root as NSString).lastPathComponent }
}
