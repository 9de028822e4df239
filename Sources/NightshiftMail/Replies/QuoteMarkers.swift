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
    static func firstMarker(in lines: [Substring]) -> Marker? {
        for index in lines.indices where !isQuoteLine(lines[index]) {
            let line = lines[index]
            guard line.utf8.count <= maximumMarkerLength, !isBlank(line) else { continue }
            if let count = attributionLines(at: index, in: lines) { return Marker(index: index, lineCount: count, kind: .attribution) }
            if isSeparator(line) { return Marker(index: index, lineCount: 1, kind: .separator) }
            if isHeaderBlock(at: index, in: lines) { return Marker(index: index, lineCount: 1, kind: .headerBlock) }
            if isUnderscoreRule(line), let next = nextNonBlank(after: index, in: lines, within: 2), isHeaderBlock(at: next, in: lines) {
                return Marker(index: index, lineCount: 1, kind: .headerBlock)
            }
        }
        return nil
    }

    // MARK: Attribution lines

    private static let attributionEnds: Set<String> = ["wrote", "schrieb", "geschrieben", "ecrit", "escribio", "scritto", "skrev", "schreef"]
    private static let attributionVerbs: Set<String> = ["wrote", "schrieb", "ecrit", "escribio"]
    private static let attributionStarts: Set<String> = ["on", "am", "le", "el"]

    /// 1 or 2 when the line (or the line and the next, as Gmail wraps them) is "On … wrote:" and
    /// its kin; nil otherwise.
    private static func attributionLines(at index: Int, in lines: [Substring]) -> Int? {
        let line = lines[index]
        if isAttribution(line) { return 1 }
        guard index + 1 < lines.count, lines[index + 1].utf8.count <= maximumMarkerLength else { return nil }
        guard let first = FoldedText.words(of: String(line)).first, attributionStarts.contains(first) else { return nil }
        return isAttribution(line + " " + lines[index + 1]) ? 2 : nil
    }

    private static func isAttribution(_ line: Substring) -> Bool {
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
