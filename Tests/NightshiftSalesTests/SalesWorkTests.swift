import Foundation
import NightshiftCore
import NightshiftTesting
import Testing
@testable import NightshiftSales

/// The nightly steps' work on a memory store with a pinned clock: assess, groundskeeper, rescore,
/// dedupe and unmerge, intel, cards — what each changes, and the activity rows it writes.
@Suite("Sales work: the nightly steps one by one")
struct SalesWorkTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    static func settings(_ toml: String = "[sales]\n") throws -> SalesSettings {
        let (configuration, problems) = ConfigLoader.parse(toml, file: "nightshift.toml", sections: [SalesSettings.self])
        guard let settings = configuration?.section(SalesSettings.self) else { throw ConfigProblems(problems: problems) }
        return settings
    }

    struct ConfigProblems: Error { var problems: [ConfigDiagnostic] }

    static func prospect(
        _ id: String, name: String? = "Ana Ruiz", email: String? = nil, company: String? = "Acme", domain: String? = nil, title: String? = nil,
        state: ProspectState = .unengaged, created: TimeInterval = 0
    ) -> Prospect {
        Prospect(
            id: id, name: name, emails: email.map { [$0] } ?? [], company: company, domain: domain, title: title, state: state,
            createdAt: now.addingTimeInterval(created)
        )
    }

    func work(_ store: MemoryStore, _ toml: String = "[sales]\n") throws -> SalesWork {
        SalesWork(store: store, settings: try Self.settings(toml), timeZone: .gmt)
    }

    @Test("assess: a record without a valid email, a name or a company is broken with the reason; a whole one unengaged; each once")
    func assess() async throws {
        let store = MemoryStore()
        _ = try await store.insertProspects([
            Self.prospect("p_whole", email: "ana@acme.com"), Self.prospect("p_nocompany", email: "bo@x.com", company: nil),
            Self.prospect("p_nothing", name: nil, company: nil), Self.prospect("p_fixed", email: "cy@acme.com", state: .broken),
            Self.prospect("p_customer", name: nil, state: .customer),
        ])
        let work = try work(store)
        let report = try await work.assess(at: Self.now)
        #expect(report.assessed == 5)
        #expect(report.broken.map(\.id).sorted() == ["p_nocompany", "p_nothing"])
        #expect(try await store.prospect("p_nothing", tenant: "")?.stateReason == "no valid email, no name, no company")
        #expect(try await store.prospect("p_fixed", tenant: "")?.state == .unengaged, "a broken record that is whole now comes back")
        #expect(try await store.prospect("p_customer", tenant: "")?.state == .customer, "only unengaged and broken records change state")
        let changes = try await store.activities(tenant: "", prospect: nil, kinds: [.state], since: nil, newestFirst: false, limit: 10)
        #expect(Set(changes.map(\.prospectID)) == ["p_nocompany", "p_nothing", "p_fixed"])
        #expect(changes.allSatisfy { $0.actor == "pack:sales" })
        #expect(try await work.assess(at: Self.now.addingTimeInterval(60)).assessed == 0, "assessed records are not looked at again")
        #expect(try await work.assess(all: true, at: Self.now.addingTimeInterval(60)).assessed == 5)
    }

    @Test("groundskeeper: stale after stale_after without touch, refresh after refresh_after, changed within changed_within, bounced; cleared when no longer true")
    func groundskeeper() async throws {
        let store = MemoryStore()
        var touched = Self.prospect("p_touched", email: "a@acme.com", created: -200 * Self.day)
        touched.lastTouchAt = Self.now.addingTimeInterval(-10 * Self.day)
        touched.sourcedAt = Self.now.addingTimeInterval(-10 * Self.day)
        var old = Self.prospect("p_old", email: "b@acme.com", created: -100 * Self.day)
        old.sourcedAt = Self.now.addingTimeInterval(-40 * Self.day)
        var changed = Self.prospect("p_changed", email: "c@acme.com", created: -1 * Self.day)
        changed.changedAt = Self.now.addingTimeInterval(-2 * Self.day)
        changed.bouncedAt = Self.now.addingTimeInterval(-3 * Self.day)
        let dnc = Self.prospect("p_dnc", email: "d@acme.com", state: .doNotContact, created: -400 * Self.day)
        _ = try await store.insertProspects([touched, old, changed, dnc])
        let work = try work(store, "[sales.groundskeeper]\nstale_after = \"90d\"\nrefresh_after = \"30d\"\nchanged_within = \"7d\"\n")
        let report = try await work.groundskeeper(at: Self.now)
        #expect(try await store.prospect("p_touched", tenant: "")?.flags == [])
        #expect(try await store.prospect("p_old", tenant: "")?.flags == [.stale, .refresh])
        #expect(try await store.prospect("p_changed", tenant: "")?.flags == [.changed, .bounced])
        #expect(try await store.prospect("p_dnc", tenant: "")?.flags == [.refresh], "a prospect not to be contacted is never stale")
        #expect(report.totals == [.stale: 1, .refresh: 2, .changed: 1, .bounced: 1])
        // A week later the change is old news, and a touch makes p_old fresh.
        var touchedNow = try #require(try await store.prospect("p_old", tenant: ""))
        touchedNow.lastTouchAt = Self.now.addingTimeInterval(6 * Self.day)
        _ = try await store.updateProspects([touchedNow])
        let later = try await work.groundskeeper(at: Self.now.addingTimeInterval(8 * Self.day))
        #expect(try await store.prospect("p_old", tenant: "")?.flags == [.refresh])
        #expect(try await store.prospect("p_changed", tenant: "")?.flags == [.bounced])
        #expect(later.cleared == [.stale: 1, .changed: 1])
        let flagged = try await store.activities(tenant: "", prospect: "p_old", kinds: [.flagged], since: nil, newestFirst: false, limit: 10)
        #expect(flagged.map(\.summary) == ["flags +refresh +stale", "flags -stale"])
    }

    @Test("[sales.scoring] weighs fields, the best title word, flags, state, a recent touch and custom values; rescore writes only what changed")
    func rescore() async throws {
        let toml = """
            [sales.scoring]
            fields = { title = 10, phone = 5 }
            titles = { CEO = 25, vp = 20 }
            flags = { stale = -10 }
            states = { engaged = 30 }
            recent_touch = { within = "30d", points = 15 }
            custom = { industry = { SaaS = 8 } }
            """
        let store = MemoryStore()
        var ceo = Self.prospect("p_ceo", email: "a@acme.com", title: "CEO & VP of Everything", state: .engaged)
        ceo.flags = [.stale]
        ceo.lastTouchAt = Self.now.addingTimeInterval(-3 * Self.day)
        ceo.custom = ["industry": "saas"]
        _ = try await store.insertProspects([ceo, Self.prospect("p_plain", email: "b@acme.com"), Self.prospect("p_dnc", email: "c@acme.com", state: .doNotContact)])
        let work = try work(store, toml)
        let (score, parts) = work.settings.scoring.score(ceo, at: Self.now)
        #expect(score == 78)
        #expect(parts.map(\.label) == ["state engaged", "title \"ceo\"", "touched within 30d", "has title", "custom.industry saas", "flag stale"])
        #expect(try await work.rescore(at: Self.now).changed == 1, "p_plain scores 0 as before; p_dnc is not scored")
        #expect(try await store.prospect("p_ceo", tenant: "")?.score == 78)
        #expect(try await work.rescore(at: Self.now).changed == 0)
        let (_, problems) = ConfigLoader.parse(
            "[sales.scoring]\nfields = { hat = 3 }\nflags = { stale = \"x\" }\n", file: "nightshift.toml", sections: [SalesSettings.self]
        )
        #expect(problems.map { "\($0.location.line):\($0.location.column)" } == ["2:12", "3:19"], "\(problems)")
    }

    @Test("dedupe merges each group into its richest record, keeping every address and id; unmerge restores them and leaves later edits")
    func dedupeAndUnmerge() async throws {
        let store = MemoryStore()
        var rich = Self.prospect("p_rich", name: "Ana Ruiz", email: "ana.ruiz@acme.com", domain: "acme.com", title: "CEO", created: 10)
        rich.externalIDs = ["csv:1"]
        var gmail = Self.prospect("p_gmail", name: "Ana Ruiz", email: "ana.ruiz+crm@gmail.com", company: nil)
        gmail.externalIDs = ["activecampaign:7"]
        gmail.phone = "+1 555"
        // Its main address is another; its second is the Gmail one, written another way.
        var googlemail = Self.prospect("p_googlemail", name: "A. Ruiz", email: "ruiz.home@example.org", company: nil)
        googlemail.emails.append("AnaRuiz@googlemail.com")
        var typo = Self.prospect("p_typo", name: "Anna Ruiz", email: "aruiz@acme.com", company: "ACME Inc.", domain: "acme.com", state: .doNotContact)
        typo.custom = ["source_list": "webinar"]
        let other = Self.prospect("p_other", name: "Ana Ruiz", email: "ana@globex.com", company: "Globex", domain: "globex.com")
        _ = try await store.insertProspects([rich, gmail, googlemail, typo, other])
        let work = try work(store)

        let dry = try await work.dedupe(dryRun: true, at: Self.now)
        #expect(Set(dry.map { [$0.survivor.id] + $0.merged.map(\.id) }) == [["p_rich", "p_typo"], ["p_gmail", "p_googlemail"]])
        #expect(try await store.prospects(tenant: "", states: [], limit: 10).count == 5, "a dry run changes nothing")

        let sets = try await work.dedupe(dryRun: false, at: Self.now)
        #expect(sets.count == 2)
        let merged = try #require(try await store.prospect("p_rich", tenant: ""))
        #expect(merged.emails == ["ana.ruiz@acme.com", "aruiz@acme.com"])
        #expect(merged.state == .doNotContact, "a member not to be contacted keeps the merged record from contact")
        #expect(merged.custom == ["source_list": "webinar"])
        let gmailMerged = try #require(try await store.prospect("p_gmail", tenant: ""))
        #expect(gmailMerged.emails == ["ana.ruiz+crm@gmail.com", "ruiz.home@example.org"], "one mailbox, one address: the googlemail spelling is the same")
        #expect(try await store.prospect("p_googlemail", tenant: "") == nil)
        #expect(try await store.prospect("p_typo", tenant: "") == nil)
        #expect(try await store.prospect("p_other", tenant: "")?.name == "Ana Ruiz", "the same name at another company stays apart")
        #expect(try await work.dedupe(dryRun: false, at: Self.now.addingTimeInterval(60)).isEmpty, "nothing is merged twice")

        // The operator edits the merged record, then undoes the merge.
        var edited = merged
        edited.title = "Chief Executive"
        _ = try await store.updateProspects([edited])
        let undone = try await work.unmerge("p_rich", at: Self.now.addingTimeInterval(120))
        #expect(undone.merged.map(\.id) == ["p_typo"])
        #expect(try await store.prospect("p_typo", tenant: "") == typo)
        let back = try #require(try await store.prospect("p_rich", tenant: ""))
        #expect(back.emails == ["ana.ruiz@acme.com"] && back.state == .unengaged && back.custom == [:])
        #expect(back.title == "Chief Executive", "an edit made after the merge is kept")
        await #expect(throws: SalesWork.UnmergeFailure.self) { _ = try await work.unmerge(undone.id, at: Self.now) }
        let kinds = try await store.activities(tenant: "", prospect: "p_rich", kinds: [], since: nil, newestFirst: false, limit: 10).map(\.kind)
        #expect(kinds == [.merged, .unmerged])
    }

    @Test("intel: amounts, dates, competitors and phrases from the notes since the last run, each once")
    func intel() async throws {
        let extractor = RuleIntelExtractor(competitors: ["Globex", "Initech"])
        let found = extractor.nuggets(in: "Budget is $40k (maybe €5.5m next year). The CFO signs off; go-live by Q3 2027. Also talking to globex. Call on March 15.")
        let byKind = Dictionary(grouping: found, by: \.kind).mapValues { $0.map(\.text) }
        #expect(byKind[.amount] == ["$40k", "€5.5m"])
        #expect(byKind[.date] == ["next year", "Q3 2027", "March 15"])
        #expect(byKind[.competitor] == ["Globex"])
        #expect(byKind[.budget] == ["Budget is $40k (maybe €5.5m next year)"], "a phrase is given with its sentence; a decimal point does not end it")
        #expect(byKind[.decisionMaker] == ["The CFO signs off"])
        #expect(byKind[.timeline] == ["go-live by Q3 2027"])
        #expect(extractor.nuggets(in: "Nothing to see; Initechnology is not Initech's rival.").map(\.text) == ["Initech"], "whole words only")

        let store = MemoryStore()
        _ = try await store.insertProspects([Self.prospect("p1", email: "a@acme.com")])
        let work = try work(store, "[sales.intel]\ncompetitors = [\"Globex\"]\n")
        _ = try await work.note("p1", text: "Competing with Globex; $12,000 budget.", at: Self.now)
        let first = try await work.extractIntel(using: RuleIntelExtractor(competitors: work.settings.competitors), at: Self.now.addingTimeInterval(1))
        #expect(Set(first.map(\.summary)) == ["competitor: Globex", "amount: $12,000", "budget: $12,000 budget"])
        #expect(try await work.extractIntel(using: extractor, at: Self.now.addingTimeInterval(2)).isEmpty, "the cursor is past that note")
        #expect(try await store.activities(tenant: "", prospect: "p1", kinds: [.intel], since: nil, newestFirst: false, limit: 10).count == 3)
    }

    @Test("cards: unengaged and engaged, not bounced; ranked by score and due touches, each with its reasons")
    func cards() async throws {
        let store = MemoryStore()
        var engaged = Self.prospect("p_engaged", email: "a@acme.com", state: .engaged)
        engaged.score = 30
        engaged.lastTouchAt = Self.now.addingTimeInterval(-10 * Self.day)
        var high = Self.prospect("p_high", email: "b@acme.com")
        high.score = 45
        high.lastTouchAt = Self.now.addingTimeInterval(-1 * Self.day)
        var bounced = Self.prospect("p_bounced", email: "c@acme.com")
        bounced.score = 99
        bounced.flags = [.bounced]
        var parked = Self.prospect("p_parked", email: "d@acme.com", state: .parked)
        parked.bucketMonth = "2026-12"
        let fresh = Self.prospect("p_fresh", email: "e@acme.com")
        _ = try await store.insertProspects([engaged, high, bounced, parked, fresh])
        let work = try work(store)
        _ = try await work.activateBuckets(month: "2026-12", at: Self.now)
        let cards = try await work.cards(count: 10, at: Self.now)
        #expect(cards.map(\.prospect.id) == ["p_engaged", "p_high", "p_parked", "p_fresh"])
        #expect(cards[0].reasons == ["score 30", "follow-up due: no touch for 10 days"])
        #expect(cards[2].reasons == ["score 0", "back from the 2026-12 bucket", "never touched"])
        #expect(try await work.cards(count: 2, at: Self.now).count == 2)
    }
}

