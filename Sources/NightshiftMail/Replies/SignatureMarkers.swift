/// Where the signature starts in a reply's own lines (see ``ReplyText``).
enum SignatureMarkers {
    /// The index of the first signature line in `lines`, or `lines.count` when there is none.
    static func signatureStart(in lines: [Substring]) -> Int {
        var start = lines.count
        for index in lines.indices {
            let line = lines[index]
            guard line.utf8.count <= 120 else { continue }
            let trimmed = trimmedRight(line)
            if trimmed == "--" || trimmed == "—" || isMobileLine(line) {
                start = index
                break
            }
        }
        if let closing = lastClosing(in: lines, before: start) { start = closing }
        return start
    }

    // MARK: Mobile lines

    private static let mobilePrefixes: [[String]] = [
        ["sent", "from", "my"], ["sent", "from", "outlook"], ["sent", "from", "mail", "for"], ["get", "outlook", "for"],
        ["sent", "with"], ["sent", "via"], ["gesendet", "von", "meinem"], ["gesendet", "mit"], ["envoye", "de", "mon"],
        ["envoye", "depuis"], ["enviado", "desde"], ["obtener", "outlook", "para"], ["telecharger", "outlook", "pour"],
    ]

    private static let mobileStarts = Set(mobilePrefixes.compactMap(\.first) + ["von"])
    private static let longestMobileStart = mobileStarts.map(\.unicodeScalars.count).max() ?? 0

    /// "Sent from my iPhone", "Von meinem iPhone gesendet", "Envoyé de mon iPhone", "Enviado desde mi iPhone"…
    static func isMobileLine(_ line: Substring) -> Bool {
        guard line.utf8.count <= 80 else { return false }
        // Every mobile line starts with one of a few words: most lines are turned away by their first.
        guard let first = FoldedText.firstWord(of: line, maximumLength: longestMobileStart), mobileStarts.contains(first) else { return false }
        let words = FoldedText.words(of: String(line))
        guard words.count >= 2, words.count <= 8 else { return false }
        if words[0] == "von", words[1] == "meinem", words.last == "gesendet" { return true }
        return mobilePrefixes.contains { words.starts(with: $0) }
    }

    // MARK: Closing lines

    private static let closings: Set<String> = [
        "best", "best regards", "kind regards", "regards", "warm regards", "warmest regards", "many thanks", "thanks", "thank you",
        "thanks again", "thanks in advance", "cheers", "sincerely", "yours sincerely", "yours truly", "all the best", "best wishes",
        "talk soon", "good luck", "br", "rgds", "thx",
        "mit freundlichen grussen", "mit freundlichen gruessen", "freundliche grusse", "freundlichen gruss", "viele grusse",
        "beste grusse", "liebe grusse", "herzliche grusse", "schone grusse", "grusse", "gruss", "lg", "mfg", "vg", "danke",
        "vielen dank", "besten dank", "danke und gruss", "mit besten grussen", "hochachtungsvoll",
        "cordialement", "bien cordialement", "tres cordialement", "bien a vous", "salutations", "sinceres salutations",
        "meilleures salutations", "bonne journee", "bonne soiree", "merci", "merci beaucoup", "merci d avance", "amicalement",
        "a bientot", "bien a toi",
        "saludos", "un saludo", "saludos cordiales", "un cordial saludo", "atentamente", "gracias", "muchas gracias", "un abrazo",
        "cordialmente", "reciba un cordial saludo", "quedo a la espera", "quedo atento", "quedo atenta",
    ]
    /// Closings followed by a place: "Grüße aus Köln", "Greetings from Lyon".
    private static let closingPrefixes: [[String]] = [["grusse", "aus"], ["gruss", "aus"], ["greetings", "from"], ["saludos", "desde"]]

    /// Whether `line` is a closing, alone or followed by a name ("Best regards, Jane Doe").
    static func isClosing(_ line: Substring) -> Bool {
        let trimmed = line.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty, trimmed.utf8.count <= 60 else { return false }
        let parts = trimmed.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        let words = FoldedText.words(of: String(parts[0]))
        if closingPrefixes.contains(where: { words.starts(with: $0) }) && words.count <= 5 { return true }
        guard closings.contains(words.joined(separator: " ")) else { return false }
        guard parts.count == 2 else { return true }
        let name = parts[1].split(separator: " ")
        return name.count <= 3 && name.allSatisfy { word in word.first.map { $0.isUppercase } ?? false }
    }

    /// The last closing line before `end` when the lines after it (up to `end`) look like a
    /// signature: at most twelve, none a question, the first six of at most ten words.
    private static func lastClosing(in lines: [Substring], before end: Int) -> Int? {
        var index = end - 1
        var after: [Substring] = []
        while index >= 0 {
            let line = lines[index]
            if !isBlank(line) {
                if isClosing(line) { return looksLikeSignature(after.reversed()) ? index : nil }
                after.append(line)
                if after.count > 12 { return nil }
            }
            index -= 1
        }
        return nil
    }

    private static func looksLikeSignature(_ lines: [Substring]) -> Bool {
        for (position, line) in lines.enumerated() {
            let trimmed = trimmedRight(line)
            if trimmed.hasSuffix("?") { return false }
            if position < 6, trimmed.split(separator: " ").count > 10 { return false }
        }
        return true
    }
}
