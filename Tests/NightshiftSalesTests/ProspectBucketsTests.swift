import Foundation
import NightshiftCore
import Testing
@testable import NightshiftSales

@Suite("Monthly buckets")
struct ProspectBucketsTests {
    static func buckets(_ store: MemoryStore = MemoryStore(), zone: String = "UTC", holidays: Set<String> = []) -> ProspectBuckets {
        ProspectBuckets(store: store, holidays: holidays, timeZone: TimeZone(identifier: zone)!)
    }

    static func local(_ text: String, _ zone: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let parts = text.split(separator: "-").map { Int($0)! }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))!
    }

    @Test("the first business day skips weekends and holidays, at midnight in the workspace's zone", arguments: [
        ("2027-03", "UTC", [], "2027-03-01"),                           // a Monday
        ("2027-05", "UTC", [], "2027-05-03"),                           // the 1st is a Saturday
        ("2026-08", "UTC", [], "2026-08-03"),                           // Saturday the 1st, Sunday the 2nd
        ("2027-01", "UTC", ["2027-01-01"], "2027-01-04"),               // a holiday on Friday the 1st, then the weekend
        ("2027-03", "Pacific/Auckland", [], "2027-03-01"),              // midnight in Auckland is the day before in UTC
        ("2026-11", "America/New_York", ["2026-11-02"], "2026-11-03"),  // Sunday the 1st, a holiday on Monday
    ] as [(String, String, Set<String>, String)])
    func firstBusinessDay(month: String, zone: String, holidays: Set<String>, expected: String) {
        #expect(Self.buckets(zone: zone, holidays: holidays).firstBusinessDay(of: month) == Self.local(expected, zone))
    }

    @Test("a month is YYYY-MM exactly", arguments: ["2027-3", "27-03", "2027-13", "2027-00", "2027/03", "", "2027-03-01", "１９９９-03"])
    func badMonths(_ text: String) {
        #expect(ProspectBuckets.month(text) == nil)
    }

    @Test("park, then activation on the first business day: not before (in the zone), once, and again changes nothing")
    func parkAndActivate() async throws {
        let store = MemoryStore()
        let zone = "Pacific/Auckland"
        let buckets = Self.buckets(store, zone: zone, holidays: ["2027-03-01"])
        let now = Self.local("2027-01-15", zone)
        _ = try await store.insertProspects([
            Prospect(id: "p1", name: "Ada", emails: ["ada@example.com"], createdAt: now),
            Prospect(id: "p2", name: "Bob", emails: ["bob@example.com"], state: .doNotContact, createdAt: now),
        ])
        let parked = try await buckets.park("p1", until: "2027-03", reason: "budget in spring", at: now)
        #expect(parked.state == .parked && parked.bucketMonth == "2027-03" && parked.stateReason == "parked until 2027-03: budget in spring")
        #expect(try await store.prospect("p1", tenant: "") == parked)
        await #expect(throws: ProspectBuckets.Failure.self) { _ = try await buckets.park("p2", until: "2027-03", reason: nil, at: now) }
        await #expect(throws: ProspectBuckets.Failure.self) { _ = try await buckets.park("p1", until: "2027-01", reason: nil, at: now) }
        await #expect(throws: ProspectBuckets.Failure.self) { _ = try await buckets.park("p1", until: "March", reason: nil, at: now) }

        // 1 March is a holiday: the bucket opens on Tuesday 2 March, Auckland time.
        let opening = Self.local("2027-03-02", zone)
        #expect(try await buckets.activate(at: opening.addingTimeInterval(-1)).isEmpty)
        let back = try await buckets.activate(at: opening)
        #expect(back.map(\.id) == ["p1"] && back.first?.state == .unengaged && back.first?.bucketMonth == nil)
        #expect(try await store.prospect("p1", tenant: "")?.stateReason == "back from the 2027-03 bucket")
        #expect(try await buckets.activate(at: opening).isEmpty, "a second activation changes nothing")
    }

    @Test("activate --month brings back the months up to it, whatever the day")
    func activateByHand() async throws {
        let store = MemoryStore()
        let buckets = Self.buckets(store)
        let now = Self.local("2027-01-15", "UTC")
        _ = try await store.insertProspects(["a", "b", "c"].map { Prospect(id: $0, name: $0, emails: ["\($0)@example.com"], createdAt: now) })
        _ = try await buckets.park("a", until: "2027-02", reason: nil, at: now)
        _ = try await buckets.park("b", until: "2027-03", reason: nil, at: now)
        _ = try await buckets.park("c", until: "2027-04", reason: nil, at: now)
        #expect(try await buckets.activate(month: "2027-03", at: now).map(\.id) == ["a", "b"])
        #expect(try await store.prospectTotals(tenant: "") == [.unengaged: 2, .parked: 1])
        await #expect(throws: ProspectBuckets.Failure.self) { _ = try await buckets.activate(month: "2027", at: now) }
    }
}
