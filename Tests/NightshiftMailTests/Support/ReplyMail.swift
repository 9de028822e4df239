import Foundation
import NightshiftMail

/// Replies built in tests: header lines and a body, CRLF-joined and parsed.
enum ReplyMail {
    /// 2025-12-03 (a Wednesday) 10:00 UTC: the reference day of the date tests.
    static let wednesday = Date(timeIntervalSince1970: 1_764_756_000)

    static func message(_ headers: [String], body: String) -> MailMessage {
        let raw =
            (headers + ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", ""]).joined(
                separator: "\r\n") + "\r\n" + body.replacingOccurrences(of: "\n", with: "\r\n")
        return MailMessage(bytes: Array(raw.utf8))
    }

    /// A person's reply with `body`.
    static func human(_ body: String, extra: [String] = []) -> MailMessage {
        message(
            [
                "From: Ann Example <ann@customer.example>", "To: Mara <mara@seller.example>", "Subject: Re: Our offer",
                "Date: Wed, 3 Dec 2025 10:00:00 +0000", "Message-ID: <r1@customer.example>",
            ] + extra, body: body)
    }

    /// An automatic reply (`Auto-Submitted: auto-replied`) with `body`.
    static func automatic(_ body: String) -> MailMessage {
        human(body, extra: ["Auto-Submitted: auto-replied"])
    }

    static func classify(_ message: MailMessage, reference: Date = wednesday, phrases: ReplyPhrases = ReplyPhrases()) -> ReplyClassification {
        RuleReplyClassifier(phrases: phrases).classification(of: message, reference: reference)
    }
}
