import Foundation
import Logging
import NightshiftCore
import ServiceLifecycle

/// The daemon's care of its store's files: every `[store] checkpoint_interval` it writes the
/// write-ahead log into the database file, and every `file_check_interval` it checks that the
/// database, its `-wal` and its `-shm` are still the files it has open.
///
/// When one was removed or replaced, writing on would write into a file nobody will read again.
/// So it saves what it has — a checkpoint when only a companion file went (the open log still
/// holds the transactions), else a copy of the store beside it — tells the notifiers, and stops
/// the daemon with an error that says where the data is and what to do.
struct StoreWatchService: Service {
    let files: any StoreFiles
    let settings: StoreSettings
    let clock: any WallClock
    let logger: Logger
    /// Sends the message to the operator (the notifiers).
    let alert: @Sendable (String) async -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var watch = StoreFileWatch(paths: files.filePaths)
            var lastCheckpoint = clock.now()
            while !Task.isCancelled {
                do {
                    try await clock.sleep(until: clock.now().addingTimeInterval(settings.fileCheckInterval.inSeconds))
                } catch {
                    return  // cancelled: the daemon is stopping
                }
                if let problem = watch.check() {
                    let message = await save(after: problem, watch: watch)
                    logger.error("store files changed under the daemon", metadata: ["nightshift.store.problem": "\(problem)"])
                    await alert(message)
                    throw AppError.failure(message)
                }
                let now = clock.now()
                if now.timeIntervalSince(lastCheckpoint) >= settings.checkpointInterval.inSeconds {
                    lastCheckpoint = now
                    await checkpoint()
                }
            }
        }
    }

    /// A checkpoint whose failure is logged: the next one comes anyway.
    func checkpoint() async {
        do {
            if try await !files.checkpoint() {
                logger.info("checkpoint could not finish: a reader held an older snapshot; the next one will")
            }
        } catch {
            logger.info("checkpoint failed", metadata: ["nightshift.error": "\(error)"])
        }
    }

    /// Keeps what the open files hold and says so, with what the operator should do.
    private func save(after problem: StoreFileWatch.Problem, watch: StoreFileWatch) async -> String {
        let database = files.filePaths[0]
        let stopped = "the store file \(problem); the daemon stopped instead of writing into a file nobody will read."
        if !problem.isDatabase {
            do {
                if try await files.checkpoint() {
                    return "\(stopped) Its transactions were written into \(database) first: nothing is lost. Start the daemon again."
                }
            } catch {
                return "\(stopped) Writing its transactions into \(database) failed (\(error)): the last minute of records may be lost. Start the daemon again."
            }
            return "\(stopped) A reader kept its transactions from reaching \(database): the last minute of records may be lost. Start the daemon again."
        }
        let stamp = ISO8601.format(clock.now(), in: TimeZone(identifier: "UTC")!).prefix(19).replacingOccurrences(of: ":", with: "")
        let copy = "\(database).rescued-\(stamp)"
        do {
            try await files.saveCopy(to: copy)
            // The log and shared memory left under the old names belong to the file that went: SQLite
            // would read them into the copy put back (or the file now there) as if they were its own.
            var left: [String] = []
            for companion in files.filePaths.dropFirst() where watch.isUnchanged(companion) {
                do { try FileManager.default.removeItem(atPath: companion) } catch { left.append(companion) }
            }
            let remove = left.isEmpty ? "" : "remove \(left.joined(separator: " and ")), "
            return "\(stopped) The store as the daemon had it is saved in \(copy): stop whatever replaced the file, \(remove)then `mv \(copy) \(database)` and start the daemon again."
        } catch {
            return "\(stopped) Saving a copy of it failed (\(error)): restore \(database) from a backup, or start a new store with --new-store."
        }
    }
}

extension NightshiftApplication {
    /// Tells the notifiers that the daemon stops because its store's files changed under it.
    func alertStoreLost(_ message: String, at now: Date) async {
        let alerter = Alerter(store: store, notifiers: makeNotifiers(), logger: logger)
        await alerter.deliver(AlertMessage(
            job: "store", kind: .store, runID: nil, consecutiveFailures: 0, error: message, text: "Nightshift on \(workspaceName): \(message)", at: now
        ))
    }
}
