public import Foundation

/// Decides what a reply is. The rule-based ``RuleReplyClassifier`` is the default; a model
/// command (run by the application layer) answers through the same interface.
public protocol ReplyClassifier: Sendable {
    /// The class of `message` and why. `reference` is the message's `Date`, or now when it has
    /// none: dates without a year and weekdays in the text are read relative to it.
    func classify(_ message: MailMessage, reference: Date) async -> ReplyClassification
}

/// The rule-based classifier, deciding in this order:
///
/// 1. **bounce**: an RFC 3464 delivery report (`multipart/report; report-type=delivery-status`,
///    `message/delivery-status`, RFC 6533's `message/global-delivery-status`), each recipient's
///    action and status read; a report with only successful recipients is **unknown**.
/// 2. **complaint**: an RFC 5965 feedback report (`report-type=feedback-report`).
/// 3. **bounce** again, heuristically: a mail server's failure notice without a report (see
///    its signal, which says so).
/// 4. **ooo**: an automatic reply by its header fields (RFC 3834 `Auto-Submitted` other than
///    `no`, `X-Autoreply`, `X-Autorespond`, `Precedence: bulk|junk|list|auto_reply`, a null
///    `Return-Path`, an "Automatic reply:" subject); `X-Auto-Response-Suppress` counts only
///    with an absence phrase in the text.
/// 5. The reply's own text (``ReplyText``: no quoted mail, no signature), by the phrases of
///    ``ReplyPhrases``: a request to be removed is **not_interested** with
///    ``ReplyClassification/unsubscribe``; a person pointed to is **referral**; an absence
///    phrase with no intent is **ooo**; a refusal (or negated interest) is **not_interested**;
///    interest is **interested**; anything else **unknown**.
///
/// Any message classifies, in time linear in its size: the text read is capped
/// (``Configuration/maximumTextLength``) and every scan is a single pass.
public struct RuleReplyClassifier: ReplyClassifier {
    /// What the classifier reads and how much.
    public struct Configuration: Sendable, Hashable {
        /// The phrases (defaults plus the operator's).
        public var phrases = ReplyPhrases()
        /// Scalars of a message's text read at most; a reply says what it means near the top.
        public var maximumTextLength = 100_000

        /// The defaults.
        public init() {}
    }

    /// The configuration in use.
    public let configuration: Configuration
    private let index: PhraseIndex

    /// A classifier with `configuration`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.index = PhraseIndex(configuration.phrases)
    }

    /// A classifier with the default configuration and `phrases`.
    public init(phrases: ReplyPhrases) {
        var configuration = Configuration()
        configuration.phrases = phrases
        self.init(configuration: configuration)
    }

    /// The class of `message` (see ``classification(of:reference:)``).
    public func classify(_ message: MailMessage, reference: Date) async -> ReplyClassification {
        classification(of: message, reference: reference)
    }

    /// The class of `message`, synchronously: the rules need no waiting.
    public func classification(of message: MailMessage, reference: Date) -> ReplyClassification {
        report(in: message) ?? classifyText(message, reference: reference)
    }

    private func classifyText(_ message: MailMessage, reference: Date) -> ReplyClassification {
        let headers = AutoReplyHeaders.signals(of: message)
        let text = message.text
        // No more bytes than the limit means no more scalars: the text is read whole.
        let limited =
            text.utf8.count <= configuration.maximumTextLength
            ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(configuration.maximumTextLength)))
        let reply = ReplyText(limited)
        let scalars = Array(reply.body.unicodeScalars)
        let folded = FoldedText(scalars)
        let language = LanguageGuess.guess(folded.words)
        let matches = index.matches(in: folded, preferring: language)
        let referrals = ReferralFinder(scalars: scalars, words: folded.words, matches: matches).referrals(in: message)
        let sender = message.from.first
        var result = ReplyClassification(
            replyClass: .unknown, referrals: referrals, text: reply.body, signature: reply.signature,
            contact: MailSignature.contact(from: reply.signature, sender: sender), language: language)

        func of(_ category: ReplyPhrases.Category) -> [PhraseMatch] {
            matches.filter { $0.category == category && $0.negatedBy == nil }
        }
        let unsubscribe = of(.unsubscribe)
        let absence = of(.ooo)
        let refusals = of(.notInterested) + matches.filter { $0.category == .interested && $0.negatedBy != nil }
        let interest = of(.interested)
        let returnDate = { ReturnDateFinder(reference: MailDay(reference), language: language).find(in: reply.body) }
        result.unsubscribe = !unsubscribe.isEmpty

        if !headers.strong.isEmpty {
            result.replyClass = .ooo
            result.signals = headers.strong + absence.map(\.signal)
            result.returnDate = returnDate()
        } else if !unsubscribe.isEmpty {
            result.replyClass = .notInterested
            result.signals = unsubscribe.map(\.signal) + refusals.map(\.signal)
        } else if !referrals.isEmpty {
            result.replyClass = .referral
            result.signals = of(.referral).map(\.signal)
            if !message.cc.isEmpty, referrals.contains(where: { r in message.cc.contains { $0.address.lowercased() == r.address.lowercased() } }) {
                result.signals.append(ReplySignal(.header, "Cc: a person the text introduces"))
            }
        } else if !absence.isEmpty, refusals.isEmpty, interest.isEmpty || !headers.weak.isEmpty {
            result.replyClass = .ooo
            result.signals = absence.map(\.signal) + headers.weak
            result.returnDate = returnDate()
        } else if !refusals.isEmpty {
            result.replyClass = .notInterested
            result.signals = refusals.map(\.signal)
        } else if !interest.isEmpty {
            result.replyClass = .interested
            result.signals = interest.map(\.signal)
        } else {
            result.signals = [ReplySignal(.structure, reply.body.isEmpty ? "no text of its own" : "no phrase of any class")]
        }
        return result
    }
}
