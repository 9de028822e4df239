/// A reply's own text, apart from the mail it quotes and the sender's signature.
///
/// ```swift
/// let reply = ReplyText("Not for us, thanks.\n\nBest,\nAnn\n\nOn Mon, Dec 1, 2025 at 9:30 AM Bob <b@x.example> wrote:\n> Hi Ann…")
/// reply.body        // "Not for us, thanks."
/// reply.signature   // "Best,\nAnn"
/// ```
///
/// Quoted mail starts at the first of: an attribution line ("On … wrote:", "Am … schrieb …:",
/// "Le … a écrit :", "El … escribió:", also wrapped over two lines as Gmail does), a separator
/// ("-----Original Message-----", "-----Ursprüngliche Nachricht-----", Gmail's "Forwarded
/// message", "Begin forwarded message:"), or Outlook's header block ("From: … Sent: … To: …",
/// "Von: … Gesendet: …", "De : … Envoyé : …", "De: … Enviado el: …"). Text above it is the
/// reply; with nothing above an attribution (bottom posting, answers between the quotes) the
/// unquoted lines below it are. Lines starting with `>` are quoted wherever they are.
///
/// The signature starts at the first of: the `-- ` delimiter, a mobile line ("Sent from my
/// iPhone", "Von meinem iPhone gesendet", "Envoyé de mon iPhone", "Enviado desde mi iPhone"),
/// or the last closing line ("Best regards", "Mit freundlichen Grüßen", "Cordialement",
/// "Saludos", also followed by a name) when what follows it is short and looks like a signature.
///
/// Line based and linear: every line is looked at a bounded number of times, and only lines of
/// at most a few hundred characters are compared with the markers.
public struct ReplyText: Sendable, Hashable {
    /// The reply without quoted mail and signature, trimmed, with at most one blank line in a row.
    public var body: String
    /// The signature block, trimmed; empty when none was found.
    public var signature: String
    /// The quoted mail that was removed, as written.
    public var quoted: String

    /// The parts of `text` (line breaks CRLF, CR or LF).
    public init(_ text: String) {
        // By bytes: a line break is always a character of its own, so this splits where splitting
        // the characters would, without working out where each character ends.
        let lines = splitLines(text)
        var own: [Substring] = []
        var quoted: [Substring] = []
        if let marker = QuoteMarkers.firstMarker(in: lines) {
            let above = lines[..<marker.index]
            let aboveHasText = above.contains { !QuoteMarkers.isQuoteLine($0) && !isBlank($0) }
            if aboveHasText || marker.kind != .attribution {
                for line in above { QuoteMarkers.isQuoteLine(line) ? quoted.append(line) : own.append(line) }
                quoted += lines[marker.index...]
            } else {
                quoted += above
                quoted += lines[marker.index..<(marker.index + marker.lineCount)]
                for line in lines[(marker.index + marker.lineCount)...] {
                    QuoteMarkers.isQuoteLine(line) ? quoted.append(line) : own.append(line)
                }
            }
        } else {
            for line in lines { QuoteMarkers.isQuoteLine(line) ? quoted.append(line) : own.append(line) }
        }
        let start = SignatureMarkers.signatureStart(in: own)
        body = ReplyText.joined(own[..<start])
        signature = ReplyText.joined(own[start...])
        self.quoted = quoted.joined(separator: "\n")
    }

    /// Lines joined, trimmed, runs of blank lines made one.
    static func joined(_ lines: ArraySlice<Substring>) -> String {
        var result: [Substring] = []
        var blankRun = 0
        for line in lines {
            if isBlank(line) {
                blankRun += 1
                if blankRun > 1 { continue }
                result.append("")
            } else {
                blankRun = 0
                result.append(trimmedRight(line))
            }
        }
        return result.joined(separator: "\n").trimmingASCIIWhitespace()
    }
}

func isBlank(_ line: Substring) -> Bool {
    line.unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{A0}" }
}

func trimmedRight(_ line: Substring) -> Substring {
    var end = line.endIndex
    while end > line.startIndex {
        let before = line.index(before: end)
        guard line[before] == " " || line[before] == "\t" || line[before] == "\r" else { break }
        end = before
    }
    return line[..<end]
}
