import Foundation
import NightshiftCore

extension StoreConformance {
    /// How many tasks race in each concurrency case.
    static let contenders = 20

    /// Races: many callers at once, one winner.
    public static let concurrencyCases: [StoreConformanceCase] = [
        StoreConformanceCase("concurrency: 20 claims of one pending run, exactly one succeeds") { store in
            try await Fixture.insert(Fixture.run("r_a", slot: 10), into: store)
            let winners = try await race { index in
                try await store.claimRun("r_a", owner: "owner-\(index)", at: Fixture.at(11), exclusive: false)?.owner
            }
            try checkEqual(winners.count, 1, "number of successful claims")
            try checkEqual(try await store.run("r_a")?.owner, winners.first, "owner of the claimed run")
        },

        StoreConformanceCase("concurrency: 20 exclusive claims of different runs of one job, exactly one succeeds") { store in
            for index in 0..<contenders {
                try await Fixture.insert(Fixture.run("r_\(index)", slot: Double(index)), into: store)
            }
            let winners = try await race { index in
                try await store.claimRun("r_\(index)", owner: "owner-\(index)", at: Fixture.at(100), exclusive: true)?.id
            }
            try checkEqual(winners.count, 1, "number of successful exclusive claims")
            try checkEqual(
                try await store.runs(RunQuery(job: "backup", states: [.running])).map(\.id), winners, "running runs"
            )
        },

        StoreConformanceCase("concurrency: 20 recordSlots of the same slot, exactly one run exists") { store in
            try await store.syncJobs(["backup"], at: Fixture.at(0))
            let winners = try await race { index in
                let run = Fixture.run("r_\(index)", slot: 60)
                return try await store.recordSlots(job: "backup", runs: [run], cursor: Fixture.at(60)).first?.id
            }
            try checkEqual(winners.count, 1, "number of recordSlots calls that inserted")
            try checkEqual(try await store.runs(RunQuery(job: "backup")).map(\.id), winners, "runs stored")
            try checkDate(try await store.jobState("backup")?.cursor, Fixture.at(60), "cursor")
        },

        StoreConformanceCase("concurrency: 20 insertRun of the same slot, exactly one succeeds") { store in
            let winners = try await race { index in
                try await store.insertRun(Fixture.run("r_\(index)", slot: 60)) ? "r_\(index)" : nil
            }
            try checkEqual(winners.count, 1, "number of successful inserts")
            try checkEqual(try await store.runs(RunQuery()).map(\.id), winners, "runs stored")
        },

        StoreConformanceCase("concurrency: 20 daemon claims of an empty store, exactly one holds it") { store in
            let winners = try await race { index in
                try await store.claimDaemon(Fixture.daemon("d_\(index)", pid: Int32(index)), ifCurrentIs: nil) ? "d_\(index)" : nil
            }
            try checkEqual(winners.count, 1, "number of successful daemon claims")
            try checkEqual(try await store.daemonInstance()?.id, winners.first, "daemon holding the workspace")
        },
    ]

    /// Runs `attempt` for each contender concurrently and returns the non-nil results.
    static func race(_ attempt: @escaping @Sendable (Int) async throws -> String?) async throws -> [String] {
        try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<contenders {
                group.addTask { try await attempt(index) }
            }
            var winners: [String] = []
            for try await result in group {
                if let result { winners.append(result) }
            }
            return winners
        }
    }
}
