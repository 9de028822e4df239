import Foundation
import NightshiftCore
import Testing
@testable import NightshiftSales

extension SalesStoreConformanceTests {
    static func mailItem(
        _ messageID: String, tenant: String = "", prospect: String? = "p1", direction: MailItem.Direction = .received,
        review: MailItem.Review = .pending, at offset: Double = 0
    ) -> MailItem {
        MailItem(
            id: MailItem.id(messageID: messageID, tenant: tenant), tenant: tenant, account: "work", folder: "INBOX", uid: 7, uidValidity: 42,
            messageID: messageID, direction: direction, from: "ada@example.com", fromName: "Ada", to: ["me@example.org"], cc: ["cc@example.com"],
            subject: "Re: hello ✓", date: at.addingTimeInterval(offset - 60), inReplyTo: ["sent-1@example.org"], references: ["sent-1@example.org"],
            prospectID: prospect, matchedBy: "thread", replyClass: "interested", signals: ["phrase \"sounds good\" (en)"],
            details: .object(["return_date": .string("2027-01-04")]), text: "Sounds good, call me.",
            attachments: [MailItem.Attachment(name: "deck.pdf", type: "application/pdf", size: 1234)], problems: ["part 1: a problem"],
            review: review, recordedAt: at.addingTimeInterval(offset)
        )
    }

