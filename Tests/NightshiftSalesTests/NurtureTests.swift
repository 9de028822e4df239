import Foundation
import NightshiftCore
import Testing
@testable import NightshiftSales

/// Nurture sequences: templates checked when the configuration loads, drafts made for due
/// prospects within the caps, never for one not to be contacted, each step once.
@Suite("Nurture: sequences, templates, drafts and caps")
struct NurtureTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let toml = """
        [sales.nurture.welcome]
        daily_cap = 3
        domain_cap = 2

        [[sales.nurture.welcome.steps]]
        subject = "Hello {{first_name|there}}"
        body = "{{company}} — {{custom.industry|your field}}"

        [[sales.nurture.welcome.steps]]
        delay = "3d"
        subject = "Again, {{first_name}}"
        body = "Still there, {{company}}?"
        """

    @Test("merge fields fill in, with fallbacks; a missing field without one refuses the mail; an unknown field or an open {{ is an error at its line and column")
    func templates() throws {
        let template = try MailTemplate("Hi {{first_name|there}}, {{ company }} / {{custom.industry}}")
        let ana = Prospect(id: "p1", firstName: "Ana", company: "Acme", custom: ["industry": "SaaS"], createdAt: Self.now)
        #expect(try template.render(for: ana) == "Hi Ana, Acme / SaaS")
        let bare = Prospect(id: "p2", company: "Acme", custom: ["industry": "SaaS"], createdAt: Self.now)
        #expect(try template.render(for: bare) == "Hi there, Acme / SaaS")
        #expect(throws: TemplateError.self) { try MailTemplate("{{company}}").render(for: Prospect(id: "p3", createdAt: Self.now)) }
        let (_, problems) = ConfigLoader.parse(
            "[sales.nurture.bad]\n[[sales.nurture.bad.steps]]\nsubject = \"{{frist_name}}\"\nbody = \"Hi {{company\"\n",
            file: "nightshift.toml", sections: [SalesSettings.self]
        )
        #expect(problems.map { "\($0.location.line):\($0.location.column)" } == ["3:11", "4:8"], "\(problems)")
        #expect(problems.first?.message.contains("{{frist_name}} is not a merge field") == true, "\(problems)")
        let (_, empty) = ConfigLoader.parse("[sales.nurture.none]\ndaily_cap = 1\n", file: "nightshift.toml", sections: [SalesSettings.self])
        #expect(empty.first?.message.contains("has no steps") == true, "\(empty)")
    }

    func work(_ store: MemoryStore) throws -> SalesWork {
        let (configuration, problems) = ConfigLoader.parse(Self.toml, file: "nightshift.toml", sections: [SalesSettings.self])
        let settings = try #require(configuration?.section(SalesSettings.self), "\(problems)")
        return SalesWork(store: store, settings: settings, timeZone: .gmt)
    }

    static func prospect(_ id: String, email: String, state: ProspectState = .unengaged, score: Double = 0, firstName: String? = "Ana") -> Prospect {
        Prospect(id: id, name: "\(firstName ?? "") X", firstName: firstName, emails: [email], company: "Acme", state: state, score: score, createdAt: now)
    }

    /// Stores the plan's drafts as the handler does.
    func draft(_ plan: SalesWork.NurturePlan, in store: MemoryStore) async throws {
        for (item, _) in plan.drafts {
            let activity = ProspectActivity(id: "a_\(item.id)", tenant: "", prospectID: item.prospectID, at: item.createdAt, kind: .drafted, actor: "t", summary: "")
            _ = try await store.insertOutboxItem(item, activity: activity)
        }
    }

    @Test("due prospects get step 1 at once, by score; never a do-not-contact one; caps per sequence and per recipient domain; step 2 after its delay; each step once")
    func drafts() async throws {
        let store = MemoryStore()
        _ = try await store.insertProspects([
            Self.prospect("p_a", email: "a@one.example", score: 50), Self.prospect("p_b", email: "b@one.example", score: 40),
            Self.prospect("p_c", email: "c@one.example", score: 30), Self.prospect("p_d", email: "d@two.example", score: 20),
            Self.prospect("p_e", email: "e@three.example", score: 10), Self.prospect("p_dnc", email: "x@four.example", state: .doNotContact, score: 99),
            Self.prospect("p_engaged", email: "y@five.example", state: .engaged, score: 99),
        ])
        let work = try work(store)
        let first = try await work.nurturePlan(at: Self.now)
        #expect(first.drafts.map(\.item.prospectID) == ["p_a", "p_b", "p_d"], "p_c: domain_cap 2 for one.example; p_e: daily_cap 3")
        #expect(first.drafts.first?.item.subject == "Hello Ana" && first.drafts.first?.item.body == "Acme — your field")
        #expect(Set(first.skipped.map(\.id)) == ["p_c", "p_e"])
        #expect(!first.drafts.contains { $0.prospect.state == .doNotContact })
        try await draft(first, in: store)

        // The same day: the caps are spent.
        #expect(try await work.nurturePlan(at: Self.now.addingTimeInterval(3600)).drafts.isEmpty)
        // The next day: step 1 for those left, not step 2 yet (3 days).
        let next = try await work.nurturePlan(at: Self.now.addingTimeInterval(86_400))
        #expect(next.drafts.map { "\($0.item.prospectID)#\($0.item.step)" } == ["p_c#0", "p_e#0"])
        try await draft(next, in: store)
        let later = try await work.nurturePlan(at: Self.now.addingTimeInterval(3 * 86_400 + 60))
        #expect(later.drafts.map { "\($0.item.prospectID)#\($0.item.step)" } == ["p_a#1", "p_b#1", "p_d#1"])
        #expect(later.drafts.first?.item.subject == "Again, Ana")
        try await draft(later, in: store)
        try await draft(later, in: store)
        #expect(try await store.outboxItems(tenant: "", states: [], prospect: "p_a", since: nil, limit: 10).count == 2, "each step once")
        // Marked do-not-contact in between: nothing more for p_c.
        var stopped = try #require(try await store.prospect("p_c", tenant: ""))
        stopped.state = .doNotContact
        _ = try await store.updateProspects([stopped])
        let last = try await work.nurturePlan(at: Self.now.addingTimeInterval(10 * 86_400))
        #expect(last.drafts.map(\.item.prospectID) == ["p_e"])
    }

    @Test("a prospect without a field its template needs (and no fallback) is left out with the reason, not sent a blank")
    func missingField() async throws {
        let store = MemoryStore()
        _ = try await store.insertProspects([Self.prospect("p_a", email: "a@one.example", firstName: nil)])
        let work = try work(store)
        let plan = try await work.nurturePlan(at: Self.now)
        #expect(plan.drafts.map(\.item.step) == [0], "step 1 has a fallback")
        try await draft(plan, in: store)
        let second = try await work.nurturePlan(at: Self.now.addingTimeInterval(4 * 86_400))
        #expect(second.drafts.isEmpty)
        #expect(second.skipped.map(\.reason) == ["welcome step 2: p_a has no first_name"])
    }
}
