import Foundation

/// Text as the phrase lists and the date reader see it: lower case, accents removed (`é` → `e`,
/// `ß` → `ss`), split into words of letters and digits. Apostrophes, hyphens and punctuation
/// separate words, so `don't` is `don t` and `l'équipe` is `l equipe`, in the text and in the
/// phrases alike.
///
/// One pass over the scalars; each word remembers where it was (scalar offsets), which clause
/// (punctuation ends one), which sentence (`.`, `!`, `?`, `;` end one) and which paragraph (a
/// blank line ends one) it is in. Words are built as UTF-8 in one reused buffer; the scalars
/// below U+0800 are folded from a table made once by ``fold(_:into:)`` itself.
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
        var current: [UInt8] = []
        current.reserveCapacity(64)
        var start = 0
        var clause = 0
        var sentence = 0
        var paragraph = 0
        var newlines = 0
        let count = min(scalars.count, limit)
        func finish(at end: Int) {
            guard !current.isEmpty else { return }
            words.append(
                Word(text: String(decoding: current, as: UTF8.self), start: start, end: end, clause: clause, sentence: sentence, paragraph: paragraph))
            current.removeAll(keepingCapacity: true)
        }
        for index in 0..<count {
            let scalar = scalars[index]
            if FoldedText.isWordScalar(scalar) {
                if current.isEmpty { start = index }
                FoldedText.appendFolded(scalar, to: &current)
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

    /// The folded words of a short text, e.g. a phrase: the texts of ``words`` for its scalars.
    static func words(of text: some StringProtocol) -> [String] {
        var result: [String] = []
        var current: [UInt8] = []
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                appendFolded(scalar, to: &current)
            } else if !current.isEmpty {
                result.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { result.append(String(decoding: current, as: UTF8.self)) }
        return result
    }

    /// `words(of: text).first`, or nil as soon as the first word is seen to have more than
    /// `maximumLength` scalars: a quick test whether a line can start with one of a few words,
    /// since folding never makes a word shorter.
    static func firstWord(of text: some StringProtocol, maximumLength: Int) -> String? {
        var current: [UInt8] = []
        var length = 0
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                length += 1
                if length > maximumLength { return nil }
                appendFolded(scalar, to: &current)
            } else if length > 0 {
                break
            }
        }
        return length == 0 ? nil : String(decoding: current, as: UTF8.self)
    }

    /// `text` folded, its words joined by single spaces.
    static func folded(_ text: some StringProtocol) -> String {
        words(of: text).joined(separator: " ")
    }

    @inline(__always)
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) || (value >= 0x30 && value <= 0x39)
        }
        if value < FoldTable.end { return FoldTable.shared.isWord[Int(value) - 0x80] }
        return scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
    }

    /// Appends the UTF-8 of `scalar` folded, as ``fold(_:into:)`` folds it.
    @inline(__always)
    static func appendFolded(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        let value = scalar.value
        if value < 0x80 {
            output.append(UInt8(value >= 0x41 && value <= 0x5A ? value + 0x20 : value))
        } else if value < FoldTable.end {
            let table = FoldTable.shared
            let entry = Int(value) - 0x80
            output.append(contentsOf: table.bytes[Int(table.offsets[entry])..<Int(table.offsets[entry + 1])])
        } else {
            var folded = String.UnicodeScalarView()
            fold(scalar, into: &folded)
            output.append(contentsOf: String(folded).utf8)
        }
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

    /// ``isWordScalar(_:)`` and ``fold(_:into:)`` for U+0080 to U+07FF (Latin, Greek, Cyrillic,
    /// Hebrew, Arabic), worked out once: asking Unicode and Foundation per scalar is what made
    /// folding slow.
    private struct FoldTable: Sendable {
        static let end: UInt32 = 0x800
        static let shared = FoldTable()

        var isWord: [Bool] = []
        /// The folded UTF-8 of scalar `v` is `bytes[offsets[v - 0x80]..<offsets[v - 0x7F]]`.
        var bytes: [UInt8] = []
        var offsets: [UInt32] = [0]

        init() {
            for value in 0x80..<FoldTable.end {
                guard let scalar = Unicode.Scalar(value) else {
                    isWord.append(false)
                    offsets.append(UInt32(bytes.count))
                    continue
                }
                isWord.append(scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal)
                var folded = String.UnicodeScalarView()
                FoldedText.fold(scalar, into: &folded)
                bytes.append(contentsOf: String(folded).utf8)
                offsets.append(UInt32(bytes.count))
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
