import Foundation
import Logging
import NightshiftCore
import ServiceLifecycle

/// Health (docs/HEALTH.md) as a pack: the fixes' handler, the steps `health.scan` and
/// `health.fix`, the brief's health sections and the daemon's sensor service.
struct HealthPack: Pack {
    var name: String { "health" }

    func handlers(_ context: PackContext) -> [any ActionHandler] {
        [HealthFixHandler(root: context.root, store: context.store)]
    }

    func steps(_ context: PackContext) -> [any PackStep] {
        guard let app = context.host as? NightshiftApplication else { return [] }
        return [
            AppStep(name: "health.scan", summary: "sample, scan for problems and escalate what needs the operator") { step in
                let scan = try await app.scanHealth(at: step.now)
                var lines = scan.changes.open.map { "\($0.severity.rawValue): \($0.key): \($0.summary)" }
                lines.append("problem scan: \(scan.changes.open.count) open, \(scan.changes.resolved.count) resolved, \(scan.escalated.count) escalated")
                return StepText.result(lines, [
                    "open": .array(scan.changes.open.map { .string($0.key) }), "resolved": .array(scan.changes.resolved.map { .string($0.key) }),
                    "escalated": .array(scan.escalated.map { .string($0.key) }),
                ])
            },
            AppStep(name: "health.fix", summary: "propose every automatic fix to the policy gate, then scan again") { step in
                let outcomes = try await app.applyHealthFixes(dryRun: false, at: step.now, gate: step.gate)
                let rescan = try await app.scanHealth(at: step.clock.now(), resolution: "fixed by the overnight run")
                var lines = outcomes.map { "\($0.status.rawValue): \($0.fix.summary)" }
                lines.append("auto-fixes: \(outcomes.filter { $0.status == .done }.count) done, \(rescan.changes.open.count) problem(s) still open")
                return StepText.result(lines, [
                    "fixes": .array(outcomes.map { .object(["fix": .string($0.fix.kind.rawValue), "status": .string($0.status.rawValue)]) }),
                    "open": .array(rescan.changes.open.map { .string($0.key) }),
                ])
            },
        ]
    }

    func briefContributors(_ context: PackContext) -> [any BriefContributor] { [HealthBriefContributor()] }

    func services(_ context: PackContext) -> [(name: String, service: any Service)] {
        guard let app = context.host as? NightshiftApplication else { return [] }
        let service = HealthService(app: app, clock: context.clock) { now in
            // Enabled patterns' pre-builds that are due, through the gate (docs/LEARNING.md).
            do { _ = try await app.runDuePrebuilds(at: now) } catch {
                app.logger.info("pattern pre-builds failed", metadata: ["nightshift.error": "\(error)"])
            }
        }
        return [("health", service)]
    }
}

/// Learning (docs/LEARNING.md) as a pack: the step `learning.prebuild` and the brief's
/// predictions and suggestions.
struct LearningPack: Pack {
    var name: String { "learning" }

    /// Adopting a proposed schedule edits `nightshift.toml`: the operator approves it by default.
    var catalog: [String: Tier] { [ScheduleAdoptionHandler.type: .approval] }

    func handlers(_ context: PackContext) -> [any ActionHandler] {
        guard let app = context.host as? NightshiftApplication else { return [] }
        return [ScheduleAdoptionHandler(path: app.workspace.configPath, sections: NightshiftApplication.packSections, environment: app.environment)]
    }

    func steps(_ context: PackContext) -> [any PackStep] {
        guard let app = context.host as? NightshiftApplication else { return [] }
        return [
            AppStep(name: "learning.prebuild", summary: "run the enabled patterns' pre-builds that are due, through the gate") { step in
                let outcomes = try await app.runDuePrebuilds(at: step.now, gate: step.gate)
                var lines = outcomes.map { "\($0.status.rawValue): \($0.pattern.id)\($0.detail.map { " — \($0)" } ?? "")" }
                lines.append("pattern pre-builds: \(outcomes.filter { $0.status == .succeeded }.count) ran, \(outcomes.count) due (enable patterns with nightshift patterns enable ID)")
                return StepText.result(lines, [
                    "prebuilds": .array(outcomes.map { .object(["pattern": .string($0.pattern.id), "status": .string($0.status.rawValue)]) }),
                ])
            },
        ]
    }

    func briefContributors(_ context: PackContext) -> [any BriefContributor] {
        var contributors: [any BriefContributor] = [LearningBriefContributor(jobs: context.configuration.jobs.map(\.name))]
        if let app = context.host as? NightshiftApplication { contributors.append(MetricsBriefContributor(app: app)) }
        return contributors
    }
}

/// The brief's delivery as a step, `brief.deliver`, for jobs such as the builder's `morning-brief`.
struct BriefPack: Pack {
    var name: String { "brief" }

    func steps(_ context: PackContext) -> [any PackStep] {
        guard let app = context.host as? NightshiftApplication else { return [] }
        return [
            AppStep(name: "brief.deliver", summary: "write the brief since the last delivered one and send it to the notifiers") { step in
                let now = step.now
                let brief = try await app.makeBriefBuilder().build(since: try await app.defaultBriefSince(now: now), until: now)
                let path = try app.saveBrief(brief)
                let delivery = try await app.deliverBrief(brief)
                let lines = ["brief written to \(path)"] + delivery.shortfalls
                var result = StepText.result(lines, [
                    "path": .string(path), "delivered_to": .array(delivery.deliveredTo.map { .string($0) }),
                    "undelivered": .array(delivery.problems.map { .string($0) }),
                ])
                if delivery.failed {
                    result.succeeded = false
                    result.error = lines.dropFirst().joined(separator: "; ")
                }
                return result
            },
        ]
    }
}

/// A step of the application's own packs: a closure over the application.
struct AppStep: PackStep {
    let name: String
    let summary: String
    let body: @Sendable (StepContext) async throws -> ActionResult

    func run(_ context: StepContext) async -> ActionResult {
        do { return try await body(context) } catch {
            return .failure("\(name) failed: \(error)")
        }
    }
}
