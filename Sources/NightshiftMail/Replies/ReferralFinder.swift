/// People a reply points to: an address in the text near a referral phrase ("please contact
/// Sarah Kim <sarah.kim@…>", "wenden Sie sich an Frau Anna Schmidt (anna.schmidt@…)"), or a
/// `Cc` recipient the text introduces by name next to a referral phrase ("I've cc'd my
/// colleague David").
///
/// Addresses of the sender, of the recipients in `To` and role mailboxes (`info@`, `sales@`…)
/// are never proposed: they are not new people.
struct ReferralFinder {
    /// How far (in scalars) an address may be from a referral phrase, within one paragraph.
    static let distanceAfterPhrase = 240
    static let distanceBeforePhrase = 120

    private static let roleMailboxes: Set<String> = [
        "info", "sales", "support", "contact", "office", "admin", "hello", "team", "accounts", "billing", "kontakt", "buero", "verwaltung",
        "vertrieb", "administracion", "contacto", "ventes", "compta", "facturation", "noreply", "no-reply", "service", "mail", "post",
        "enquiries", "inquiries", "help", "marketing", "hr", "jobs", "careers", "press",
    ]
    /// Words before a name that are not part of it.
    private static let honorifics: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "herr", "herrn", "frau", "kollege", "kollegin", "kollegen", "colleague", "madame", "monsieur",
        "mme", "mlle", "m", "sr", "sra", "srta", "don", "dona", "senor", "senora", "ing", "mag",
    ]
    private static let particles: Set<String> = ["de", "van", "von", "da", "del", "della", "di", "du", "la", "le", "der", "den", "dos", "y", "zu"]

    let scalars: [Unicode.Scalar]
    let words: [FoldedText.Word]
    let matches: [PhraseMatch]

    /// The people in the text and in `message`'s `Cc`, in order, without repeats.
    func referrals(in message: MailMessage) -> [ReferredContact] {
        let referralMatches = matches.filter { $0.category == .referral }
        guard !referralMatches.isEmpty else { return [] }
        var excluded = Set((message.from + message.replyTo + message.to).map { $0.address.lowercased() })
        var result: [ReferredContact] = []
        for found in TextAddresses.find(in: scalars, limit: 50) {
            let lower = found.address.lowercased()
            guard !excluded.contains(lower), !isRole(lower), isNear(found, referralMatches) else { continue }
            excluded.insert(lower)
            result.append(ReferredContact(name: name(before: found.start), address: found.address))
        }
        let mentioned = Set(words.map(\.text))
        for cc in message.cc {
            let lower = cc.address.lowercased()
            guard !excluded.contains(lower), !isRole(lower) else { continue }
            var names = FoldedText.words(of: cc.name ?? "").filter { $0.count >= 3 }
            if let local = lower.split(separator: "@").first?.split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" }).first, local.count >= 3 {
                names.append(String(local))
            }
            guard names.contains(where: mentioned.contains) else { continue }
            excluded.insert(lower)
            result.append(ReferredContact(name: cc.name, address: cc.address))
        }
        return result
    }

    private func isRole(_ lower: String) -> Bool {
        guard let at = lower.firstIndex(of: "@") else { return true }
        return Self.roleMailboxes.contains(String(lower[..<at]))
    }

    /// Whether a referral phrase ends shortly before the address or starts shortly after it,
    /// with no blank line between.
    private func isNear(_ found: TextAddresses.Found, _ referralMatches: [PhraseMatch]) -> Bool {
        referralMatches.contains { match in
            if match.end <= found.start, found.start - match.end <= Self.distanceAfterPhrase {
                return !hasParagraphBreak(from: match.end, to: found.start)
            }
            if match.start >= found.end, match.start - found.end <= Self.distanceBeforePhrase {
                return !hasParagraphBreak(from: found.end, to: match.start)
            }
            return false
        }
    }

    private func hasParagraphBreak(from start: Int, to end: Int) -> Bool {
        var newlines = 0
        for index in start..<min(end, scalars.count) {
            switch scalars[index] {
            case "\n":
                newlines += 1
                if newlines == 2 { return true }
            case " ", "\t", "\r": continue
            default: newlines = 0
            }
        }
        return false
    }

    /// The capitalised words just before an address ("Sarah Kim <", "Herrn Klaus Bäcker: ",
    /// "James O'Connor at "), at most four, honorifics and role nouns dropped; nil when there
    /// are none.
    private func name(before start: Int) -> String? {
        var end = start
        // Step back over the delimiter: "<", "(", ":", ",", "-", "–", " at ", " unter ".
        while end > 0, " \t\n<(:,-\u{2013}\u{2014}[".unicodeScalars.contains(scalars[end - 1]), start - end < 6 { end -= 1 }
        let window = String(String.UnicodeScalarView(scalars[max(0, end - 80)..<end]))
        var tokens = window.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        if let last = tokens.last, ["at", "unter", "a", "à", "en"].contains(last.lowercased()) { tokens.removeLast() }
        var name: [String] = []
        for token in tokens.reversed() {
            let trimmed = token.trimmingCharacters(in: ",:;")
            guard !trimmed.isEmpty, trimmed == token || name.isEmpty else { break }
            let folded = FoldedText.folded(trimmed)
            if Self.honorifics.contains(folded) { break }
            if let first = trimmed.first, first.isUppercase,
                trimmed.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || "-'’.".unicodeScalars.contains($0) })
            {
                name.insert(trimmed, at: 0)
            } else if Self.particles.contains(trimmed), !name.isEmpty {
                name.insert(trimmed, at: 0)
            } else {
                break
            }
            if name.count == 4 || token != trimmed { break }
        }
        while let first = name.first, Self.particles.contains(first) { name.removeFirst() }
        return name.isEmpty ? nil : name.joined(separator: " ")
    }
}

extension String {
    /// The string without the given characters at either end.
    fileprivate func trimmingCharacters(in characters: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
