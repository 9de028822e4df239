/// Where quoted mail starts in a reply (see ``ReplyText``).
enum QuoteMarkers {
    enum Kind {
        case attribution
        case separator
        case headerBlock
    }

    struct Marker {
        var index: Int
        var lineCount: Int
        var kind: Kind
    }

    /// Lines longer than this are never markers (attribution lines are short), which also keeps
    /// a megabyte-long line from being folded again and again.
    static let maximumMarkerLength = 400

    /// Whether `line` is quoted with `>`.
    static func isQuoteLine(_ line: Substring) -> Bool {
        for scalar in line.unicodeScalars {
            if scalar == " " || scalar == "\t" { continue }
            return scalar == ">"
        }
        return false
    }

    /// The first marker in `lines`.
    ///
    /// Most lines can be no marker at all, which ``LineShape`` tells from a few bytes: only the
    /// lines it lets through are folded and compared, by the same tests as before.
    static func firstMarker(in lines: [Substring]) -> Marker? {
        for index in lines.indices where !isQuoteLine(lines[index]) {
            let line = lines[index]
            guard line.utf8.count <= maximumMarkerLength, !isBlank(line) else { continue }
            let shape = LineShape(line)
            if let count = attributionLines(at: index, in: lines, shape: shape) { return Marker(index: index, lineCount: count, kind: .attribution) }
            if shape.mayBeSeparator, isSeparator(line) { return Marker(index: index, lineCount: 1, kind: .separator) }
            if shape.mayHaveFromLabel, isHeaderBlock(at: index, in: lines) { return Marker(index: index, lineCount: 1, kind: .headerBlock) }
            if shape.firstByte == UInt8(ascii: "_"), isUnderscoreRule(line), let next = nextNonBlank(after: index, in: lines, within: 2),
                isHeaderBlock(at: next, in: lines)
            {
                return Marker(index: index, lineCount: 1, kind: .headerBlock)
            }
        }
        return nil
    }

    /// What a line's bytes say about the markers it could be. Each test is implied by the full
    /// one it stands before, so a line it turns away could never have been a marker.
    private struct LineShape {
        /// The first byte that is not ASCII white space (0 when none).
        var firstByte: UInt8 = 0
        /// The last byte that is not a space, tab or CR (0 when none): an attribution ends with `:`.
        var lastByte: UInt8 = 0
        /// The line's first word, folded, when it has at most ``longestFirstWord`` scalars.
        var firstWord: String?
        /// A colon within the first 17 bytes, where a `Label:` of at most 16 bytes puts it.
        var hasEarlyColon = false

        init(_ line: Substring) {
            for (offset, byte) in line.utf8.enumerated() {
                if byte == UInt8(ascii: ":"), offset <= 16 { hasEarlyColon = true }
                if firstByte == 0, !isASCIIWhitespace(byte) { firstByte = byte }
                if byte != 0x20, byte != 0x09, byte != 0x0D { lastByte = byte }
            }
            firstWord = FoldedText.firstWord(of: line, maximumLength: QuoteMarkers.longestFirstWord)
        }

        var mayBeSeparator: Bool {
            guard let firstWord else { return false }
            if QuoteMarkers.forwardIntroductionStarts.contains(firstWord) { return true }
            return "-_=*".utf8.contains(firstByte) && QuoteMarkers.separatorStarts.contains(firstWord)
        }

        var mayHaveFromLabel: Bool {
            guard hasEarlyColon, let firstWord else { return false }
            return QuoteMarkers.fromLabels.contains(firstWord)
        }
    }

    /// The first words of the separators and forward introductions, and the longest first word
    /// of any marker (`originalnachricht`).
    private static let separatorStarts = Set(separatorTexts.compactMap { $0.split(separator: " ").first.map(String.init) })
    private static let forwardIntroductionStarts = Set(forwardIntroductions.compactMap { $0.split(separator: " ").first.map(String.init) })
    private static let longestFirstWord = (separatorStarts.union(forwardIntroductionStarts).union(fromLabels).union(attributionStarts))
        .map(\.unicodeScalars.count).max() ?? 0

    // MARK: Attribution lines

    private static let attributionEnds: Set<String> = ["wrote", "schrieb", "geschrieben", "ecrit", "escribio", "scritto", "skrev", "schreef"]
    private static let attributionVerbs: Set<String> = ["wrote", "schrieb", "ecrit", "escribio"]
    private static let attributionStarts: Set<String> = ["on", "am", "le", "el"]

