import Foundation
import NightshiftCore
import NightshiftMail
import Testing
@testable import NightshiftSales

/// The reply monitor's handling of one message, on the memory store with the rule classifier:
/// whose it is, what it is, and what it does on its own (only ever holding mail back).
@Suite("Mail intake")
struct MailIntakeTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let secret = "a-test-secret-of-enough-length"

    static func settings() -> MailSettings {
        var settings = MailSettings()
        settings.accounts = [MailAccount(name: "work", address: "me@example.org")]
        return settings
    }

    static func setUp() async throws -> (MemoryStore, MailIntake) {
        let store = MemoryStore()
        let ada = Prospect(id: "p_ada", name: "Ada Lovelace", emails: ["ada@example.com"], company: "Analytical", createdAt: now)
        let bob = Prospect(id: "p_bob", name: "Bob Byte", emails: ["bob@example.net"], company: "Byte", createdAt: now)
        #expect(try await store.insertProspects([ada, bob]) == 2)
        // What Nightshift sent Ada, for thread matching.
        var sent = MailChange(tenant: "")
        sent.inserts = [(MailItem(
            id: MailItem.id(messageID: "ns-1@example.org", tenant: ""), tenant: "", account: "work", folder: "outbox", messageID: "ns-1@example.org",
            direction: .sent, from: "me@example.org", to: ["ada@example.com"], subject: "Hello", prospectID: "p_ada", review: .none, recordedAt: now
        ), [])]
        #expect(try await store.applyMail(sent))
        let intake = MailIntake(store: store, tenant: "", classifier: RuleReplyClassifier(), settings: settings(), unsubscribeSecret: secret, timeZone: .gmt)
        return (store, intake)
    }

    static func message(from: String, subject: String, body: String, headers: [String] = [], inReplyTo: String? = nil, id: String) -> [UInt8] {
        var lines = ["From: \(from)", "To: me@example.org", "Subject: \(subject)", "Date: Fri, 15 Jan 2027 10:00:00 +0000", "Message-ID: <\(id)>"]
        if let inReplyTo { lines += ["In-Reply-To: <\(inReplyTo)>", "References: <\(inReplyTo)>"] }
        lines += headers + ["Content-Type: text/plain; charset=utf-8", "", body]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    static let inbox = MailSource(account: "work", folder: "INBOX", uid: 1, uidValidity: 9, direction: .received)

    @Test("an interested reply in a thread Nightshift sent: kept for review, the sequence stopped, nobody promoted")
    func interestedReply() async throws {
        let (store, intake) = try await Self.setUp()
        let raw = Self.message(
            from: "Someone Else <other@elsewhere.com>", subject: "Re: Hello", body: "Sounds interesting, can we talk next week?",
            inReplyTo: "ns-1@example.org", id: "r1@elsewhere.com"
        )
        guard case .stored(let item) = try await intake.take(raw, from: Self.inbox, at: Self.now, cursor: ("mail:work:INBOX", "9:1")) else {
            Issue.record("not stored")
            return
        }
        #expect(item.prospectID == "p_ada" && item.matchedBy == "thread", "the thread decides before the sender")
        #expect(item.replyClass == "interested" && item.review == .pending)
        let ada = try #require(try await store.prospect("p_ada", tenant: ""))
        #expect(ada.state == .unengaged, "no promotion without the operator")
        #expect(ada.repliedAt != nil)
        #expect(try await store.salesCursor(tenant: "", name: "mail:work:INBOX") == "9:1")
        #expect(try await store.mailRaw(item.id, tenant: "") == raw)
        let activities = try await store.activities(tenant: "", prospect: "p_ada", kinds: [.replied], since: nil, newestFirst: true, limit: 5)
        #expect(activities.count == 1)
        // Read again (a restart, a resync): known, nothing added.
        guard case .known = try await intake.take(raw, from: Self.inbox, at: Self.now, cursor: ("mail:work:INBOX", "9:2")) else {
            Issue.record("read twice")
            return
        }
        #expect(try await store.mailItems(tenant: "", filter: MailFilter(direction: .received)).count == 1)
        #expect(try await store.salesCursor(tenant: "", name: "mail:work:INBOX") == "9:1", "a known message leaves the watermark to the caller")
    }

    @Test("mail from nobody Nightshift knows is left alone: nothing written (its watermark is the caller's to write)")
    func strangerIgnored() async throws {
        let (store, intake) = try await Self.setUp()
        let raw = Self.message(from: "news@shop.example", subject: "Sale!", body: "Buy now", id: "n1@shop.example")
        guard case .ignored = try await intake.take(raw, from: Self.inbox, at: Self.now, cursor: ("mail:work:INBOX", "9:5")) else {
            Issue.record("a stranger's mail was kept")
            return
        }
        #expect(try await store.mailItems(tenant: "", filter: MailFilter(direction: .received)).isEmpty)
        #expect(try await store.salesCursor(tenant: "", name: "mail:work:INBOX") == nil)
        try await intake.moveWatermark(("mail:work:INBOX", "9:5"))
        #expect(try await store.salesCursor(tenant: "", name: "mail:work:INBOX") == "9:5")
    }

    @Test("an out-of-office pauses the sequence until the return date it names")
    func outOfOffice() async throws {
        let (store, intake) = try await Self.setUp()
        let raw = Self.message(
            from: "bob@example.net", subject: "Automatic reply: Hello", body: "I am out of the office until 25 January 2027 with limited access to email.",
            headers: ["Auto-Submitted: auto-replied"], id: "ooo1@example.net"
        )
        guard case .stored(let item) = try await intake.take(raw, from: Self.inbox, at: Self.now, cursor: nil) else {
            Issue.record("not stored")
            return
        }
        #expect(item.replyClass == "ooo" && item.matchedBy == "sender")
        let bob = try #require(try await store.prospect("p_bob", tenant: ""))
        #expect(bob.pausedUntil.map { ISO8601.format($0, in: .gmt) } == "2027-01-25T00:00:00+00:00")
        #expect(bob.repliedAt == nil, "an out-of-office only pauses")
    }

    @Test("a hard bounce of mail Nightshift sent suppresses the address and flags the prospect")
    func hardBounce() async throws {
        let (store, intake) = try await Self.setUp()
        let dsn = """
            From: MAILER-DAEMON@mx.example.org\r
            To: me@example.org\r
            Subject: Undelivered Mail Returned to Sender\r
            Message-ID: <dsn1@mx.example.org>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r
            \r
            --B\r
            Content-Type: text/plain\r
            \r
            Your message could not be delivered.\r
            --B\r
            Content-Type: message/delivery-status\r
            \r
            Reporting-MTA: dns; mx.example.org\r
            \r
            Final-Recipient: rfc822; ada@example.com\r
            Action: failed\r
            Status: 5.1.1\r
            Diagnostic-Code: smtp; 550 5.1.1 user unknown\r
            --B\r
            Content-Type: text/rfc822-headers\r
            \r
            Message-ID: <ns-1@example.org>\r
            To: ada@example.com\r
            --B--\r

            """
        guard case .stored(let item) = try await intake.take(Array(dsn.utf8), from: Self.inbox, at: Self.now, cursor: nil) else {
            Issue.record("not stored")
            return
        }
        #expect(item.replyClass == "bounce" && item.prospectID == "p_ada")
        let suppressed = try await store.suppressions(tenant: "", keys: nil)
        #expect(suppressed.map(\.address) == ["ada@example.com"] && suppressed.first?.reason == .bounce)
        let ada = try #require(try await store.prospect("p_ada", tenant: ""))
        #expect(ada.flags.contains(.bounced) && ada.bouncedAt != nil)
    }

    @Test("a mail to the unsubscribe address with a valid token makes its prospect do-not-contact; a forged one does not")
    func unsubscribeByMail() async throws {
        let (store, intake) = try await Self.setUp()
        let forged = UnsubscribeToken(tenant: "", prospectID: "p_bob").text(secret: "another-secret")
        let raw1 = Self.message(from: "x@y.example", subject: "unsubscribe \(forged)", body: "", id: "u0@y.example")
        guard case .ignored = try await intake.take(raw1, from: Self.inbox, at: Self.now, cursor: nil) else {
            Issue.record("a forged token was honoured")
            return
        }
        let token = UnsubscribeToken(tenant: "", prospectID: "p_bob").text(secret: Self.secret)
        let raw2 = Self.message(from: "x@y.example", subject: "unsubscribe \(token)", body: "", id: "u1@y.example")
        guard case .stored(let item) = try await intake.take(raw2, from: Self.inbox, at: Self.now, cursor: nil) else {
            Issue.record("not stored")
            return
        }
        #expect(item.prospectID == "p_bob" && item.matchedBy == "token" && item.replyClass == "not_interested")
        #expect(try await store.prospect("p_bob", tenant: "")?.state == .doNotContact)
        #expect(try await store.suppressions(tenant: "", keys: [EmailAddress.identityKey("bob@example.net")]).first?.reason == .unsubscribe)
    }

    @Test("promoting a referral engages the prospect and proposes the person referred; a second review is refused")
    func reviewReferral() async throws {
        let (store, intake) = try await Self.setUp()
        let raw = Self.message(
            from: "ada@example.com", subject: "Re: Hello",
            body: "I'm not the right person for this. Please contact my colleague Carol Jones (carol.jones@example.com), she runs IT.",
            inReplyTo: "ns-1@example.org", id: "ref1@example.com"
        )
        guard case .stored(let item) = try await intake.take(raw, from: Self.inbox, at: Self.now, cursor: nil) else {
            Issue.record("not stored")
            return
        }
        #expect(item.replyClass == "referral")
        let work = MailWork(store: store, settings: Self.settings(), sales: SalesSettings(), timeZone: .gmt)
        let (reviewed, created) = try await work.review(item.id, decision: .promote, by: "operator", at: Self.now)
        #expect(reviewed.review == .promoted && reviewed.reviewedBy == "operator")
        #expect(created.map { $0.emails } == [["carol.jones@example.com"]])
        #expect(try await store.prospect("p_ada", tenant: "")?.state == .engaged)
        #expect(try await store.prospects(tenant: "", emailKeys: ["carol.jones@example.com"]).count == 1)
        await #expect(throws: MailAccountError.self) { try await work.review(item.id, decision: .dismiss, by: "operator", at: Self.now) }
    }

    @Test("people copied on a reply in a known thread are proposed, and become prospects only when the operator promotes it")
    func copiedContacts() async throws {
        let (store, intake) = try await Self.setUp()
        let raw = Self.message(
            from: "ada@example.com", subject: "Re: Hello", body: "Sounds good, let's talk next week.", headers: ["Cc: Dan Lee <dan.lee@example.com>, me@example.org"],
            inReplyTo: "ns-1@example.org", id: "cc1@example.com"
        )
        guard case .stored(let item) = try await intake.take(raw, from: Self.inbox, at: Self.now, cursor: nil) else {
            Issue.record("not stored")
            return
        }
        guard case .object(let details) = item.details, case .array(let copied)? = details["cc_contacts"] else {
            Issue.record("no cc_contacts in \(item.details)")
            return
        }
        #expect(copied == [.object(["name": .string("Dan Lee"), "address": .string("dan.lee@example.com")])], "the operator's own address is left out")
        #expect(try await store.prospects(tenant: "", emailKeys: ["dan.lee@example.com"]).isEmpty, "nothing added on its own")
        let work = MailWork(store: store, settings: Self.settings(), sales: SalesSettings(), timeZone: .gmt)
        let (_, created) = try await work.review(item.id, decision: .promote, by: "operator", at: Self.now)
        #expect(created.map(\.name) == ["Dan Lee"] && created.first?.company == "Analytical")
    }

    @Test("a message too malformed to say whose it is is kept with its problems for the operator; the monitor goes on")
    func malformed() async throws {
        let (store, intake) = try await Self.setUp()
        let garbage: [UInt8] = Array("From \u{0}\u{1}:\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--\r\n".utf8) + (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        guard case .stored(let item) = try await intake.take(garbage, from: Self.inbox, at: Self.now, cursor: nil) else {
            Issue.record("a malformed message was dropped")
            return
        }
        #expect(item.review == .pending && item.replyClass == "unknown" && item.prospectID == nil && !item.problems.isEmpty, "\(item)")
        #expect(item.messageID.hasPrefix("sha256-"), "no Message-ID: one made from its bytes, so it is kept once")
        guard case .known = try await intake.take(garbage, from: Self.inbox, at: Self.now, cursor: nil) else {
            Issue.record("kept twice")
            return
        }
        #expect(try await store.mailItems(tenant: "", filter: MailFilter(reviews: [.pending])).count == 1)
    }

    @Test("unsubscribe TOKEN by hand: do-not-contact and suppressed; a wrong secret refused")
    func unsubscribeByHand() async throws {
        let (store, _) = try await Self.setUp()
        let work = MailWork(
            store: store, settings: { var s = Self.settings(); s.unsubscribeSecretVariable = "SECRET"; return s }(), sales: SalesSettings(),
            timeZone: .gmt, environment: { ["SECRET": Self.secret] }
        )
        let token = UnsubscribeToken(tenant: "", prospectID: "p_ada").text(secret: Self.secret)
        let prospect = try await work.unsubscribe(token: token, by: "operator", at: Self.now)
        #expect(prospect.state == .doNotContact)
        #expect(try await store.suppressions(tenant: "", keys: nil).map(\.address) == ["ada@example.com"])
        #expect(throws: UnsubscribeToken.Refusal.self) { try UnsubscribeToken(checking: token + "x", secret: Self.secret) }
        #expect(throws: UnsubscribeToken.Refusal.self) { try UnsubscribeToken(checking: token, secret: "other") }
    }
}
