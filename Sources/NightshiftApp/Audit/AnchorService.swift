import Foundation
import Logging
import NightshiftCore
import ServiceLifecycle

/// Anchors the audit head outside the store: at start, then every `[audit] anchor_interval`, the
/// daemon appends the head to the anchor log when it moved (see
/// ``NightshiftApplication/writeAnchor(reason:onlyIfMoved:at:)``). `serve` writes one more at a
/// clean shutdown. A failed round is logged; the next one comes anyway.
struct AnchorService: Service {
    let app: NightshiftApplication
    let clock: any WallClock

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await app.anchorQuietly(reason: "interval", at: clock.now())
                do {
                    try await clock.sleep(until: clock.now().addingTimeInterval(app.auditSettings.anchorInterval.inSeconds))
                } catch {
                    return  // cancelled: the daemon is stopping
                }
            }
        }
    }
}

extension NightshiftApplication {
    /// Writes an anchor if the head moved, logging instead of throwing.
    func anchorQuietly(reason: String, at now: Date) async {
        do {
            let outcome = try await writeAnchor(reason: reason, onlyIfMoved: true, at: now)
            if outcome.written, let anchor = outcome.anchor {
                logger.debug("audit anchored", metadata: ["nightshift.audit.seq": "\(anchor.seq)", "nightshift.audit.published": "\(outcome.published ?? "-")"])
            }
        } catch {
            logger.info("audit anchor not written", metadata: ["nightshift.error": "\(error)"])
        }
    }
}
