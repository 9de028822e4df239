import Foundation
import NightshiftCore
import NightshiftPostgres
import NightshiftSQLite
import NightshiftTesting
import PostgresNIO
import Testing
@testable import NightshiftSales

/// The sales tables' conformance suite, one set of cases run unchanged on the memory store, a real
/// SQLite file and a real PostgreSQL server (a fresh schema per case).
@Suite("Sales store conformance")
struct SalesStoreConformanceTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let run: @Sendable (any SalesStore) async throws -> Void
        var description: String { name }

        init(name: String, run: @escaping @Sendable (any SalesStore) async throws -> Void) {
            self.name = name
            self.run = run
        }
    }

    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func prospect(_ id: String, tenant: String = "", email: String? = nil, state: ProspectState = .unengaged, created: Double = 0) -> Prospect {
        Prospect(
            id: id, tenant: tenant, name: "Name \(id)", emails: email.map { [$0] } ?? [], company: "Co", state: state,
            createdAt: at.addingTimeInterval(created)
        )
    }

    static let cases: [Case] = [
        Case(name: "a prospect round-trips every field, fractional milliseconds rounded") { (store: any SalesStore) async throws in
            let full = Prospect(
                id: "p_full", tenant: "acme", name: "Ada Lovelace ✓", firstName: "Ada", lastName: "Lovelace", emails: ["Ada@example.com", "ada@x.org"],
                company: "Analytical", domain: "example.com", title: "Countess", phone: "+44 1", source: "csv", externalIDs: ["ac:1", "csv:7"],
                state: .parked, stateReason: "call back in spring", bucketMonth: "2027-03", score: 72.5,
                scoreParts: [ScorePart("title \"countess\"", 60), ScorePart("flag stale", -2.5)], flags: [.stale, .changed], custom: ["linkedin": "in/ada"],
                lastTouchAt: at.addingTimeInterval(-86_400), sourcedAt: at, changedAt: at.addingTimeInterval(1), bouncedAt: at.addingTimeInterval(2),
                assessedAt: at.addingTimeInterval(3), researchedAt: at.addingTimeInterval(4),
                repliedAt: at.addingTimeInterval(5), pausedUntil: at.addingTimeInterval(86_400), createdAt: at.addingTimeInterval(0.25),
                updatedAt: at.addingTimeInterval(60)
            )
            #expect(try await store.insertProspects([full]) == 1)
            #expect(try await store.prospect("p_full", tenant: "acme") == full)
            #expect(try await store.prospect("p_full", tenant: "") == nil, "another tenant's id finds nothing")
            #expect(try await store.prospect("p_ghost", tenant: "acme") == nil)
        },
        Case(name: "insertProspects leaves out an id or a main address (any case) already stored in the tenant, and counts the rest") { (store: any SalesStore) async throws in
            #expect(try await store.insertProspects([prospect("p1", email: "a@example.com"), prospect("p2")]) == 2)
            let again = [
                prospect("p1", email: "other@example.com"), prospect("p3", email: "A@Example.com"), prospect("p4", email: "b@example.com"),
                prospect("p5", tenant: "acme", email: "a@example.com"), prospect("p6"), prospect("p7"),
                prospect("p8", email: "a.b+x@gmail.com"), prospect("p9", email: "AB@googlemail.com"),
            ]
            #expect(try await store.insertProspects(again) == 5, "p1 by id, p3 and p9 by address are left out; p5 is another tenant's")
            #expect(try await store.prospect("p1", tenant: "")?.emails == ["a@example.com"], "the stored p1 is unchanged")
            #expect(try await store.prospect("p3", tenant: "") == nil)
        },
        Case(name: "prospects lists a tenant's by state, oldest first then by id, up to the limit; totals count per state") { (store: any SalesStore) async throws in
            let rows = [
                prospect("p_c", state: .broken, created: 2), prospect("p_a", state: .unengaged, created: 2), prospect("p_b", state: .unengaged, created: 1),
                prospect("p_d", state: .doNotContact, created: 3), prospect("p_x", tenant: "acme", state: .unengaged, created: 0),
            ]
            #expect(try await store.insertProspects(rows) == 5)
            #expect(try await store.prospects(tenant: "", states: [], limit: 10).map(\.id) == ["p_b", "p_a", "p_c", "p_d"])
            #expect(try await store.prospects(tenant: "", states: [.unengaged, .broken], limit: 10).map(\.id) == ["p_b", "p_a", "p_c"])
            #expect(try await store.prospects(tenant: "", states: [], limit: 2).map(\.id) == ["p_b", "p_a"])
            #expect(try await store.prospects(tenant: "", states: [.customer], limit: 10).isEmpty)
            #expect(try await store.prospects(tenant: "acme", states: [], limit: 10).map(\.id) == ["p_x"])
            #expect(try await store.prospectTotals(tenant: "") == [.unengaged: 2, .broken: 1, .doNotContact: 1])
            #expect(try await store.prospectTotals(tenant: "acme") == [.unengaged: 1])
            #expect(try await store.prospectTotals(tenant: "globex") == [:])
        },
        Case(name: "updateProspects writes over the stored one of the same id and tenant; a missing one is left out; state and address are found anew") { (store: any SalesStore) async throws in
            #expect(try await store.insertProspects([prospect("p1", email: "a@example.com"), prospect("p2", email: "b@example.com")]) == 2)
            var changed = try #require(try await store.prospect("p1", tenant: ""))
            changed.state = .parked
            changed.bucketMonth = "2027-03"
            changed.emails = ["c@example.com"]
            changed.updatedAt = at.addingTimeInterval(30)
            #expect(try await store.updateProspects([changed, prospect("p_ghost"), prospect("p2", tenant: "acme")]) == 1)
            #expect(try await store.prospect("p1", tenant: "") == changed)
            #expect(try await store.prospects(tenant: "", states: [.parked], limit: 10).map(\.id) == ["p1"])
            #expect(try await store.insertProspects([prospect("p3", email: "a@example.com")]) == 1, "p1's old address is free again")
            #expect(try await store.insertProspects([prospect("p4", email: "C@example.com")]) == 0, "p1's new address is taken")
            var clash = changed
            clash.emails = ["b@example.com"]
            await #expect(throws: (any Error).self) { _ = try await store.updateProspects([clash]) }
            #expect(try await store.prospect("p1", tenant: "") == changed, "the refused update changed nothing")
        },
        Case(name: "activities: a stored id is left out; filtered by prospect, kind and time; oldest or newest first; never another tenant's") { (store: any SalesStore) async throws in
            func activity(_ id: String, _ prospect: String, _ kind: ProspectActivity.Kind, at offset: Double, tenant: String = "") -> ProspectActivity {
                ProspectActivity(
                    id: id, tenant: tenant, prospectID: prospect, at: at.addingTimeInterval(offset), kind: kind, actor: "operator", summary: "\(kind) \(id)",
                    data: .object(["n": .integer(1), "text": .string("ünïcode")])
                )
            }
            let rows = [
                activity("a1", "p1", .note, at: 0), activity("a2", "p1", .state, at: 10), activity("a3", "p2", .note, at: 20),
                activity("a4", "p1", .intel, at: 30), activity("a5", "p1", .note, at: 40, tenant: "acme"),
            ]
            #expect(try await store.recordActivities(rows) == 5)
            #expect(try await store.recordActivities([activity("a1", "p9", .merged, at: 99), activity("a6", "p2", .state, at: 50)]) == 1, "a1 is stored already")
            #expect(try await store.activities(tenant: "", prospect: nil, kinds: [], since: nil, newestFirst: false, limit: 10).map(\.id) == ["a1", "a2", "a3", "a4", "a6"])
            #expect(try await store.activities(tenant: "", prospect: "p1", kinds: [], since: nil, newestFirst: true, limit: 10).map(\.id) == ["a4", "a2", "a1"])
            #expect(try await store.activities(tenant: "", prospect: nil, kinds: [.note], since: nil, newestFirst: false, limit: 10).map(\.id) == ["a1", "a3"])
            #expect(try await store.activities(tenant: "", prospect: nil, kinds: [.note, .intel], since: at.addingTimeInterval(20), newestFirst: false, limit: 10).map(\.id) == ["a3", "a4"])
            #expect(try await store.activities(tenant: "", prospect: nil, kinds: [], since: nil, newestFirst: true, limit: 2).map(\.id) == ["a6", "a4"])
            #expect(try await store.activities(tenant: "acme", prospect: nil, kinds: [], since: nil, newestFirst: false, limit: 10) == [rows[4]], "read back whole")
        },
        Case(name: "insertProspects writes the activities of the prospects it inserts, not of those it leaves out") { (store: any SalesStore) async throws in
            func imported(_ id: String) -> ProspectActivity {
                ProspectActivity(id: "a_\(id)", tenant: "", prospectID: id, at: at, kind: .imported, actor: "operator", summary: "imported")
            }
            #expect(try await store.insertProspects([prospect("p1", email: "a@example.com")], activities: [imported("p1")]) == 1)
            #expect(try await store.insertProspects([prospect("p2", email: "A@example.com"), prospect("p3")], activities: [imported("p2"), imported("p3")]) == 1)
            #expect(try await store.activities(tenant: "", prospect: nil, kinds: [.imported], since: nil, newestFirst: false, limit: 10).map(\.prospectID) == ["p1", "p3"])
        },
        Case(name: "applyMerges deletes the merged, writes the survivor, keeps the merge once; a merge of records changed since is left out") { (store: any SalesStore) async throws in
            let a = prospect("p_a", email: "a@example.com"), b = prospect("p_b", email: "b@example.com"), c = prospect("p_c", email: "c@example.com")
            #expect(try await store.insertProspects([a, b, c, prospect("p_x", tenant: "acme", email: "x@example.com")]) == 4)
            var after = a
            after.emails = ["a@example.com", "b@example.com"]
            after.updatedAt = at.addingTimeInterval(5)
            let merge = ProspectMerge(id: "m_1", tenant: "", at: at.addingTimeInterval(5), before: a, after: after, merged: [b], reasons: ["same person"], actor: "pack:sales")
            var staleC = c
            staleC.title = "not as stored"
            let stale = ProspectMerge(id: "m_2", tenant: "", at: at, before: a, after: a, merged: [staleC], reasons: [], actor: "pack:sales")
            #expect(try await store.applyMerges([merge, stale]) == ["m_1"], "m_2 saw c as it is not stored, and a as it was before m_1")
            #expect(try await store.applyMerges([merge]) == [], "a merge is carried out once")
            #expect(try await store.prospect("p_a", tenant: "") == after)
            #expect(try await store.prospect("p_b", tenant: "") == nil)
            #expect(try await store.prospect("p_c", tenant: "") == c)
            #expect(try await store.merges(tenant: "", survivor: "p_a") == [merge])
            #expect(try await store.merges(tenant: "", survivor: nil).map(\.id) == ["m_1"])
            #expect(try await store.merges(tenant: "acme", survivor: nil).isEmpty)
            #expect(try await store.activities(tenant: "", prospect: "p_a", kinds: [.merged], since: nil, newestFirst: false, limit: 10) == [merge.activity])
            var undone = merge
            undone.undoneAt = at.addingTimeInterval(9)
            #expect(try await store.undoMerge(undone, survivor: a, activities: []))
            #expect(try await store.prospect("p_b", tenant: "") == b, "the merged record is back as it was")
            #expect(try await store.prospect("p_a", tenant: "") == a)
            #expect(try await store.merges(tenant: "", survivor: "p_a").first?.undoneAt == at.addingTimeInterval(9))
            #expect(try await store.undoMerge(undone, survivor: a, activities: []) == false, "a merge is undone once")
            var foreign = undone
            foreign.tenant = "acme"
            #expect(try await store.undoMerge(foreign, survivor: a, activities: []) == false, "another tenant's call finds no merge")
        },
        Case(name: "the outbox keeps an item once, with its activity; lists by state, prospect and time, newest first; never another tenant's") { (store: any SalesStore) async throws in
            func item(_ id: String, _ prospect: String, at offset: Double, tenant: String = "", state: OutboxItem.State = .draft) -> OutboxItem {
                OutboxItem(
                    id: id, tenant: tenant, prospectID: prospect, sequence: "welcome", step: 0, recipient: "a@example.com", subject: "Hi ✓",
                    body: "Line one\nLine two", state: state, createdAt: at.addingTimeInterval(offset)
                )
            }
            func drafted(_ id: String, _ prospect: String, tenant: String = "") -> ProspectActivity {
                ProspectActivity(id: "a_\(id)", tenant: tenant, prospectID: prospect, at: at, kind: .drafted, actor: "pack:sales", summary: "drafted")
            }
            #expect(try await store.insertOutboxItem(item("o1", "p1", at: 0), activity: drafted("o1", "p1")))
            #expect(try await store.insertOutboxItem(item("o1", "p1", at: 5), activity: drafted("o1b", "p1")) == false, "an id is drafted once")
            #expect(try await store.insertOutboxItem(item("o2", "p2", at: 10, state: .sent), activity: drafted("o2", "p2")))
            #expect(try await store.insertOutboxItem(item("o3", "p1", at: 20), activity: drafted("o3", "p1")))
            #expect(try await store.insertOutboxItem(item("o4", "p1", at: 30, tenant: "acme"), activity: drafted("o4", "p1", tenant: "acme")))
            #expect(try await store.outboxItems(tenant: "", states: [], prospect: nil, since: nil, limit: 10).map(\.id) == ["o3", "o2", "o1"])
            #expect(try await store.outboxItems(tenant: "", states: [.draft], prospect: nil, since: nil, limit: 10).map(\.id) == ["o3", "o1"])
            #expect(try await store.outboxItems(tenant: "", states: [], prospect: "p1", since: at.addingTimeInterval(1), limit: 10).map(\.id) == ["o3"])
            #expect(try await store.outboxItem("o1", tenant: "") == item("o1", "p1", at: 0), "read back whole")
            #expect(try await store.outboxItem("o4", tenant: "") == nil)
            #expect(try await store.activities(tenant: "", prospect: nil, kinds: [.drafted], since: nil, newestFirst: false, limit: 10).map(\.id) == ["a_o1", "a_o2", "a_o3"],
                    "the refused second o1 added no activity")
        },
        Case(name: "pages go on after a prospect (creation time, then id); by ids; dedupe candidates carry addresses, name, company and domain") { (store: any SalesStore) async throws in
            var rich = prospect("p_b", email: "b@example.com", created: 1)
            rich.emails.append("b2@example.com")
            rich.domain = "example.com"
            #expect(try await store.insertProspects([
                prospect("p_a", state: .broken, created: 1), rich, prospect("p_c", created: 0), prospect("p_d", created: 2),
                prospect("p_x", tenant: "acme", created: 1),
            ]) == 5)
            #expect(try await store.prospects(tenant: "", states: [], after: nil, limit: 2).map(\.id) == ["p_c", "p_a"])
            #expect(try await store.prospects(tenant: "", states: [], after: (at.addingTimeInterval(1), "p_a"), limit: 2).map(\.id) == ["p_b", "p_d"])
            #expect(try await store.prospects(tenant: "", states: [.unengaged], after: (at, "p_c"), limit: 10).map(\.id) == ["p_b", "p_d"])
            #expect(try await store.prospects(tenant: "", ids: ["p_d", "p_x", "p_ghost", "p_a"]).map(\.id) == ["p_a", "p_d"])
            let candidates = try await store.dedupeCandidates(tenant: "").sorted { $0.id < $1.id }
            #expect(candidates.map(\.id) == ["p_a", "p_b", "p_c", "p_d"])
            #expect(candidates[1] == DedupeCandidate(id: "p_b", emails: ["b@example.com", "b2@example.com"], name: "Name p_b", company: "Co", domain: "example.com"))
            #expect(candidates[0].emails.isEmpty && candidates[0].domain == nil)
        },
        Case(name: "cursors are kept per tenant and name; nil deletes one") { (store: any SalesStore) async throws in
            #expect(try await store.salesCursor(tenant: "", name: "intel") == nil)
            try await store.setSalesCursor(tenant: "", name: "intel", value: "17")
            try await store.setSalesCursor(tenant: "", name: "intel", value: "18")
            try await store.setSalesCursor(tenant: "acme", name: "intel", value: "1")
            #expect(try await store.salesCursor(tenant: "", name: "intel") == "18")
            #expect(try await store.salesCursor(tenant: "acme", name: "intel") == "1")
            try await store.setSalesCursor(tenant: "", name: "intel", value: nil)
            #expect(try await store.salesCursor(tenant: "", name: "intel") == nil)
            #expect(try await store.salesCursor(tenant: "acme", name: "intel") == "1")
        },
    ]

    @Test(arguments: cases + mailCases)
    func memory(_ check: Case) async throws {
        try await check.run(MemoryStore())
    }

    @Test(arguments: cases + mailCases)
    func sqlite(_ check: Case) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-sales-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var configuration = SQLiteStore.Configuration()
        configuration.packMigrations = SalesSchema.sqlite
        let store = try SQLiteStore(path: "\(folder)/store.sqlite", configuration: configuration)
        try await store.migrate()
        try await check.run(store)
        #expect(try await store.integrityCheck() == "ok")
    }

    @Test(arguments: cases + mailCases)
    func postgres(_ check: Case) async throws {
        var configuration = try PostgresStore.Configuration(url: try PostgresTestCluster.url())
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        configuration.schema = schema
        configuration.client.options.maximumConnections = 2
        configuration.packMigrations = SalesSchema.postgres
        try await PostgresStore.withStore(PostgresStore(configuration: configuration)) { store in
            let outcome: Result<Void, any Error>
            do {
                try await store.migrate()
                try await check.run(store)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            try? await store.packWrite { session in try await session.execute("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE") }
            try outcome.get()
        }
    }
}
