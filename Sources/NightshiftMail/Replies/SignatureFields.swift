import Foundation

/// The recognisers behind ``MailSignature``: each looks at one piece of one signature line.
enum SignatureFields {
    /// A line's pieces: signatures put several fields on a line between `|`, `•` or `·`.
    static func pieces(of line: String) -> [String] {
        line.split(whereSeparator: { $0 == "|" || $0 == "•" || $0 == "·" }).map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
    }

    // MARK: Websites

    static func website(_ piece: String) -> String? {
        for token in piece.split(separator: " ") {
            let lower = token.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("www.") else { continue }
            var trimmed = Substring(token)
            while let last = trimmed.last, ".,;:)>".contains(last) { trimmed = trimmed.dropLast() }
            if trimmed.contains("."), trimmed.count > 4 { return String(trimmed) }
        }
        return nil
    }

    // MARK: Phones

    private static let phoneLabels: Set<String> = [
        "tel", "telephone", "phone", "mobile", "mobil", "mob", "cell", "m", "t", "p", "o", "direct", "office", "handy", "fon",
        "telefon", "telefono", "movil", "portable", "tl", "mobile phone", "tel direct", "ligne directe",
    ]
    private static let faxLabels: Set<String> = ["fax", "f", "telefax", "telecopie"]

    /// A telephone number: after a phone label ("Tel:", "Mobile", "Tél. :", "Móvil:"), or alone
    /// on its piece when it starts with `+`, `(` or `0`; 7 to 15 digits either way.
    static func phone(_ piece: String) -> String? {
        let scalars = Array(piece.unicodeScalars)
        guard let firstDigit = scalars.firstIndex(where: { isPhoneStart($0) }) else { return nil }
        let labelText = String(String.UnicodeScalarView(scalars[..<firstDigit]))
        let label = FoldedText.folded(labelText)
        if faxLabels.contains(label) || label.hasPrefix("fax") { return nil }
        var end = firstDigit
        while end < scalars.count, isPhoneScalar(scalars[end]) { end += 1 }
        let number = String(String.UnicodeScalarView(scalars[firstDigit..<end])).trimmingASCIIWhitespace()
        let digits = number.unicodeScalars.filter { $0.properties.numericType == .decimal }.count
        guard (7...15).contains(digits) else { return nil }
        guard end == scalars.count || scalars[end...].allSatisfy({ $0 == " " }) else { return nil }
        if label.isEmpty {
            guard let first = number.unicodeScalars.first, first == "+" || first == "(" || first == "0" else { return nil }
            return number
        }
        return phoneLabels.contains(label) ? number : nil
    }

    private static func isPhoneStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "+" || scalar == "(" || ("0"..."9").contains(scalar)
    }

    private static func isPhoneScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || " +()-./\u{A0}".unicodeScalars.contains(scalar)
    }

    // MARK: Companies

    private static let legalForms: Set<String> = [
        "GmbH", "AG", "Inc.", "Inc", "LLC", "Ltd", "Ltd.", "Limited", "SE", "KG", "KGaA", "SAS", "SARL", "SA", "S.A.", "S.L.", "SL",
        "S.p.A.", "BV", "B.V.", "Corp.", "Corp", "Corporation", "plc", "PLC", "e.V.", "UG", "GbR", "OHG", "S.A.S.", "LLP", "Pty",
        "S.r.l.", "SRL", "S.L.U.", "SLU", "EURL", "SCOP", "NV", "N.V.", "Oy", "AB", "ApS", "A/S",
    ]

    /// A company: a piece with a legal form and at least one other word; "Title at Company
    /// Inc." gives the part after "at" ("bei", "chez").
    static func company(_ piece: String) -> String? {
        guard !piece.contains("@"), piece.utf8.count <= 80 else { return nil }
        var candidate = Substring(piece)
        for joiner in [" at ", " bei ", " chez ", " @ "] {
            if let range = candidate.range(of: joiner, options: .backwards) { candidate = candidate[range.upperBound...] }
        }
        for part in candidate.split(separator: ",").reversed() {
            let words = part.split(separator: " ")
            guard words.count >= 2, words.contains(where: { legalForms.contains(String($0)) }) else { continue }
            return part.trimmingASCIIWhitespace()
        }
        return nil
    }

    // MARK: Titles

    private static let titleWords: Set<String> = [
        "manager", "director", "head", "chief", "ceo", "cfo", "coo", "cto", "cio", "cmo", "founder", "cofounder", "owner", "president",
        "vp", "officer", "controller", "accountant", "engineer", "lead", "partner", "consultant", "specialist", "executive",
        "coordinator", "administrator", "analyst", "treasurer", "buyer",
        "geschaftsfuhrer", "geschaftsfuhrerin", "inhaber", "inhaberin", "prokurist", "prokuristin", "vorstand", "referent",
        "referentin", "einkaufer", "einkauferin", "buchhalter", "buchhalterin",
        "directeur", "directrice", "responsable", "gerant", "gerante", "presidente", "fondateur", "fondatrice", "comptable", "chef",
        "associe", "associee", "daf",
        "directora", "gerente", "jefe", "jefa", "fundador", "fundadora", "socio", "socia", "contable", "consejero", "consejera",
    ]
    /// German compounds end in these: "Vertriebsleiter", "Kassenwartin", "Kaufmännische Leitung".
    private static let titleSuffixes = ["leiter", "leiterin", "leitung", "fuhrer", "fuhrerin", "wart", "wartin"]

    static func title(_ piece: String) -> String? {
        guard !piece.contains("@"), !piece.lowercased().contains("http"), piece.utf8.count <= 80 else { return nil }
        guard !piece.unicodeScalars.contains(where: { ("0"..."9").contains($0) }) else { return nil }
        let words = FoldedText.words(of: piece)
        guard !words.isEmpty, words.count <= 8 else { return nil }
        let isTitle = words.contains { word in titleWords.contains(word) || titleSuffixes.contains { word.hasSuffix($0) && word.count > $0.count + 2 }
        }
        return isTitle ? piece.split(separator: ",").first.map { $0.trimmingASCIIWhitespace() } : nil
    }

    // MARK: Names

    /// The line holding the sender's display name; with no display name, a first line of two to
    /// four capitalised words.
    static func name(in lines: [String], sender: MailAddress?) -> String? {
        let candidates = lines.filter { line in
            !SignatureMarkers.isClosing(Substring(line)) && !SignatureMarkers.isMobileLine(Substring(line)) && line != "--"
        }
        if let display = sender?.name, !display.isEmpty {
            let wanted = Set(FoldedText.words(of: display))
            guard !wanted.isEmpty else { return nil }
            for line in candidates.prefix(8) {
                let words = Set(FoldedText.words(of: line))
                if wanted.isSubset(of: words), words.count <= wanted.count + 2 { return trimmedName(line) }
            }
            return nil
        }
        guard let first = candidates.first else { return nil }
        let words = first.split(separator: " ")
        guard (2...4).contains(words.count), !first.contains("@"),
            words.allSatisfy({ word in
                (word.first?.isUppercase ?? false)
                    && word.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ".-'’".unicodeScalars.contains($0) }
            })
        else { return nil }
        return trimmedName(first)
    }

    private static func trimmedName(_ line: String) -> String {
        var name = Substring(line)
        while name.last == "," { name = name.dropLast() }
        return name.trimmingASCIIWhitespace()
    }
}
