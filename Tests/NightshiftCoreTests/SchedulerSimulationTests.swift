import Foundation
import NightshiftCore
import Testing

@Suite("Scheduler through a simulated 48 hours")
struct SchedulerSimulationTests {
    let start = instant("2026-06-01T00:00:00Z")
    var end: Date { start.addingTimeInterval(48 * 3600) }

    @Test("an hourly job fires exactly its 48 slots, each once, on time")
    func hourlySlots() async throws {
        var sim = try await SchedulerSimulation(start: start, jobs: [try .simulated("hourly", "0 * * * *")], durations: ["hourly": 60])
        try await sim.run(until: end)
        try await sim.drain()
        let runs = try await sim.runs("hourly")
        let expected = (1...48).map { start.addingTimeInterval(Double($0) * 3600) }
        #expect(runs.map(\.slot) == expected)
        #expect(runs.allSatisfy { $0.state == .succeeded && $0.trigger == .schedule && $0.attempt == 1 })
        #expect(runs.allSatisfy { $0.startedAt == $0.slot })
    }

    @Test("active hours keep a quarter-hourly job to 09:00–17:00 on both days")
    func activeHours() async throws {
        let job = try Job.simulated("business", "*/15 * * * *") { $0.activeHours = try? ActiveHours(parsing: "09:00-17:00") }
        var sim = try await SchedulerSimulation(start: start, jobs: [job], durations: ["business": 10])
        try await sim.run(until: end)
        try await sim.drain()
        let runs = try await sim.runs("business")
        #expect(runs.count == 64)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        #expect(runs.allSatisfy { (9..<17).contains(utc.component(.hour, from: $0.slot)) })
        #expect(runs.first?.slot == instant("2026-06-01T09:00:00Z"))
        #expect(runs.last?.slot == instant("2026-06-02T16:45:00Z"))
        #expect(runs.filter { $0.state != .succeeded }.isEmpty)
    }

    @Test("overlap skip: a 45-minute job every 30 minutes runs every other slot and records the rest skipped")
    func overlapSkip() async throws {
        let job = try Job.simulated("slow", "*/30 * * * *") { $0.overlap = .skip }
        var sim = try await SchedulerSimulation(start: start, jobs: [job], durations: ["slow": 45 * 60])
        try await sim.run(until: end)
        try await sim.drain()
        let runs = try await sim.runs("slow")
        #expect(runs.count == 96)
        for (index, run) in runs.enumerated() {
            #expect(run.state == (index.isMultiple(of: 2) ? .succeeded : .skipped), "slot \(run.slot)")
        }
        #expect(runs.filter { $0.state == .skipped }.allSatisfy { $0.error?.contains("still running") == true })
        #expect(sim.maxConcurrent["slow"] == 1)
    }

    @Test("overlap queue: every slot runs, one at a time, in slot order")
    func overlapQueue() async throws {
        let job = try Job.simulated("queued", "*/30 * * * *") { $0.overlap = .queue }
        var sim = try await SchedulerSimulation(start: start, jobs: [job], durations: ["queued": 45 * 60])
        try await sim.run(until: end)
        try await sim.drain()
        let runs = try await sim.runs("queued")
        #expect(runs.count == 96)
        #expect(runs.allSatisfy { $0.state != .skipped && $0.state != .missed })
        #expect(sim.maxConcurrent["queued"] == 1)
        let started = sim.startOrder.filter { $0.job == "queued" }.map(\.slot)
        #expect(started == started.sorted())
        // 45-minute runs back to back from 00:30: the 64th starts at 47:45 and finishes in the drain.
        #expect(runs.filter { $0.state == .succeeded }.count == 64)
        #expect(runs.filter { $0.state == .pending }.count == 32)
    }

    @Test("overlap allow: slots start while the previous run still runs")
    func overlapAllow() async throws {
        let job = try Job.simulated("parallel", "*/30 * * * *") { $0.overlap = .allow }
        var sim = try await SchedulerSimulation(start: start, jobs: [job], durations: ["parallel": 45 * 60])
        try await sim.run(until: end)
        try await sim.drain()
        let runs = try await sim.runs("parallel")
        #expect(runs.count == 96)
        #expect(runs.allSatisfy { $0.state == .succeeded && $0.startedAt == $0.slot })
        #expect(sim.maxConcurrent["parallel"] == 2)
    }

    @Test("missed-run policies after 4 hours of downtime")
    func missedPolicies() async throws {
        let jobs = [
            try Job.simulated("skip", "0 * * * *") { $0.missed = .skip },
            try Job.simulated("once", "0 * * * *") { $0.missed = .once; $0.grace = .seconds(7200) },
            try Job.simulated("once-stale", "0 * * * *") { $0.missed = .once; $0.grace = .seconds(600) },
            try Job.simulated("all", "0 * * * *") { $0.missed = .all },
        ]
        var sim = try await SchedulerSimulation(start: start, jobs: jobs, durations: [:])
        let downtime = instant("2026-06-01T10:10:00Z")..<instant("2026-06-01T14:20:00Z")
        try await sim.run(until: end, downtime: downtime)
        let missedSlots = ["11", "12", "13", "14"].map { instant("2026-06-01T\($0):00:00Z") }

        let skip = try await sim.runs("skip")
        #expect(skip.filter { $0.state == .missed }.map(\.slot) == missedSlots)
        #expect(skip.filter { $0.trigger == .catchup }.isEmpty)
        #expect(skip.count == 48)

        let once = try await sim.runs("once")
        #expect(once.filter { $0.state == .missed }.map(\.slot) == Array(missedSlots.prefix(3)))
        let catchup = once.filter { $0.trigger == .catchup }
        #expect(catchup.map(\.slot) == [missedSlots[3]])
        #expect(catchup.first?.startedAt == downtime.upperBound)
        #expect(catchup.first?.state == .succeeded)

        let stale = try await sim.runs("once-stale")
        #expect(stale.filter { $0.state == .missed }.map(\.slot) == missedSlots)
        #expect(stale.first { $0.state == .missed }?.error?.contains("older than grace 10m") == true)

        let all = try await sim.runs("all")
        #expect(all.filter { $0.trigger == .catchup }.map(\.slot) == missedSlots)
        #expect(all.filter { $0.state == .missed }.isEmpty)

        for job in jobs.map(\.name) {
            let runs = try await sim.runs(job)
            // Every slot of the 48 hours is accounted for exactly once, none silently lost.
            #expect(Set(runs.map(\.slot)).count == 48, "\(job)")
            #expect(runs.filter { (11...14).contains(Calendar.current.dateComponents(in: TimeZone(identifier: "UTC")!, from: $0.slot).hour!) && $0.slot < downtime.upperBound && $0.state == .succeeded && $0.trigger == .schedule }.isEmpty)
        }
    }

    @Test("a paused job records nothing and fires again after resume")
    func pauseResume() async throws {
        var sim = try await SchedulerSimulation(start: start, jobs: [try .simulated("hourly", "0 * * * *")], durations: [:])
        try await sim.run(until: instant("2026-06-01T03:30:00Z"))
        _ = try await sim.store.setPaused("hourly", true)
        try await sim.run(until: instant("2026-06-01T06:30:00Z"))
        _ = try await sim.store.setPaused("hourly", false)
        try await sim.run(until: instant("2026-06-01T08:30:00Z"))
        let slots = try await sim.runs("hourly").map(\.slot)
        #expect(slots == ["01", "02", "03", "07", "08"].map { instant("2026-06-01T\($0):00:00Z") })
    }
}
