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
/// own length plus its gaps.
struct PhraseIndex: Sendable {
    private struct Entry: Sendable {
        /// The phrase's words, split where it has a gap (`…`).
        var segments: [[String]]
        var category: ReplyPhrases.Category
        var phrase: ReplyPhrases.Phrase
    }

    /// Words a gap (`…`) may stand for.
    static let maximumGap = 3

    private let byFirstWord: [String: [Entry]]

    init(_ phrases: ReplyPhrases) {
        var table: [String: [Entry]] = [:]
        for category in ReplyPhrases.Category.allCases {
            for phrase in phrases[category] {
                let segments = phrase.text.replacingEllipses().split(separator: "\u{2026}").map { FoldedText.words(of: String($0)) }.filter {
                    !$0.isEmpty
                }
                guard let first = segments.first?.first else { continue }
                table[first, default: []].append(Entry(segments: segments, category: category, phrase: phrase))
            }
        }
        byFirstWord = table
    }

    /// Every phrase in `text`, in text order. Where phrases of one category (in different
    /// languages) match the same words, the one in `language` is kept. A match lying inside a
    /// longer match is dropped (`interested` inside `not interested`, `Urlaub` inside `im
    /// Urlaub`), and an `interested` match with a negating word close before or after it in the
    /// same clause is marked negated.
    func matches(in text: FoldedText, preferring language: String? = nil) -> [PhraseMatch] {
        let words = text.words
        var found: [PhraseMatch] = []
        var atThisWord: [String: Int] = [:]
        for index in words.indices {
            guard let entries = byFirstWord[words[index].text] else { continue }
            atThisWord.removeAll(keepingCapacity: true)
            for entry in entries {
                guard let end = matchEnd(entry, at: index, in: words) else { continue }
                let range = index..<end
                let match = PhraseMatch(
                    category: entry.category, phrase: entry.phrase, words: range, start: words[index].start, end: words[end - 1].end)
                let key = "\(entry.category.rawValue) \(end)"
                if let existing = atThisWord[key] {
                    if found[existing].phrase.language != language, entry.phrase.language == language { found[existing] = match }
                    continue
                }
                atThisWord[key] = found.count
                found.append(match)
            }
        }
        return resolve(found, words: words)
    }

    /// Where `entry` ends when it matches at `index` (exclusive), or nil.
    private func matchEnd(_ entry: Entry, at index: Int, in words: [FoldedText.Word]) -> Int? {
        var position = index
        for (number, segment) in entry.segments.enumerated() {
            let gaps = number == 0 ? 0...0 : 0...Self.maximumGap
            var matched: Int?
            for gap in gaps {
                let start = position + gap
                guard start + segment.count <= words.count else { break }
                // A phrase may run over a comma ("no, gracias") but not into the next sentence;
                // what a gap joins must be in one clause.
                let last = words[start + segment.count - 1]
                if last.sentence != words[index].sentence || (number > 0 && last.clause != words[index].clause) { break }
                if segment.indices.allSatisfy({ words[start + $0].text == segment[$0] }) {
                    matched = start
                    break
                }
            }
            guard let matched else { return nil }
            position = matched + segment.count
        }
        return position
    }

    private func resolve(_ found: [PhraseMatch], words: [FoldedText.Word]) -> [PhraseMatch] {
        var kept: [PhraseMatch] = []
        // Matches are in order of their first word; a covering match starts at or before, nearby.
        for (position, match) in found.enumerated() {
            let covered = found[max(0, position - 64)..<min(found.count, position + 64)].contains { other in
                other.words.count > match.words.count && other.words.lowerBound <= match.words.lowerBound
                    && other.words.upperBound >= match.words.upperBound
            }
            if covered { continue }
            var match = match
            if match.category == .interested { match.negatedBy = negation(of: match.words, in: words) }
            kept.append(match)
        }
        return kept
    }

    /// The pieces English contractions leave (`we'd`, `it's`, `I'm`), which do not count as words
    /// between a negation and what it negates.
    private static let contractionPieces: Set<String> = ["d", "s", "m", "ll", "re", "ve"]

    /// A negating word up to four words before `range` (contraction pieces not counted: "don't
    /// think we'd be interested") or two after it, in the same clause.
    private func negation(of range: Range<Int>, in words: [FoldedText.Word]) -> String? {
        let clause = words[range.lowerBound].clause
        var index = range.lowerBound - 1
        var counted = 0
        while index >= 0, counted < 4, words[index].clause == clause {
            if ReplyPhrases.negationsBefore.contains(words[index].text) { return words[index].text }
            if !Self.contractionPieces.contains(words[index].text) { counted += 1 }
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

extension String {
    /// The text with `...` written as `…`, the gap of a phrase.
    fileprivate func replacingEllipses() -> String {
        var result = ""
        var dots = 0
        for character in self {
            if character == "." {
                dots += 1
                if dots == 3 {
                    result.append("\u{2026}")
                    dots = 0
                }
                continue
            }
            result += String(repeating: ".", count: dots)
            dots = 0
            result.append(character)
        }
        return result + String(repeating: ".", count: dots)
    }
}
