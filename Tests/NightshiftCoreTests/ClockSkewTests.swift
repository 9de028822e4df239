import Foundation
import Logging
import NightshiftCore
import NightshiftTesting
import Testing

/// A node whose clock is off from the shared store's plans no slots until the clocks agree again.
@Suite struct ClockSkewTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a store-aligned clock reads the database's time; its skew check measures the machine's clock and aligns again")
    func alignedClockFollowsTheDatabase() async throws {
        let machine = TestClock(now: start)
        let database = TestClock(now: start.addingTimeInterval(1.5))
        let store = MemoryStore(sharedByNodes: true, storeClock: database)
        let clock = await StoreAlignedClock.aligned(base: machine, with: store)
        #expect(clock.now() == start.addingTimeInterval(1.5), "slots and leases are judged by the database's time")
        // The machine drifts 0.5 s more; the next skew check reports the machine's own skew and realigns.
        machine.advance(by: 10)
        database.advance(by: 10.5)
        #expect(try await ClockSkew.offset(of: clock, from: store) == -2, "the machine is 2 s behind the database")
        #expect(clock.now() == database.now())
        // A sleep until a database instant wakes when the machine's clock reaches the matching instant.
        let woke = Task { try await clock.sleep(until: database.now().addingTimeInterval(5)) }
        machine.advance(by: 5)
        try await woke.value
        // A store of one machine keeps no clock: the machine's own.
        let local = await StoreAlignedClock.aligned(base: machine, with: MemoryStore())
        #expect(local.now() == machine.now() && local.offset == 0)
    }

    @Test("the offset is measured against the store's clock; beyond max_clock_skew the scheduler plans nothing, then resumes")
    func skewStopsPlanning() async throws {
        let node = TestClock(now: start)
        let database = TestClock(now: start.addingTimeInterval(-5))
        let store = MemoryStore(sharedByNodes: true, storeClock: database)
        let job = try Job.simulated("tick", "* * * * *")
        try await store.syncJobs([job.name], at: start)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        var configuration = Scheduler.Configuration()
        configuration.maxClockSkew = 2
        let scheduler = Scheduler(jobs: [job], store: store, clock: node, runnerWakeup: Wakeup(), configuration: configuration, logger: logger)

        #expect(try await ClockSkew.offset(of: node, from: store) == 5)
        #expect(ClockSkew.refusal(offset: 5, maximum: 2)?.contains("5.0 s ahead of the database's") == true)
        #expect(ClockSkew.refusal(offset: -1.5, maximum: 2) == nil)
        #expect(try await ClockSkew.offset(of: node, from: MemoryStore()) == nil, "a store of one machine has no clock of its own")

        node.advance(by: 180)
        database.advance(by: 180)
        _ = try await scheduler.tick()
        #expect(try await store.runs(RunQuery(job: job.name, limit: 10)).isEmpty, "a node 5 s ahead plans no slot")

        // The machine's time is set right: within 10 s the scheduler measures again and plans.
        database.advance(to: node.now())
        node.advance(by: 11)
        database.advance(by: 11)
        _ = try await scheduler.tick()
        #expect(try await !store.runs(RunQuery(job: job.name, limit: 10)).isEmpty, "once the clocks agree the due slots are planned")
    }
}
