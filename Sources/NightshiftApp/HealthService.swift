import Foundation
import Logging
import NightshiftCore
import ServiceLifecycle

/// The daemon's sensor: every `[health] interval` it samples, scans and escalates (see
/// ``NightshiftApplication/scanHealth(at:resolution:environment:)``), then runs `afterScan` (the
/// pattern learner's due pre-builds). A failed round is logged; the next one comes anyway.
struct HealthService: Service {
    let app: NightshiftApplication
    let clock: any WallClock
    var afterScan: @Sendable (Date) async -> Void = { _ in }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let now = clock.now()
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
