import Foundation

/// A task executor with a thread of its own, for the tests that play a server and a client over a
/// real socket against timeouts: run on it (`withTaskExecutorPreference`), their async code does
/// not wait for the cooperative pool, which the rest of the suite (CPU-bound tests, synchronous
/// child-process waits) can keep busy for tens of seconds on a 2-core machine.
final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    /// One for the whole test process: the tests that use it are light, and interleave on it.
    static let shared = DedicatedExecutor()

    // `jobs` is only touched under `condition`'s lock; the thread is the only one that runs them.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init() {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "nightshift-mail-tests"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
