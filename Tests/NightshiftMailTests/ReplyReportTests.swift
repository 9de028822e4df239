import Foundation
import NightshiftMail
import Testing

/// Delivery status notifications (RFC 3464, RFC 6533), feedback reports (RFC 5965) and failure
/// notices without a report, read into what the monitor acts on.
@Suite("Reply reports")
struct ReplyReportTests {
    /// A `multipart/report` with a notification, a `message/delivery-status` part holding
    /// `status`, and optionally the returned headers.
    static func report(_ status: String, type: String = "delivery-status", statusType: String = "message/delivery-status", returned: String? = nil)
        -> MailMessage
    {
        var lines = [
            "From: MAILER-DAEMON@mx.seller.example (Mail Delivery System)", "To: mara@seller.example", "Subject: Undelivered Mail Returned to Sender",
            "Date: Wed, 3 Dec 2025 10:00:00 +0000", "In-Reply-To: <sent-1@seller.example>", "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=\(type); boundary=\"b\"", "", "--b", "Content-Type: text/plain", "",
            "Your message could not be delivered.", "", "--b", "Content-Type: \(statusType)", "", status, "",
        ]
        if let returned { lines += ["--b", "Content-Type: text/rfc822-headers", "", returned, ""] }
        lines.append("--b--")
        return MailMessage(bytes: Array(lines.joined(separator: "\r\n").utf8))
    }

    @Test("two recipients: one permanent (5.1.1) and one transient (4.2.2) failure")
    func twoRecipients() {
        let message = Self.report(
            """
            Reporting-MTA: dns; mx.seller.example
            Arrival-Date: Wed, 3 Dec 2025 09:59:00 +0000

            Final-Recipient: rfc822; gone@customer.example
            Original-Recipient: rfc822;Gone@Customer.example
            Action: failed
            Status: 5.1.1 (bad destination mailbox address)
            Diagnostic-Code: smtp; 550 5.1.1 <gone@customer.example>:
             Recipient address rejected: User unknown

            Final-Recipient: RFC822; <full@customer.example>
            Action: Delayed
            Status: 4.2.2
            Diagnostic-Code: SMTP; 452 4.2.2 Mailbox full
            Will-Retry-Until: Mon, 8 Dec 2025 09:59:00 +0000
            """, returned: "From: mara@seller.example\nTo: gone@customer.example\nMessage-ID: <sent-2@seller.example>")
        let result = ReplyMail.classify(message)
        #expect(result.replyClass == .bounce)
        #expect(result.bounces.count == 2)
        let hard = result.bounces[0]
        #expect(hard.address == "gone@customer.example")
        #expect(hard.originalRecipient == "Gone@Customer.example")
        #expect(hard.action == "failed")
        #expect(hard.status == "5.1.1")
        #expect(hard.diagnostic == "550 5.1.1 <gone@customer.example>: Recipient address rejected: User unknown")
        #expect(hard.isHard && !hard.isSoft)
        let soft = result.bounces[1]
        #expect(soft.address == "full@customer.example")
        #expect(soft.action == "delayed")
        #expect(soft.status == "4.2.2")
        #expect(soft.isSoft && !soft.isHard)
        #expect(result.reportedMessageID == "sent-2@seller.example", "the returned headers win over In-Reply-To")
        #expect(result.signals.first == ReplySignal(.structure, "multipart/report; report-type=delivery-status"))
    }

    @Test("a missing Status is read from the diagnostic's codes; without a returned message In-Reply-To names the mail")
    func impliedStatus() {
        let result = ReplyMail.classify(
            Self.report(
                "Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@customer.example\nAction: failed\nDiagnostic-Code: smtp; 550 No such user"))
        #expect(result.bounces.first?.status == "5.0.0")
        #expect(result.bounces.first?.isHard == true)
        #expect(result.reportedMessageID == "sent-1@seller.example")
    }

    @Test("a report of successful delivery only is not a bounce")
    func successOnly() {
        let result = ReplyMail.classify(
            Self.report("Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@customer.example\nAction: delivered\nStatus: 2.0.0"))
        #expect(result.replyClass == .unknown)
        #expect(result.bounces.map(\.action) == ["delivered"])
        #expect(result.bounces.allSatisfy { !$0.isHard && !$0.isSoft })
    }

