public import Foundation
public import Logging

/// Decides when a job's failures deserve the operator's attention and sends that through the
/// workspace's notifiers: one alert after `alert_after` consecutive failures, then at most one per
/// `alert_cooldown` while it keeps failing, and one "recovered" when it succeeds again.
public struct Alerter: Sendable {
    let store: any Store
    let notifiers: [any Notifier]
    let logger: Logger

    public init(store: any Store, notifiers: [any Notifier], logger: Logger) {
        self.store = store
        self.notifiers = notifiers
        self.logger = logger
    }

    /// Accounts a run that reached its final attempt.
    public func runEnded(_ run: RunRecord, job: Job, at now: Date) async {
        guard var state = try? await store.jobState(job.name)?.alert else { return }
        switch run.state {
        case .succeeded:
            let wasAlerting = state.alerting
            state = AlertState()
            try? await store.updateAlertState(job.name, state)
            if wasAlerting {
                await send(job: job, kind: .recovered, run: run, failures: 0, at: now,
                           text: "\(job.name) recovered: run \(run.id) succeeded")
            }
        case .failed, .interrupted:
            state.consecutiveFailures += 1
            let due = state.consecutiveFailures >= job.alertAfter
                && (state.lastAlertAt.map { now.timeIntervalSince($0) >= job.alertCooldown.inSeconds } ?? true)
            if due {
                state.lastAlertAt = now
                state.alerting = true
            }
            try? await store.updateAlertState(job.name, state)
            if due {
                let text = "\(job.name) failed \(state.consecutiveFailures) times in a row; last run \(run.id): \(run.error ?? "no reason recorded")"
                await send(job: job, kind: .failing, run: run, failures: state.consecutiveFailures, at: now, text: text)
            }
        default:
            break
        }
    }

    private func send(job: Job, kind: AlertRecord.Kind, run: RunRecord, failures: Int, at now: Date, text: String) async {
        await deliver(AlertMessage(job: job.name, kind: kind, runID: run.id, consecutiveFailures: failures, error: run.error, text: text, at: now))
    }

    /// Whether any notifier is declared.
    public var hasNotifiers: Bool { !notifiers.isEmpty }

    /// Sends `message` through every notifier and records it with the delivery errors, which it
    /// returns ("NAME: why", or that no notifier is configured).
    @discardableResult
    public func deliver(_ message: AlertMessage) async -> [String] {
        var errors: [String] = []
        for notifier in notifiers {
            if let error = await notifier.deliver(message) {
                errors.append("\(notifier.name): \(error)")
            }
        }
        if notifiers.isEmpty { errors.append("no notifier is configured") }
        let record = AlertRecord(
            job: message.job, kind: message.kind, runID: message.runID, sentAt: message.at, message: message.text, deliveryErrors: errors
        )
        do { try await store.recordAlert(record) } catch {
            logger.info("could not record alert", metadata: ["nightshift.error": "\(error)"])
        }
        logger.info("alert \(message.kind.rawValue)", metadata: ["nightshift.job": "\(message.job)", "nightshift.alert.text": "\(message.text)"])
        return errors
    }
}