/// Calendar sync and demo prep on a real calendar file.
@Suite("Sales calendars: meetings with prospects")
struct SalesCalendarTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z

    static let calendar = """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        BEGIN:VEVENT\r
        UID:past-call\r
        DTSTART:20270114T150000Z\r
        DTEND:20270114T153000Z\r
        SUMMARY:Intro call\r
        ORGANIZER:mailto:me@nightshift.example\r
        ATTENDEE;CN=Ana Ruiz:mailto:Ana.Ruiz@ACME.example\r
        END:VEVENT\r
        BEGIN:VEVENT\r
        UID:demo-1\r
        DTSTART:20270115T140000Z\r
        DTEND:20270115T150000Z\r
        SUMMARY:Demo for Acme\r
        ATTENDEE:mailto:ana.ruiz@acme.example\r
        ATTENDEE:mailto:stranger@elsewhere.example\r
        END:VEVENT\r
        BEGIN:VEVENT\r
        UID:lunch\r
        DTSTART:20270115T120000Z\r
        DTEND:20270115T130000Z\r
        SUMMARY:Lunch\r
        ATTENDEE:mailto:friend@example.org\r
        END:VEVENT\r
        END:VCALENDAR\r

        """

    @Test("sync: meetings whose attendees are prospects become activities once, a past one is a touch; prep: a note per upcoming meeting with the prospect's record, notes and intel")
    func syncAndPrep() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-cal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(folder)/calendars", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(Self.calendar.utf8).write(to: URL(fileURLWithPath: "\(folder)/calendars/work.ics"))
        let (configuration, problems) = ConfigLoader.parse(
            "[sales.calendars]\nfiles = [\"calendars/work.ics\"]\nprep_hours = 12\n", file: "nightshift.toml", sections: [SalesSettings.self]
        )
        let settings = try #require(configuration?.section(SalesSettings.self), "\(problems)")
        let calendars = try #require(settings.calendars)
        let store = MemoryStore()
        _ = try await store.insertProspects([
            Prospect(id: "p_ana", name: "Ana Ruiz", emails: ["ana.ruiz@acme.example"], company: "Acme", title: "CEO", createdAt: Self.now),
        ])
        let work = SalesWork(store: store, settings: settings, timeZone: .gmt)
        _ = try await work.note("p_ana", text: "Budget approved for Q2", at: Self.now)
        _ = try await work.extractIntel(using: RuleIntelExtractor(competitors: []), at: Self.now)

        #expect(try await work.syncCalendar(calendars, root: folder, at: Self.now) == 2)
        #expect(try await work.syncCalendar(calendars, root: folder, at: Self.now.addingTimeInterval(3600)) == 0, "once per occurrence")
        let meetings = try await store.activities(tenant: "", prospect: "p_ana", kinds: [.meeting], since: nil, newestFirst: false, limit: 10)
        #expect(meetings.map(\.summary) == ["meeting 2027-01-14T15:00:00+00:00: Intro call", "meeting 2027-01-15T14:00:00+00:00: Demo for Acme"])
        #expect(try await store.prospect("p_ana", tenant: "")?.lastTouchAt == Date(timeIntervalSince1970: 1_799_938_800), "the past call is a touch")

        let paths = try await work.prepareMeetings(calendars, root: folder, directory: "\(folder)/prep", at: Self.now)
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["2027-01-15-1400-demo-1.md"])
        let note = try String(contentsOfFile: try #require(paths.first), encoding: .utf8)
        #expect(note.hasPrefix("# Prep: Demo for Acme\n"))
        #expect(note.contains("## Ana Ruiz, Acme") && note.contains("CEO · ana.ruiz@acme.example · state unengaged"))
        #expect(note.contains("### Notes\n- 2027-01-15T08:00:00+00:00: Budget approved for Q2") && note.contains("### Intel"), "\(note)")

        try Data("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".utf8).write(to: URL(fileURLWithPath: "\(folder)/calendars/work.ics"))
        await #expect { _ = try await work.syncCalendar(calendars, root: folder, at: Self.now) } throws: { error in
            "\(error)".contains("calendars/work.ics:2") && "\(error)".contains("DTSTART")
        }
    }
}

