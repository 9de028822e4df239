/// One occurrence of a phrase in a text.
struct PhraseMatch: Hashable {
    var category: ReplyPhrases.Category
    var phrase: ReplyPhrases.Phrase
    /// The words of the text it covers (indices into ``FoldedText/words``).
    var words: Range<Int>
    /// Scalar offsets of the match in the text.
    var start: Int
    var end: Int
    /// For an `interested` phrase: the word that negates it, if one does.
    var negatedBy: String?

    /// `phrase "kein Interesse" (de)`, or `phrase "interessiert" negated by "nicht" (de)`.
    var signal: ReplySignal {
        var text = "phrase \"\(phrase.text)\""
        if let negatedBy { text += " negated by \"\(negatedBy)\"" }
        return ReplySignal(.phrase, text + " (\(phrase.language))")
    }
}

/// The phrases of a ``ReplyPhrases`` indexed by their first word, so a text is matched in one
/// pass: for each word, only the phrases starting with it are compared, each over at most its
/// own length.
struct PhraseIndex: Sendable {
    private struct Entry: Sendable {
        var words: [String]
        var category: ReplyPhrases.Category
        var phrase: ReplyPhrases.Phrase
    }

    private let byFirstWord: [String: [Entry]]

    init(_ phrases: ReplyPhrases) {
        var table: [String: [Entry]] = [:]
        for category in ReplyPhrases.Category.allCases {
            for phrase in phrases[category] {
                let words = FoldedText.words(of: phrase.text)
                guard let first = words.first else { continue }
                table[first, default: []].append(Entry(words: words, category: category, phrase: phrase))
            }
        }
        byFirstWord = table
    }

    /// Every phrase in `text`, in text order. A match lying inside a longer match of another
    /// category is dropped (`interested` inside `not interested`), and an `interested` match
    /// with a negating word close before or after it in the same clause is marked negated.
    func matches(in text: FoldedText) -> [PhraseMatch] {
        let words = text.words
        var found: [PhraseMatch] = []
        var seen: Set<String> = []
        for index in words.indices {
            guard let entries = byFirstWord[words[index].text] else { continue }
            seen.removeAll(keepingCapacity: true)
            for entry in entries where index + entry.words.count <= words.count {
                var same = true
                for offset in 1..<entry.words.count where words[index + offset].text != entry.words[offset] {
                    same = false
                    break
                }
                guard same else { continue }
                // One match per category and span, whichever language listed it first.
                let key = "\(entry.category.rawValue) \(entry.words.count)"
                guard seen.insert(key).inserted else { continue }
                let range = index..<(index + entry.words.count)
                found.append(
                    PhraseMatch(
                        category: entry.category, phrase: entry.phrase, words: range, start: words[range.lowerBound].start,
                        end: words[range.upperBound - 1].end))
            }
        }
        return resolve(found, words: words)
    }

    private func resolve(_ found: [PhraseMatch], words: [FoldedText.Word]) -> [PhraseMatch] {
        var kept: [PhraseMatch] = []
        // Matches are in order of their first word; a longer covering match starts at or before.
        for (position, match) in found.enumerated() {
            let covered = found[max(0, position - 64)..<min(found.count, position + 64)].contains { other in
                other.category != match.category && other.words.count > match.words.count
                    && other.words.lowerBound <= match.words.lowerBound && other.words.upperBound >= match.words.upperBound
            }
            if covered { continue }
            var match = match
            if match.category == .interested { match.negatedBy = negation(of: match.words, in: words) }
            kept.append(match)
        }
        return kept
    }

    /// A negating word up to three words before `range` or two after it, in the same clause.
    private func negation(of range: Range<Int>, in words: [FoldedText.Word]) -> String? {
        let clause = words[range.lowerBound].clause
        var index = range.lowerBound - 1
        while index >= 0, index >= range.lowerBound - 3, words[index].clause == clause {
            if ReplyPhrases.negationsBefore.contains(words[index].text) { return words[index].text }
            index -= 1
        }
        let lastClause = words[range.upperBound - 1].clause
        index = range.upperBound
        while index < words.count, index < range.upperBound + 2, words[index].clause == lastClause {
            if ReplyPhrases.negationsAfter.contains(words[index].text) { return words[index].text }
            index += 1
        }
        return nil
    }
}