    /// 1 or 2 when the line (or the line and the next, as Gmail wraps them) is "On … wrote:" and
    /// its kin; nil otherwise.
    private static func attributionLines(at index: Int, in lines: [Substring], shape: LineShape) -> Int? {
        let line = lines[index]
        if shape.lastByte == UInt8(ascii: ":"), isAttribution(line) { return 1 }
        guard index + 1 < lines.count, lines[index + 1].utf8.count <= maximumMarkerLength else { return nil }
        guard let first = shape.firstWord, attributionStarts.contains(first) else { return nil }
        return isAttribution(line + " " + lines[index + 1]) ? 2 : nil
    }

    private static func isAttribution(_ line: Substring) -> Bool {
        guard line.utf8.last(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) == UInt8(ascii: ":") else { return false }
        let trimmed = trimmedRight(line)
        guard trimmed.hasSuffix(":") else { return false }
        let words = FoldedText.words(of: String(trimmed))
        guard let last = words.last, words.count <= 40 else { return false }
        if attributionEnds.contains(last) { return true }
        // "Am 01.12.25 um 09:30 schrieb Mara Lindqvist:" — the verb before the name.
        guard let first = words.first, attributionStarts.contains(first) else { return false }
        return words.contains { attributionVerbs.contains($0) }
    }

    // MARK: Separators

    private static let separatorTexts: Set<String> = [
        "original message", "ursprungliche nachricht", "originalnachricht", "original nachricht", "message d origine",
        "mensaje original", "messaggio originale", "forwarded message", "weitergeleitete nachricht", "message transfere",
        "mensaje reenviado", "messaggio inoltrato",
    ]
    private static let forwardIntroductions: Set<String> = [
        "begin forwarded message", "anfang der weitergeleiteten nachricht", "debut du message reexpedie", "inicio del mensaje reenviado",
    ]

    private static func isSeparator(_ line: Substring) -> Bool {
        let trimmed = line.trimmingASCIIWhitespace()
        let folded = FoldedText.folded(trimmed)
        if forwardIntroductions.contains(folded) { return true }
        guard let first = trimmed.unicodeScalars.first, first == "-" || first == "_" || first == "=" || first == "*" else { return false }
        return separatorTexts.contains(folded)
    }

    private static func isUnderscoreRule(_ line: Substring) -> Bool {
        let trimmed = line.trimmingASCIIWhitespace()
        return trimmed.utf8.count >= 10 && trimmed.utf8.allSatisfy { $0 == UInt8(ascii: "_") }
    }

    // MARK: Outlook's header block

    private static let fromLabels: Set<String> = ["from", "von", "de", "da"]
    private static let otherLabels: Set<String> = [
        "sent", "date", "to", "cc", "subject", "gesendet", "datum", "an", "betreff", "envoye", "a", "objet", "enviado", "enviado el",
        "fecha", "para", "asunto", "inviato", "oggetto",
    ]

    /// The label of a `Label: value` line, folded ("Envoyé :" → `envoye`), when the line has one.
    private static func label(_ line: Substring) -> String? {
        guard line.utf8.count <= maximumMarkerLength, let colon = line.firstIndex(of: ":") else { return nil }
        let name = line[..<colon]
        guard name.utf8.count <= 16 else { return nil }
        let folded = FoldedText.folded(String(name))
        return folded.isEmpty ? nil : folded
    }

    /// Whether `lines[index]` starts a "From: … / Sent: … / To: … / Subject: …" block: a From
    /// label and at least two other labels in the next six lines, or a From line that carries
    /// the others itself (HTML flattened onto one line).
    private static func isHeaderBlock(at index: Int, in lines: [Substring]) -> Bool {
        guard let first = label(lines[index]), fromLabels.contains(first) else { return false }
        let folded = FoldedText.folded(String(lines[index]))
        if folded.contains(" sent ") && folded.contains(" to ") || folded.contains(" gesendet ") && folded.contains(" an ") {
            return true
        }
        var others = 0
        var position = index + 1
        while position < lines.count, position <= index + 6 {
            if let name = label(lines[position]), otherLabels.contains(name) { others += 1 }
            position += 1
        }
        return others >= 2
    }

    private static func nextNonBlank(after index: Int, in lines: [Substring], within distance: Int) -> Int? {
        var position = index + 1
        while position < lines.count, position <= index + distance {
            if !isBlank(lines[position]) { return position }
            position += 1
        }
        return nil
    }
}