    @Test("RFC 6533: a UTF-8 address, \\x{…} escapes decoded")
    func globalStatus() {
        let result = ReplyMail.classify(
            Self.report(
                "Reporting-MTA: dns; mx\n\nFinal-Recipient: utf-8; j\\x{FC}rgen@m\\x{FC}ller.example\nAction: failed\nStatus: 5.1.1",
                type: "global-delivery-status", statusType: "message/global-delivery-status"))
        #expect(result.replyClass == .bounce)
        #expect(result.bounces.first?.address == "jürgen@müller.example")
    }

    @Test("a feedback report of another type is a complaint with that type, not abuse")
    func feedbackTypes() {
        let raw = [
            "From: fbl@isp.example", "To: fbl@seller.example", "Subject: report", "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=feedback-report; boundary=\"f\"", "", "--f", "Content-Type: text/plain", "", "A report.",
            "--f", "Content-Type: message/feedback-report", "", "Feedback-Type: not-spam", "Version: 1", "Original-Rcpt-To: <u@isp.example>",
            "Original-Mail-From: <bounce@seller.example>", "", "--f--",
        ].joined(separator: "\r\n")
        let result = ReplyMail.classify(MailMessage(bytes: Array(raw.utf8)))
        #expect(result.replyClass == .complaint)
        #expect(
            result.complaint
                == ComplaintReport(feedbackType: "not-spam", originalRecipient: "u@isp.example", originalMailFrom: "bounce@seller.example"))
        #expect(result.complaint?.isAbuse == false)
    }

    @Test("a failure notice without a report is read heuristically and says so")
    func heuristicBounce() {
        let notice = ReplyMail.message(
            ["From: Mail Delivery System <MAILER-DAEMON@mail.customer.example>", "To: mara@seller.example", "Subject: Mail delivery failed"],
            body:
                """
                A message that you sent could not be delivered.

                  bob@customer.example
                    host said: 550 5.1.1 User unknown

                ------ This is a copy of the message's headers ------

                Return-path: <mara@seller.example>
                To: bob@customer.example
                Message-ID: <sent-9@seller.example>

                """
        )
        let result = ReplyMail.classify(notice)
        #expect(result.replyClass == .bounce)
        #expect(
            result.bounces == [
                BounceRecipient(address: "bob@customer.example", action: "failed", status: "5.1.1", diagnostic: "host said: 550 5.1.1 User unknown")
            ])
        #expect(result.reportedMessageID == "sent-9@seller.example")
        #expect(result.signals.contains { $0.kind == .structure && $0.text.contains("heuristically") })
    }

    @Test("the heuristic needs a code and a mail server's sender or subject")
    func heuristicIsConservative() {
        // A person quoting an error code is not a bounce.
        let person = ReplyMail.human("Our server said 550 5.1.1 when I wrote to Bob. Interested though!")
        #expect(ReplyMail.classify(person).replyClass == .interested)
        // A mail server's message without a code is not one either.
        let noCode = ReplyMail.message(
            ["From: postmaster@customer.example", "To: mara@seller.example", "Subject: Hello"], body: "We changed our policies.")
        #expect(ReplyMail.classify(noCode).replyClass == .unknown)
        // A subject alone with a code in the text is enough: some servers send from ordinary addresses.
        let subjectOnly = ReplyMail.message(
            ["From: alerts@customer.example", "To: mara@seller.example", "Subject: Undeliverable: Offer"],
            body: "Delivery to joe@customer.example failed: 550 5.4.1 Access denied")
        let result = ReplyMail.classify(subjectOnly)
        #expect(result.replyClass == .bounce)
        #expect(result.bounces.first?.status == "5.4.1")
    }

    @Test("status codes are not taken from IP addresses or version numbers")
    func codesNotFromNumbers() {
        let notice = ReplyMail.message(
            ["From: MAILER-DAEMON@mx.customer.example", "To: mara@seller.example", "Subject: failure notice"],
            body:
                """
                Host 198.51.100.45 (Postfix 3.5.6, 2.10.1) could not deliver to <x@customer.example>:
                Sorry, no mailbox here by that name. (#5.1.1)

                """
        )
        let result = ReplyMail.classify(notice)
        #expect(result.bounces.first?.status == "5.1.1")
        #expect(result.signals.contains { $0.text.hasPrefix("status 5.1.1 in the text") })
    }
}
