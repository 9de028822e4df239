import Foundation
import NightshiftCore

extension StoreConformance {
    /// Scheduler leadership: the daemon record's compare-and-swap, heartbeats and release.
    public static let daemonCases: [StoreConformanceCase] = [
        StoreConformanceCase("daemon: a fresh store has no record") { store in
            let current = try await store.daemonInstance()
            try check(current == nil, "expected no daemon record, got \(String(describing: current))")
        },

        StoreConformanceCase("daemon: claiming with no expected id succeeds when there is no record") { store in
            let first = Fixture.daemon("d-first")
            let claimed = try await store.claimDaemon(first, ifCurrentIs: nil)
            try check(claimed, "claimDaemon(ifCurrentIs: nil) on an empty store returned false")
            try checkDaemon(try await store.daemonInstance(), first)
        },

        StoreConformanceCase("daemon: claiming with no expected id fails when a record exists") { store in
            let first = Fixture.daemon("d-first")
            _ = try await store.claimDaemon(first, ifCurrentIs: nil)
            let second = try await store.claimDaemon(Fixture.daemon("d-second", pid: 7, started: 5), ifCurrentIs: nil)
            try check(!second, "a second claimDaemon(ifCurrentIs: nil) replaced an existing record")
            try checkDaemon(try await store.daemonInstance(), first)
        },

        StoreConformanceCase("daemon: claiming with an expected id fails when there is no record") { store in
            let claimed = try await store.claimDaemon(Fixture.daemon("d-first"), ifCurrentIs: "d-ghost")
            try check(!claimed, "claimDaemon(ifCurrentIs: \"d-ghost\") succeeded on an empty store")
            let current = try await store.daemonInstance()
            try check(current == nil, "a refused claim left a record behind")
        },

        StoreConformanceCase("daemon: claiming with the current id replaces the record") { store in
            _ = try await store.claimDaemon(Fixture.daemon("d-first"), ifCurrentIs: nil)
            let second = Fixture.daemon("d-second", pid: 7, started: 60)
            let claimed = try await store.claimDaemon(second, ifCurrentIs: "d-first")
            try check(claimed, "claimDaemon(ifCurrentIs: current id) returned false")
            try checkDaemon(try await store.daemonInstance(), second)
        },

        StoreConformanceCase("daemon: claiming with a stale expected id is refused") { store in
            _ = try await store.claimDaemon(Fixture.daemon("d-first"), ifCurrentIs: nil)
            let second = Fixture.daemon("d-second", pid: 7, started: 60)
            _ = try await store.claimDaemon(second, ifCurrentIs: "d-first")
            let third = try await store.claimDaemon(Fixture.daemon("d-third", pid: 8, started: 61), ifCurrentIs: "d-first")
            try check(!third, "claimDaemon with a stale expected id (d-first) succeeded")
            try checkDaemon(try await store.daemonInstance(), second)
        },

        StoreConformanceCase("daemon: a heartbeat by the holder refreshes heartbeatAt only") { store in
            var first = Fixture.daemon("d-first")
            _ = try await store.claimDaemon(first, ifCurrentIs: nil)
            let beat = try await store.heartbeatDaemon("d-first", at: Fixture.at(30))
            try check(beat, "heartbeatDaemon by the holder returned false")
            first.heartbeatAt = Fixture.at(30)
            try checkDaemon(try await store.daemonInstance(), first)
        },

        StoreConformanceCase("daemon: a heartbeat by another instance is refused and changes nothing") { store in
            let empty = try await store.heartbeatDaemon("d-first", at: Fixture.at(1))
            try check(!empty, "heartbeatDaemon on an empty store returned true")
            let first = Fixture.daemon("d-first")
            _ = try await store.claimDaemon(first, ifCurrentIs: nil)
            let beat = try await store.heartbeatDaemon("d-other", at: Fixture.at(30))
            try check(!beat, "heartbeatDaemon by a non-holder returned true")
            try checkDaemon(try await store.daemonInstance(), first)
        },

        StoreConformanceCase("daemon: release keeps the record with stoppedAt and ends heartbeats") { store in
            var first = Fixture.daemon("d-first")
            _ = try await store.claimDaemon(first, ifCurrentIs: nil)
            try await store.releaseDaemon("d-first", at: Fixture.at(90))
            first.stoppedAt = Fixture.at(90)
            try checkDaemon(try await store.daemonInstance(), first)
            let beat = try await store.heartbeatDaemon("d-first", at: Fixture.at(95))
            try check(!beat, "heartbeatDaemon after releaseDaemon returned true")
            try checkDaemon(try await store.daemonInstance(), first)
        },

        StoreConformanceCase("daemon: release by another instance changes nothing") { store in
            let first = Fixture.daemon("d-first")
            _ = try await store.claimDaemon(first, ifCurrentIs: nil)
            try await store.releaseDaemon("d-other", at: Fixture.at(90))
            try checkDaemon(try await store.daemonInstance(), first)
            let beat = try await store.heartbeatDaemon("d-first", at: Fixture.at(95))
            try check(beat, "the holder's heartbeat failed after someone else's release")
        },

        StoreConformanceCase("daemon: a released record can be taken over by id") { store in
            _ = try await store.claimDaemon(Fixture.daemon("d-first"), ifCurrentIs: nil)
            try await store.releaseDaemon("d-first", at: Fixture.at(90))
            let fresh = try await store.claimDaemon(Fixture.daemon("d-after", started: 100), ifCurrentIs: nil)
            try check(!fresh, "claimDaemon(ifCurrentIs: nil) replaced a released record")
            let second = Fixture.daemon("d-second", pid: 9, started: 100)
            let claimed = try await store.claimDaemon(second, ifCurrentIs: "d-first")
            try check(claimed, "claimDaemon(ifCurrentIs: released id) returned false")
            try checkDaemon(try await store.daemonInstance(), second)
            let oldBeat = try await store.heartbeatDaemon("d-first", at: Fixture.at(101))
            try check(!oldBeat, "the replaced instance could still heartbeat")
            let newBeat = try await store.heartbeatDaemon("d-second", at: Fixture.at(101))
            try check(newBeat, "the new holder could not heartbeat")
        },
    ]
}
