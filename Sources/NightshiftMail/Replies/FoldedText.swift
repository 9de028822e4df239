import Foundation

/// Text as the phrase lists and the date reader see it: lower case, accents removed (`é` → `e`,
/// `ß` → `ss`), split into words of letters and digits. Apostrophes, hyphens and punctuation
/// separate words, so `don't` is `don t` and `l'équipe` is `l equipe`, in the text and in the
/// phrases alike.
///
/// One pass over the scalars; each word remembers where it was (scalar offsets), which clause
/// (punctuation ends one), which sentence (`.`, `!`, `?`, `;` end one) and which paragraph (a
/// blank line ends one) it is in.
struct FoldedText {
    struct Word: Hashable {
        var text: String
        /// Scalar offsets in the text: `start..<end`.
        var start: Int
        var end: Int
        var clause: Int
        var sentence: Int
        var paragraph: Int
    }

    private(set) var words: [Word] = []

    /// The words of `scalars`, reading at most `limit` of them.
    init(_ scalars: [Unicode.Scalar], limit: Int = .max) {
        var current = String.UnicodeScalarView()
        var start = 0
        var clause = 0
        var sentence = 0
        var paragraph = 0
        var newlines = 0
        let count = min(scalars.count, limit)
        func finish(at end: Int) {
            guard !current.isEmpty else { return }
            words.append(Word(text: String(current), start: start, end: end, clause: clause, sentence: sentence, paragraph: paragraph))
            current = String.UnicodeScalarView()
        }
        for index in 0..<count {
            let scalar = scalars[index]
            if FoldedText.isWordScalar(scalar) {
                if current.isEmpty { start = index }
                FoldedText.fold(scalar, into: &current)
                newlines = 0
                continue
            }
            finish(at: index)
            switch scalar {
            case "\n":
                newlines += 1
                if newlines == 2 {
                    paragraph += 1
                    sentence += 1
                    clause += 1
                }
            case " ", "\t", "\r", "\u{A0}":
                break
            case ".", ";", "!", "?", "\u{BF}", "\u{A1}":
                sentence += 1
                clause += 1
                newlines = 0
            case ",", ":", "(", ")", "[", "]", "{", "}", "\u{2013}", "\u{2014}":
                clause += 1
                newlines = 0
            default:
                newlines = 0
            }
        }
        finish(at: count)
    }

    /// The folded words of a short text, e.g. a phrase.
    static func words(of text: String) -> [String] {
        FoldedText(Array(text.unicodeScalars)).words.map(\.text)
    }

    /// `text` folded, its words joined by single spaces.
    static func folded(_ text: String) -> String {
        words(of: text).joined(separator: " ")
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) || (value >= 0x30 && value <= 0x39)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
    }

    /// Appends `scalar` in lower case without its accents.
    static func fold(_ scalar: Unicode.Scalar, into output: inout String.UnicodeScalarView) {
        if scalar.isASCII {
            let value = scalar.value
            output.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value + 0x20)! : scalar)
            return
        }
        for lower in scalar.properties.lowercaseMapping.unicodeScalars {
            if lower.isASCII {
                output.append(lower)
            } else if let plain = latin[lower.value] {
                output.append(contentsOf: plain.unicodeScalars)
            } else if let base = String(lower).decomposedStringWithCanonicalMapping.unicodeScalars.first, base.isASCII {
                output.append(base)
            } else {
                output.append(lower)
            }
        }
    }

    /// The Latin letters of mail in the four languages and their neighbours, without accents.
    private static let latin: [UInt32: String] = {
        var table: [UInt32: String] = [:]
        let groups: [(String, String)] = [
            ("àáâãäåāăą", "a"), ("çćčĉċ", "c"), ("ďđ", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ìíîïĩīĭįı", "i"),
            ("ñńņňŉ", "n"), ("òóôõöøōŏő", "o"), ("ŕŗř", "r"), ("śŝşšș", "s"), ("ţťŧț", "t"), ("ùúûüũūŭůűų", "u"),
            ("ýÿŷ", "y"), ("źżž", "z"), ("ł", "l"), ("ĥħ", "h"), ("ĵ", "j"), ("ķ", "k"), ("ŵ", "w"), ("ª", "a"), ("º", "o"),
        ]
        for (letters, plain) in groups {
            for scalar in letters.unicodeScalars { table[scalar.value] = plain }
        }
        table[0xE6] = "ae"
        table[0x153] = "oe"
        table[0xDF] = "ss"
        table[0xFE] = "th"
        table[0xF0] = "d"
        return table
    }()
}
