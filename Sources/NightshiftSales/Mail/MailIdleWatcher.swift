import Foundation
import Logging
import NightshiftCore
import NightshiftMail
import ServiceLifecycle

/// The reply monitor's push (`IDLE`, RFC 2177): while the daemon runs, each IMAP account whose
/// server offers IDLE keeps a read-only session on its inbox, and new mail queues a run of the
/// `mail-monitor` job at once. The job's schedule stays (every 30 minutes by default): it reads
/// what a dropped session missed, and is all there is for a server without IDLE.
///
/// It only ever queues a run; the run reads the mail, with its watermark, as any other run. A
/// session that fails is opened again after a pause that doubles (5 s up to 5 minutes).
struct MailIdleWatcher: Service {
    let accounts: [MailAccount]
    let store: any Store
    let clock: any WallClock
    let logger: Logger
    /// The job a new message queues.
    static let job = "mail-monitor"

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for account in accounts where account.imap != nil && account.maildir == nil {
                    group.addTask { await watch(account) }
                }
            }
        }
    }

    /// Watches `account` until cancelled (or until its server turns out not to offer IDLE).
    func watch(_ account: MailAccount) async {
        var pause: TimeInterval = 5
        while !Task.isCancelled {
            do {
                guard let office = try MailWork.postOffice(for: account, environment: ProcessInfo.processInfo.environment) as? NetworkPostOffice else { return }
                let client = try await office.imap()
                guard await client.capabilities.contains("IDLE") else {
                    logger.info("mail: the server offers no IDLE; the mail-monitor job's schedule reads it", metadata: ["nightshift.mail.account": "\(account.name)"])
                    try? await client.logout()
                    return
                }
                _ = try await client.select(account.inbox, readOnly: true)
                pause = 5
                logger.info("mail: watching the inbox (IDLE)", metadata: ["nightshift.mail.account": "\(account.name)"])
                while !Task.isCancelled {
                    if case .newMessages = try await client.idle(timeout: .seconds(29 * 60)) { try await queueMonitor(account) }
                }
                try? await client.logout()
            } catch {
                if Task.isCancelled { return }
                logger.info("mail: the IDLE session ended; opening it again", metadata: [
                    "nightshift.mail.account": "\(account.name)", "nightshift.error": "\(error)", "nightshift.mail.pause": "\(Int(pause))s",
                ])
                do { try await clock.sleep(until: clock.now().addingTimeInterval(pause)) } catch { return }
                pause = min(pause * 2, 300)
            }
        }
    }

    /// A pending run of the monitor job now (the runner claims it within its poll).
    func queueMonitor(_ account: MailAccount) async throws {
        let now = clock.now()
        let run = RunRecord(job: Self.job, slot: now, trigger: .schedule, state: .pending, createdAt: now)
        if try await store.insertRun(run) {
            logger.info("mail: new mail; the monitor runs now", metadata: ["nightshift.mail.account": "\(account.name)", "nightshift.run.id": "\(run.id)"])
        }
    }
}
