import Foundation
import Logging
import NightshiftCore
import ServiceLifecycle

/// The daemon's sensor: every `[health] interval` it samples, scans and escalates (see
/// ``NightshiftApplication/scanHealth(at:resolution:environment:)``), once a day proposes the
/// `prune_history` fix so samples and events keep their retention without the overnight cycle,
/// then runs `afterScan` (the pattern learner's due pre-builds). A failed round is logged; the
/// next one comes anyway.
struct HealthService: Service {
    let app: NightshiftApplication
    let clock: any WallClock
    var afterScan: @Sendable (Date) async -> Void = { _ in }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var lastPrune: Date?
            while !Task.isCancelled {
                let now = clock.now()
                if lastPrune.map({ now.timeIntervalSince($0) >= 86_400 }) ?? true {
                    lastPrune = now
                    do { _ = try await app.applyHealthFixes(dryRun: false, only: [.pruneHistory], at: now) } catch {
                        app.logger.info("pruning history failed", metadata: ["nightshift.error": "\(error)"])
                    }
                }
                do {
                    let scan = try await app.scanHealth(at: now)
                    if !scan.changes.opened.isEmpty || !scan.changes.resolved.isEmpty {
                        app.logger.info("health scan", metadata: [
                            "nightshift.health.opened": "\(scan.changes.opened.map(\.key))",
                            "nightshift.health.resolved": "\(scan.changes.resolved.map(\.key))",
                        ])
                    }
                } catch {
                    app.logger.info("health scan failed", metadata: ["nightshift.error": "\(error)"])
                }
                await afterScan(now)
                do {
                    try await clock.sleep(until: now.addingTimeInterval(app.configuration.health.interval))
                } catch {
                    return  // cancelled: the daemon is stopping
                }
            }
        }
    }
}
