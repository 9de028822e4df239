/// The phrases the rule-based classifier looks for, per category, in English, German, French and
/// Spanish, plus any the operator adds (`[mail.phrases]` in the configuration).
///
/// Matching ignores case and accents and works on whole words: `Intéressé` matches `interesse`,
/// `no, gracias` matches `no gracias`, and `interest` does not match inside `interesting`. A
/// `…` (or `...`) in a phrase stands for up to three words within one clause, for languages that
/// split what belongs together: `passt … nicht` matches "passt gerade überhaupt nicht".
///
/// ```swift
/// var phrases = ReplyPhrases()                                   // the defaults
/// phrases = phrases.adding(["count me in"], to: .interested)     // an operator's own
/// ```
public struct ReplyPhrases: Sendable, Hashable {
    /// What a phrase is evidence of.
    public enum Category: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Interest; negated ("not interested", "kein Interesse") it counts as a refusal.
        case interested
        /// A refusal.
        case notInterested = "not_interested"
        /// A request to be removed: the address goes on the do-not-contact list.
        case unsubscribe
        /// An absence: out of office, on leave, left the company.
        case ooo
        /// A pointer to someone else ("please contact", "wenden Sie sich an").
        case referral

        /// The configuration's name, e.g. `not_interested`.
        public var description: String { rawValue }
    }

    /// One phrase and the language it belongs to.
    public struct Phrase: Sendable, Hashable {
        /// The phrase as written, e.g. `kein Interesse`.
        public var text: String
        /// `en`, `de`, `fr`, `es`, or `config` for the operator's own.
        public var language: String

        /// `text` in `language`.
        public init(_ text: String, language: String) {
            self.text = text
            self.language = language
        }
    }

    /// The languages the defaults cover.
    public static let defaultLanguages = ["en", "de", "fr", "es"]

    /// Every phrase per category, the defaults first.
    public private(set) var phrases: [Category: [Phrase]]

    /// The default phrases of every language.
    public init() {
        var phrases: [Category: [Phrase]] = [:]
        for (language, table) in [("en", Self.english), ("de", Self.german), ("fr", Self.french), ("es", Self.spanish)] {
            for category in Category.allCases {
                phrases[category, default: []] += (table[category] ?? []).map { Phrase($0, language: language) }
            }
        }
        self.phrases = phrases
    }

    /// The defaults and the operator's phrases, per category (the configuration's
    /// `[mail.phrases]`: `interested = [...]`, `not_interested = [...]`…), which add to the
    /// defaults rather than replace them.
    public init(adding additions: [Category: [String]], language: String = "config") {
        self.init()
        for category in Category.allCases {
            guard let texts = additions[category] else { continue }
            self = adding(texts, to: category, language: language)
        }
    }

    /// These phrases and `texts` in `category`; phrases with no letters or digits are skipped.
    public func adding(_ texts: [String], to category: Category, language: String = "config") -> ReplyPhrases {
        var copy = self
        for text in texts where !FoldedText.words(of: text).isEmpty {
            copy.phrases[category, default: []].append(Phrase(text, language: language))
        }
        return copy
    }

    /// The phrases of `category`.
    public subscript(category: Category) -> [Phrase] {
        phrases[category] ?? []
    }

    /// Words that negate an `interested` phrase when they come shortly before it (up to four
    /// words) in the same clause ("not interested", "kein Interesse", "pas intéressé", "no me interesa").
    static let negationsBefore: Set<String> = [
        "not", "no", "never", "t", "cannot", "nor",
        "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals",
        "pas", "ne", "n", "jamais", "aucun", "aucune", "ni",
        "nunca", "jamas", "tampoco", "ningun", "ninguna",
    ]

    /// Words that negate an `interested` phrase when they come shortly after it in the same clause,
    /// as German and French put them ("interessiert uns nicht", "ne nous intéresse pas").
    static let negationsAfter: Set<String> = ["nicht", "nie", "pas", "jamais"]
}
