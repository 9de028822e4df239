import NightshiftMail
import Testing

/// The phrase lists: defaults in four languages, matched ignoring case and accents on whole
/// words, negation turning interest into refusal, gaps, and the operator's additions.
@Suite("Reply phrases")
struct ReplyPhrasesTests {
    @Test("every category has at least ten default phrases in each language")
    func defaultsPerLanguage() {
        let phrases = ReplyPhrases()
        for category in ReplyPhrases.Category.allCases {
            for language in ReplyPhrases.defaultLanguages {
                let count = phrases[category].filter { $0.language == language }.count
                #expect(count >= 10, "\(category) in \(language): \(count)")
            }
        }
    }

    /// Text → class, for a person's reply with no quote and no signature.
    static let negation: [(String, ReplyClass)] = [
        ("We are interested.", .interested),
        ("We are not interested.", .notInterested),
        ("We are not really interested right now.", .notInterested),
        ("I don't think we'd be interested.", .notInterested),
        ("No problem, we are interested.", .interested),
        ("Wir sind interessiert.", .interested),
        ("Wir haben kein Interesse.", .notInterested),
        ("Das interessiert uns nicht.", .notInterested),
        ("Das interessiert uns leider gar nicht.", .notInterested),
        ("Nous sommes intéressés.", .interested),
        ("Nous ne sommes pas intéressés.", .notInterested),
        ("Cela ne nous intéresse pas.", .notInterested),
        ("Nous ne sommes plus intéressés.", .notInterested),
        ("Me interesa.", .interested),
        ("No me interesa.", .notInterested),
        ("No nos interesa, gracias.", .notInterested),
        ("Sí, claro, me interesa.", .interested),
        ("Your pricing is too expensive for us.", .notInterested),
    ]

    @Test("negation: 'not interested', 'kein Interesse', 'pas intéressé', 'no me interesa' are refusals")
    func negationDecides() {
        for (text, expected) in Self.negation {
            let result = ReplyMail.classify(ReplyMail.human(text))
            #expect(result.replyClass == expected, "\(text) → \(result.replyClass) \(result.signals)")
        }
    }

    @Test("a negated interest phrase is reported with its negating word")
    func negationSignal() {
        let result = ReplyMail.classify(ReplyMail.human("Nous ne sommes plus intéressés."))
        #expect(result.signals.contains(ReplySignal(.phrase, "phrase \"intéressés\" negated by \"ne\" (fr)")))
    }

    @Test("matching ignores case and accents and needs whole words")
    func wholeWordsFolded() {
        #expect(ReplyMail.classify(ReplyMail.human("OUI, ÇA M'INTÉRESSE")).replyClass == .interested)
        #expect(ReplyMail.classify(ReplyMail.human("oui, ca m'interesse")).replyClass == .interested)
        #expect(ReplyMail.classify(ReplyMail.human("Bitte AUSTRAGEN")).unsubscribe)
        // "interest" is no phrase, and "uninterested" holds "interested" only inside a word.
        #expect(ReplyMail.classify(ReplyMail.human("Our interest rate changed.")).replyClass == .unknown)
        #expect(ReplyMail.classify(ReplyMail.human("The team seemed uninterested in pens.")).replyClass == .unknown)
    }

    @Test("a gap matches up to three words within a clause, not more and not across one")
    func gaps() {
        #expect(ReplyMail.classify(ReplyMail.human("Das passt gerade überhaupt nicht.")).replyClass == .notInterested)
        #expect(ReplyMail.classify(ReplyMail.human("Das passt im Moment leider wirklich nicht.")).replyClass == .unknown)
        #expect(ReplyMail.classify(ReplyMail.human("Dienstag passt. Nicht vergessen: die Unterlagen.")).replyClass == .interested)
    }

    @Test("the operator's phrases add to the defaults")
    func adding() {
        let phrases = ReplyPhrases(adding: [.interested: ["count me in"], .unsubscribe: ["never write again"]])
        #expect(phrases[.interested].contains(ReplyPhrases.Phrase("count me in", language: "config")))
        #expect(phrases[.interested].contains { $0.text == "interested" }, "defaults kept")
        #expect(ReplyMail.classify(ReplyMail.human("Count me in!")).replyClass == .unknown)
        #expect(ReplyMail.classify(ReplyMail.human("Count me in!"), phrases: phrases).replyClass == .interested)
        let removal = ReplyMail.classify(ReplyMail.human("Never write again."), phrases: phrases)
        #expect(removal.replyClass == .notInterested && removal.unsubscribe)
        #expect(removal.signals.first == ReplySignal(.phrase, "phrase \"never write again\" (config)"))
        #expect(ReplyPhrases().adding(["", " ...  "], to: .interested) == ReplyPhrases(), "phrases without words are skipped")
    }
}