/// The intel step behind its interface: a model command's answer read strictly, and a note the
/// extractor could not read (a parked or forbidden command) read again by the next run.
@Suite("Intel behind a command")
struct IntelCommandTests {
    /// Reads every note but the one whose text says "later", until told otherwise.
    final class Picky: IntelExtractor, @unchecked Sendable {
        var refuse = true
        func nuggets(in note: String, noteID: String) async throws -> [IntelNugget] {
            if refuse, note.contains("later") { throw CommandIntelExtractor.NotRead(description: "parked") }
            return [IntelNugget(kind: .budget, text: note)]
        }
    }

    @Test("a model's answer: nuggets of a known kind and a short text, or the whole answer is refused")
    func answers() throws {
        let good = "thinking…\nNIGHTSHIFT_OUTPUT {\"nuggets\":[{\"kind\":\"amount\",\"text\":\"$40k\"},{\"kind\":\"decision_maker\",\"text\":\"the CFO\"}]}\n"
        #expect(try IntelHandler.nuggets(fromOutput: good) == [IntelNugget(kind: .amount, text: "$40k"), IntelNugget(kind: .decisionMaker, text: "the CFO")])
        #expect(throws: CommandIntelExtractor.NotRead.self) { try IntelHandler.nuggets(fromOutput: "no answer\n") }
        #expect(throws: CommandIntelExtractor.NotRead.self) {
            try IntelHandler.nuggets(fromOutput: "NIGHTSHIFT_OUTPUT {\"nuggets\":[{\"kind\":\"gossip\",\"text\":\"x\"}]}\n")
        }
        #expect(throws: CommandIntelExtractor.NotRead.self) {
            try IntelHandler.nuggets(fromOutput: "NIGHTSHIFT_OUTPUT {\"nuggets\":[{\"kind\":\"amount\",\"text\":\"\(String(repeating: "x", count: 501))\"}]}\n")
        }
    }

    @Test("a note the extractor cannot read now stops the run there; the next run reads it and the ones after, each once")
    func unreadNoteWaits() async throws {
        let store = MemoryStore()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await store.insertProspects([Prospect(id: "p1", name: "Ana", emails: ["a@acme.example"], company: "Acme", createdAt: now)])
        let work = SalesWork(store: store, settings: SalesSettings(), timeZone: .gmt)
        _ = try await work.note("p1", text: "first", at: now)
        _ = try await work.note("p1", text: "later please", at: now.addingTimeInterval(1))
        _ = try await work.note("p1", text: "third", at: now.addingTimeInterval(2))
        let picky = Picky()
        #expect(try await work.extractIntel(using: picky, at: now.addingTimeInterval(10)).map(\.summary) == ["budget: first"])
        picky.refuse = false
        #expect(try await work.extractIntel(using: picky, at: now.addingTimeInterval(20)).map(\.summary) == ["budget: later please", "budget: third"])
        #expect(try await work.extractIntel(using: picky, at: now.addingTimeInterval(30)).isEmpty)
    }
}
