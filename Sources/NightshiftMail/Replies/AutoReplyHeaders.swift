/// The header fields that mark a message as sent by a program rather than a person (RFC 3834
/// and what mail programs write instead).
enum AutoReplyHeaders {
    struct Signals {
        /// Each is enough: `Auto-Submitted` other than `no`, `X-Autoreply`, `X-Autorespond`,
        /// `Precedence: bulk|junk|list|auto_reply`, a null `Return-Path`, an automatic-reply subject.
        var strong: [ReplySignal] = []
        /// Counts only with an absence phrase in the text: `X-Auto-Response-Suppress` (Exchange
        /// sets it on much that is not a reply).
        var weak: [ReplySignal] = []
    }

    private static let precedences: Set<String> = ["bulk", "junk", "list", "auto_reply"]
    /// Subject prefixes of automatic replies, folded.
    private static let subjectPrefixes: [[String]] = [
        ["automatic", "reply"], ["auto", "reply"], ["autoreply"], ["auto"], ["out", "of", "office"], ["out", "of", "the", "office"],
        ["abwesenheitsnotiz"], ["automatische", "antwort"], ["abwesend"], ["reponse", "automatique"], ["absence"], ["absent"],
        ["absente"], ["respuesta", "automatica"], ["fuera", "de", "la", "oficina"], ["ausente"],
    ]

    static func signals(of message: MailMessage) -> Signals {
        var signals = Signals()
        let headers = message.headers
        if let value = headers["Auto-Submitted"] {
            let keyword = firstToken(value)
            if keyword != "no" { signals.strong.append(ReplySignal(.header, "Auto-Submitted: \(value.prefix(60))")) }
        }
        if let value = headers["X-Autoreply"], !["no", "false", "0"].contains(firstToken(value)) {
            signals.strong.append(ReplySignal(.header, "X-Autoreply: \(value.prefix(60))"))
        }
        if let value = headers["X-Autorespond"] {
            signals.strong.append(ReplySignal(.header, "X-Autorespond: \(value.prefix(60))"))
        }
        if let value = headers["Precedence"], precedences.contains(firstToken(value)) {
            signals.strong.append(ReplySignal(.header, "Precedence: \(firstToken(value))"))
        }
        if let value = headers.first(named: "Return-Path")?.rawValue,
            value.unicodeScalars.filter({ $0 != " " && $0 != "\t" }).map(String.init).joined() == "<>"
        {
            signals.strong.append(ReplySignal(.header, "Return-Path: <>"))
        }
        if let subject = message.subject {
            let words = FoldedText.words(of: String(subject.prefix(200)))
            if let prefix = subjectPrefixes.first(where: { words.starts(with: $0) && isFollowedByColon(subject, words: $0.count) }) {
                signals.strong.append(ReplySignal(.header, "Subject: \(prefix.joined(separator: " ")):"))
            }
        }
        if let value = headers["X-Auto-Response-Suppress"] {
            signals.weak.append(ReplySignal(.header, "X-Auto-Response-Suppress: \(value.prefix(60))"))
        }
        return signals
    }

    /// The first word of a field value, in lower case (`auto-replied; owner=…` → `auto-replied`).
    private static func firstToken(_ value: String) -> String {
        let token = value.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "(" || $0 == "\t" }).first ?? ""
        return token.lowercased()
    }

    /// Whether the subject's first `count` words are followed by a colon, so "Auto: …" counts and
    /// "Auto insurance quote" does not.
    private static func isFollowedByColon(_ subject: String, words count: Int) -> Bool {
        var seen = 0
        var inWord = false
        for scalar in subject.unicodeScalars.prefix(200) {
            if FoldedText.isWordScalar(scalar) {
                if !inWord { seen += 1 }
                inWord = true
                if seen > count { return false }
            } else {
                inWord = false
                if seen == count, scalar == ":" { return true }
            }
        }
        return false
    }
}
