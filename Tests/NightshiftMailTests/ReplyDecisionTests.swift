import Foundation
import NightshiftMail
import Testing

/// The order of the rules and the header signals of automatic replies.
@Suite("Reply decisions")
struct ReplyDecisionTests {
    @Test("RFC 3834 and its kin mark automatic replies; Auto-Submitted: no does not")
    func automaticHeaders() {
        let marked = [
            "Auto-Submitted: auto-replied", "Auto-Submitted: auto-generated", "Auto-Submitted: auto-notified; owner-email=a@b.example",
            "X-Autoreply: yes", "X-Autorespond: Re: offer", "Precedence: bulk", "Precedence: junk", "Precedence: list",
            "Precedence: auto_reply", "Return-Path: <>", "Return-Path: < >",
        ]
        for header in marked {
            let result = ReplyMail.classify(ReplyMail.human("Thank you for your message.", extra: [header]))
            #expect(result.replyClass == .ooo, "\(header)")
            #expect(result.signals.first?.kind == .header, "\(header)")
        }
        for header in ["Auto-Submitted: no", "X-Autoreply: no", "Precedence: first-class", "Return-Path: <ann@customer.example>"] {
            #expect(ReplyMail.classify(ReplyMail.human("Thank you for your message.", extra: [header])).replyClass == .unknown, "\(header)")
        }
    }

    @Test("automatic-reply subjects count; a subject that merely starts with the word does not")
    func subjects() {
        func classify(_ subject: String) -> ReplyClass {
            ReplyMail.classify(
                ReplyMail.message(["From: a@b.example", "To: m@s.example", "Subject: \(subject)"], body: "Thank you for your message.")
            ).replyClass
        }
        #expect(classify("Automatic reply: Offer") == .ooo)
        #expect(classify("Abwesenheitsnotiz: Angebot") == .ooo)
        #expect(classify("Réponse automatique : Offre") == .ooo)
        #expect(classify("Respuesta automática: Oferta") == .ooo)
        #expect(classify("Auto insurance quotes") == .unknown)
    }

    @Test("X-Auto-Response-Suppress is weak: alone it decides nothing, with an absence phrase it is ooo")
    func weakSignal() {
        let alone = ReplyMail.classify(ReplyMail.human("Sounds interesting, let's talk.", extra: ["X-Auto-Response-Suppress: All"]))
        #expect(alone.replyClass == .interested)
        let withPhrase = ReplyMail.classify(
            ReplyMail.human("I am out of the office until Friday. Happy to chat after.", extra: ["X-Auto-Response-Suppress: All"]))
        #expect(withPhrase.replyClass == .ooo)
        #expect(withPhrase.signals.contains(ReplySignal(.header, "X-Auto-Response-Suppress: All")))
        #expect(withPhrase.returnDate?.description == "2025-12-05")
    }

    @Test("an absence phrase without headers is ooo only when the text shows no intent")
    func absenceText() {
        #expect(ReplyMail.classify(ReplyMail.human("I'm out of the office until Friday.")).replyClass == .ooo)
        #expect(
            ReplyMail.classify(ReplyMail.human("I'm on vacation until Friday, but sounds interesting, let's talk then.")).replyClass == .interested)
    }

    @Test("a request to be removed wins over everything in the text, and referrals are still listed")
    func unsubscribeFirst() {
        let result = ReplyMail.classify(ReplyMail.human("Please remove me from your list. Talk to Jo Smith <jo.smith@customer.example> instead."))
        #expect(result.replyClass == .notInterested)
        #expect(result.unsubscribe)
        #expect(result.referrals == [ReferredContact(name: "Jo Smith", address: "jo.smith@customer.example")])
    }

    @Test("a referral wins over a refusal; without an address it is just the refusal")
    func referralBeforeRefusal() {
        let named = ReplyMail.classify(ReplyMail.human("Not interested myself, but please contact Jo Smith (jo.smith@customer.example)."))
        #expect(named.replyClass == .referral)
        let unnamed = ReplyMail.classify(ReplyMail.human("Not interested myself, please contact someone else."))
        #expect(unnamed.replyClass == .notInterested)
    }

    @Test("the sender's own address, the recipients and role mailboxes are not referrals")
    func notReferrals() {
        let own = ReplyMail.classify(ReplyMail.human("Please contact me at ann@customer.example or mara@seller.example."))
        #expect(own.referrals.isEmpty)
        let role = ReplyMail.classify(ReplyMail.human("Please contact info@customer.example."))
        #expect(role.referrals.isEmpty)
        let far = ReplyMail.classify(ReplyMail.human("Please contact us.\n\nUnrelated: jo@customer.example sent the file."))
        #expect(far.referrals.isEmpty, "a blank line separates the phrase from the address")
    }

    /// Names of three letters or more are looked for, so short words do not pass for names.
    @Test("a Cc'd person counts only when the text introduces them")
    func ccReferral() {
        let introduced = ReplyMail.classify(
            ReplyMail.human("I've copied Joe, who handles this.", extra: ["Cc: Joe Smith <joe.smith@customer.example>"]))
        #expect(introduced.replyClass == .referral)
        #expect(introduced.referrals == [ReferredContact(name: "Joe Smith", address: "joe.smith@customer.example")])
        let silent = ReplyMail.classify(
            ReplyMail.human("Sounds interesting, talk to you soon.", extra: ["Cc: Joe Smith <joe.smith@customer.example>"]))
        #expect(silent.replyClass == .interested)
        #expect(silent.referrals.isEmpty)
    }

    @Test("the async interface gives what the synchronous one does")
    func asyncInterface() async {
        let message = ReplyMail.human("No thanks.")
        let classifier: any ReplyClassifier = RuleReplyClassifier()
        let viaProtocol = await classifier.classify(message, reference: ReplyMail.wednesday)
        #expect(viaProtocol == RuleReplyClassifier().classification(of: message, reference: ReplyMail.wednesday))
        #expect(viaProtocol.replyClass == .notInterested)
    }

    @Test("the signature's details come with the classification")
    func contact() {
        let result = ReplyMail.classify(
            ReplyMail.human("Sounds good, call me.\n\nBest regards,\nAnn Example\nHead of Finance\nExample Industries Inc.\nTel: +1 415 555 0100"))
        #expect(result.contact.name == "Ann Example")
        #expect(result.contact.title == "Head of Finance")
        #expect(result.contact.company == "Example Industries Inc.")
        #expect(result.contact.phones == ["+1 415 555 0100"])
        #expect(result.text == "Sounds good, call me.")
    }
}