    static let mailCases: [Case] = [
        Case(name: "applyMail keeps a mail once by id, with its raw bytes, and lists by review, direction, prospect and Message-ID") { (store: any SalesStore) async throws in
            #expect(try await store.insertProspects([prospect("p1", email: "ada@example.com")]) == 1)
            var change = MailChange(tenant: "")
            let raw: [UInt8] = Array("Subject: x\r\n\r\nbody \u{00FF}".utf8) + [0, 0xFF, 0x80]
            change.inserts = [(mailItem("r1@x"), raw), (mailItem("s1@x", direction: .sent, review: .none, at: 1), [])]
            change.cursor = ("mail:work:INBOX", "42:7")
            #expect(try await store.applyMail(change))
            var again = MailChange(tenant: "")
            var changed = mailItem("r1@x")
            changed.subject = "other"
            again.inserts = [(changed, [1])]
            #expect(try await store.applyMail(again), "an insert of a stored id is no condition: left out")
            let stored = try #require(try await store.mailItem(MailItem.id(messageID: "r1@x", tenant: ""), tenant: ""))
            #expect(stored == mailItem("r1@x"))
            #expect(try await store.mailRaw(stored.id, tenant: "") == raw)
            #expect(try await store.mailItem(stored.id, tenant: "acme") == nil)
            #expect(try await store.mailRaw(stored.id, tenant: "acme") == nil)
            #expect(try await store.salesCursor(tenant: "", name: "mail:work:INBOX") == "42:7")
            #expect(try await store.mailItems(tenant: "", filter: MailFilter()).map(\.messageID) == ["s1@x", "r1@x"])
            #expect(try await store.mailItems(tenant: "", filter: MailFilter(reviews: [.pending])).map(\.messageID) == ["r1@x"])
            #expect(try await store.mailItems(tenant: "", filter: MailFilter(direction: .sent)).map(\.messageID) == ["s1@x"])
            #expect(try await store.mailItems(tenant: "", filter: MailFilter(prospect: "p9")).isEmpty)
            #expect(try await store.mailItems(tenant: "", filter: MailFilter(messageIDs: ["s1@x", "nope"])).map(\.messageID) == ["s1@x"])
            #expect(try await store.mailItems(tenant: "", filter: MailFilter(messageIDs: [])).isEmpty)
            #expect(try await store.mailItems(tenant: "", filter: MailFilter(limit: 1)).count == 1)
            #expect(try await store.mailItems(tenant: "acme", filter: MailFilter()).isEmpty)
        },
        Case(name: "applyMail's conditions hold for all of it or none of it is written") { (store: any SalesStore) async throws in
            var p1 = prospect("p1", email: "ada@example.com")
            #expect(try await store.insertProspects([p1]) == 1)
            var first = MailChange(tenant: "")
            first.inserts = [(mailItem("r1@x"), [1, 2])]
            #expect(try await store.applyMail(first))
            var reviewed = mailItem("r1@x")
            reviewed.review = .promoted
            reviewed.reviewedBy = "operator"
            p1.state = .engaged
            var review = MailChange(tenant: "")
            review.updates = [(reviewed, .pending)]
            review.prospects = [p1]
            review.activities = [ProspectActivity(id: "a_rev", tenant: "", prospectID: "p1", at: at, kind: .state, actor: "operator", summary: "promoted")]
            review.suppressions = [Suppression(tenant: "", address: "A.da+x@Example.com", reason: .operator, at: at, source: "operator")]
            review.inserts = [(mailItem("r2@x"), [])]
            #expect(try await store.applyMail(review))
            #expect(try await store.mailItem(reviewed.id, tenant: "")?.review == .promoted)
            #expect(try await store.prospect("p1", tenant: "")?.state == .engaged)
            // The same review again: its condition (pending) no longer holds, so nothing of it is written.
            var twice = review
            p1.state = .customer
            twice.prospects = [p1]
            twice.activities = [ProspectActivity(id: "a_rev2", tenant: "", prospectID: "p1", at: at, kind: .note, actor: "operator", summary: "x")]
            twice.inserts = [(mailItem("r3@x"), [])]
            twice.cursor = ("c", "1")
            #expect(try await store.applyMail(twice) == false)
            #expect(try await store.prospect("p1", tenant: "")?.state == .engaged)
            #expect(try await store.mailItem(MailItem.id(messageID: "r3@x", tenant: ""), tenant: "") == nil)
            #expect(try await store.salesCursor(tenant: "", name: "c") == nil)
            #expect(try await store.activities(tenant: "", prospect: "p1", kinds: [], since: nil, newestFirst: false, limit: 10).map(\.id) == ["a_rev"])
            // Another tenant's item is never matched.
            var foreign = MailChange(tenant: "acme")
            foreign.updates = [(reviewed, .promoted)]
            #expect(try await store.applyMail(foreign) == false)
        },
        Case(name: "suppressions are kept per tenant by identity key, the first reason kept") { (store: any SalesStore) async throws in
            var change = MailChange(tenant: "")
            change.suppressions = [
                Suppression(tenant: "", address: "a.b+news@gmail.com", reason: .bounce, at: at, source: "m_1", detail: "5.1.1 user unknown"),
                Suppression(tenant: "", address: "x@example.com", reason: .unsubscribe, at: at.addingTimeInterval(1), source: "p_x"),
            ]
            #expect(try await store.applyMail(change))
            var later = MailChange(tenant: "")
            later.suppressions = [Suppression(tenant: "", address: "AB@googlemail.com", reason: .complaint, at: at.addingTimeInterval(5), source: "m_2")]
            #expect(try await store.applyMail(later))
            let found = try await store.suppressions(tenant: "", keys: [EmailAddress.identityKey("ab@gmail.com")])
            #expect(found.map(\.reason) == [.bounce])
            #expect(found.first?.detail == "5.1.1 user unknown")
            #expect(try await store.suppressions(tenant: "", keys: nil).map(\.address) == ["a.b+news@gmail.com", "x@example.com"])
            #expect(try await store.suppressions(tenant: "", keys: []).isEmpty)
            #expect(try await store.suppressions(tenant: "acme", keys: nil).isEmpty)
        },
        Case(name: "an outbox item moves draft → sending → sent only from the state expected, its send fields kept") { (store: any SalesStore) async throws in
            #expect(try await store.insertProspects([prospect("p1", email: "ada@example.com")]) == 1)
            var item = OutboxItem(
                id: "o_1", tenant: "", prospectID: "p1", sequence: "welcome", step: 0, recipient: "ada@example.com", subject: "Hi", body: "Hello",
                createdAt: at
            )
            let drafted = ProspectActivity(id: "a_d", tenant: "", prospectID: "p1", at: at, kind: .drafted, actor: "pack:sales", summary: "d")
            #expect(try await store.insertOutboxItem(item, activity: drafted))
            item.state = .sending
            item.messageID = "ns-1@example.org"
            item.account = "work"
            item.attempts = 1
            item.attemptedAt = at.addingTimeInterval(2)
            var sending = MailChange(tenant: "")
            sending.outbox = [(item, .draft)]
            #expect(try await store.applyMail(sending))
            #expect(try await store.applyMail(sending) == false, "a second sender finds it sending already")
            #expect(try await store.outboxItem("o_1", tenant: "") == item)
            item.state = .sent
            item.sentAt = at.addingTimeInterval(3)
            var sent = MailChange(tenant: "")
            sent.outbox = [(item, .sending)]
            sent.inserts = [(mailItem("ns-1@example.org", direction: .sent, review: .none), [])]
            #expect(try await store.applyMail(sent))
            #expect(try await store.outboxItem("o_1", tenant: "") == item)
            #expect(try await store.outboxItems(tenant: "", states: [.sent], prospect: nil, since: nil, limit: 5).map(\.id) == ["o_1"])
        },
    ]
}
