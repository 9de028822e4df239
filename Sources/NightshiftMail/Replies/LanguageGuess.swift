/// The language of a reply among English, German, French and Spanish, from its commonest words
/// (and the words of absence notices): enough to read `12/14` as month first in English and day
/// first elsewhere, and to report.
enum LanguageGuess {
    private static let stopWords: [(String, Set<String>)] = [
        (
            "en",
            [
                "the", "and", "you", "your", "i", "we", "is", "are", "to", "of", "for", "with", "this", "that", "will", "be", "my", "me",
                "thanks", "please", "on", "at", "until", "back", "away", "out",
            ]
        ),
        (
            "de",
            [
                "und", "der", "die", "das", "ich", "sie", "ihr", "ihre", "ihnen", "wir", "nicht", "ist", "mit", "fur", "bin", "ein", "eine",
                "zu", "den", "dem", "bitte", "danke", "uns", "im", "ab", "bis", "zuruck", "wieder",
            ]
        ),
        (
            "fr",
            [
                "le", "la", "les", "et", "je", "vous", "nous", "est", "pas", "du", "des", "une", "pour", "avec", "suis", "merci", "ce", "cette",
                "mon", "au", "jusqu", "retour", "serai",
            ]
        ),
        (
            "es",
            [
                "el", "los", "las", "y", "que", "en", "por", "estoy", "usted", "su", "para", "con", "una", "gracias", "mi", "le", "del", "hasta",
                "muy", "vuelvo", "estare",
            ]
        ),
    ]

    /// For each stop word, the languages (indices into ``stopWords``) that have it: one look-up
    /// per word instead of one per language.
    private static let languagesOfWord: [String: [Int]] = {
        var table: [String: [Int]] = [:]
        for (index, entry) in stopWords.enumerated() {
            for word in entry.1 { table[word, default: []].append(index) }
        }
        return table
    }()

    /// The language with the most of its words among `words`, or nil when none has any or two
    /// have as many.
    static func guess(_ words: [FoldedText.Word]) -> String? {
        var counts = [Int](repeating: 0, count: stopWords.count)
        for word in words.prefix(2_000) {
            for index in languagesOfWord[word.text] ?? [] { counts[index] += 1 }
        }
        let ranked = counts.indices.sorted { counts[$0] > counts[$1] }
        guard counts[ranked[0]] >= 1, counts[ranked[0]] > counts[ranked[1]] else { return nil }
        return stopWords[ranked[0]].0
    }
}
