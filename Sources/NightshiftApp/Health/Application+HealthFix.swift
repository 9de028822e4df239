public import Foundation
public import NightshiftCore

/// One automatic fix `health fix` would carry out: what it touches.
public struct HealthFix: Sendable, Hashable {
    public var kind: FixKind
    /// One sentence: "delete 3 log files older than 30 days (12.0 MB)".
    public var summary: String
    /// Workspace-relative files it deletes or gzips.
    public var paths: [String]
    public var bytes: Double
    /// For `optimize_store`: whether it vacuums.
    public var vacuum: Bool = false
    /// For `prune_history`: samples taken before this are deleted.
    public var cutoff: Date?
    /// For `prune_history`: learner events before this are deleted; never later than the
    /// learner's lookback reaches, or a weekly routine could never be learnt.
    public var eventCutoff: Date?

    /// The action proposed to the policy gate: its payload is exactly what is done.
    public var action: ProposedAction {
        var payload: [String: JSONValue] = ["fix": .string(kind.rawValue), "paths": .array(paths.map { .string($0) })]
        if kind == .optimizeStore { payload["vacuum"] = .bool(vacuum) }
        if let cutoff { payload["before"] = .string(ISO8601.format(cutoff, in: TimeZone(identifier: "UTC")!)) }
        if let eventCutoff { payload["events_before"] = .string(ISO8601.format(eventCutoff, in: TimeZone(identifier: "UTC")!)) }
        return ProposedAction(
            type: kind.actionType, attributes: ["fix": .string(kind.rawValue), "files": .integer(Int64(paths.count)), "bytes": .number(bytes)],
            payload: .object(payload), actor: Actor(.pack, "health"), summary: summary
        )
    }
}

/// How one fix went.
public struct HealthFixOutcome: Sendable {
    public enum Status: String, Sendable, Codable {
        /// `--dry-run`: what would be done, and what the policy would say.
        case planned
        case done
        case failed
        case forbidden
        case awaitingApproval = "awaiting_approval"
    }

    public var fix: HealthFix
    public var status: Status
    public var actionID: String?
    /// The policy's reason, the error, or what was done.
    public var detail: String
}

extension NightshiftApplication {
    /// The fixes there is something to do for at `now`: old logs, large logs, the store (always
    /// optimized; vacuumed when enough pages are free), and history past its retention.
    public func planHealthFixes(at now: Date) async throws -> [HealthFix] {
        let settings = configuration.health
        let logs = HealthSensor(workspace: workspace).logFiles()
        var fixes: [HealthFix] = []
        let old = healthRules.oldLogs(logs, at: now)
        if !old.isEmpty {
            fixes.append(HealthFix(
                kind: .deleteOldLogs, summary: "delete \(old.count) log file(s) older than \(Int(settings.logRetention / 86_400)) days (\(HealthRules.size(old.map(\.bytes).reduce(0, +))))",
                paths: old.map(\.path), bytes: old.map(\.bytes).reduce(0, +)
            ))
        }
        let large = healthRules.largeLogs(logs, at: now)
        if !large.isEmpty {
            fixes.append(HealthFix(
                kind: .rotateLargeLogs, summary: "gzip \(large.count) log file(s) over \(HealthRules.size(settings.logRotateBytes)) (\(HealthRules.size(large.map(\.bytes).reduce(0, +))))",
                paths: large.map(\.path), bytes: large.map(\.bytes).reduce(0, +)
            ))
        }
        if let statistics = try await maintenance?.storeStatistics() {
            let vacuum = statistics.freePercent >= settings.vacuumFreePercent
            fixes.append(HealthFix(
                kind: .optimizeStore,
                summary: "optimize the store and checkpoint its log" + (vacuum ? String(format: "; vacuum %.0f %% free pages", statistics.freePercent) : ""),
                paths: [], bytes: statistics.bytes, vacuum: vacuum
            ))
        }
        let cutoff = now.addingTimeInterval(-settings.sampleRetention)
        // Events are what the pattern learner reads: kept as long as it looks back at least.
        let eventRetention = max(settings.sampleRetention, patternLearner.configuration.lookback)
        let eventCutoff = now.addingTimeInterval(-eventRetention)
        let oldSamples = try await store.samples(SampleQuery(until: cutoff, limit: 1))
        let oldEvents = try await store.events(EventQuery(until: eventCutoff, limit: 1))
        let deleting = Set(old.map(\.path))
        let outputs = logs.filter {
            // Run logs, and the supervisors' status and result files (read only to take over after a crash).
            ($0.path.hasPrefix("logs/runs/") || $0.path.hasPrefix("logs/supervised/"))
                && now.timeIntervalSince($0.modified) > settings.runOutputRetention && !deleting.contains($0.path)
        }
        if !oldSamples.isEmpty || !oldEvents.isEmpty || !outputs.isEmpty {
            fixes.append(HealthFix(
                kind: .pruneHistory,
                summary: "prune samples older than \(Int(settings.sampleRetention / 86_400)) days, events older than "
                    + "\(Int(eventRetention / 86_400)) days and \(outputs.count) run output(s) older than \(Int(settings.runOutputRetention / 86_400)) days",
                paths: outputs.map(\.path), bytes: outputs.map(\.bytes).reduce(0, +), cutoff: cutoff, eventCutoff: eventCutoff
            ))
        }
        return fixes
    }

    /// Plans the fixes and proposes each to the policy gate, which carries out an allowed one
    /// through its handler (``HealthFixHandler``) and records its execution. With `dryRun`,
    /// nothing is proposed or changed: each fix says what the policy would decide. `only` limits
    /// the fixes to those kinds (the daemon prunes history on its own once a day).
    public func applyHealthFixes(
        dryRun: Bool, only kinds: Set<FixKind>? = nil, at now: Date = Date(), gate: PolicyGate? = nil
    ) async throws -> [HealthFixOutcome] {
        let fixes = try await planHealthFixes(at: now).filter { kinds?.contains($0.kind) ?? true }
        let gate = gate ?? self.gate
        var outcomes: [HealthFixOutcome] = []
        for fix in fixes {
            if dryRun {
                let decision = try await gate.explain(fix.action)
                outcomes.append(HealthFixOutcome(fix: fix, status: .planned, actionID: nil, detail: "policy: \(decision.verdict) — \(decision.reason)"))
                continue
            }
            let outcome = try await gate.propose(fix.action)
            switch outcome.decision.verdict {
            case .forbid:
                outcomes.append(HealthFixOutcome(fix: fix, status: .forbidden, actionID: outcome.record.id, detail: outcome.decision.reason))
            case .approve:
                outcomes.append(HealthFixOutcome(fix: fix, status: .awaitingApproval, actionID: outcome.record.id, detail: outcome.decision.reason))
            case .allow:
                let result = outcome.result
                outcomes.append(HealthFixOutcome(
                    fix: fix, status: result.succeeded ? .done : .failed, actionID: outcome.record.id, detail: result.succeeded ? result.excerpt : result.error ?? "failed"
                ))
            }
        }
        return outcomes
    }
}
