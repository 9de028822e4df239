/// The failure notices of mail servers that write no RFC 3464 report (qmail, older Exim, many
/// hosting providers), recognised conservatively: a status or reply code in the text (`5.1.1`,
/// `550`) and a sender or subject that says what the message is (From `MAILER-DAEMON` or
/// `postmaster`, "Mail Delivery System"; a subject such as "Undeliverable", "failure notice",
/// "Unzustellbar", "Échec de la remise", "No se puede entregar").
enum FailureNotice {
    private static let daemonLocalParts: Set<String> = ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "mdaemon"]
    private static let daemonNames = ["mail delivery", "mailer-daemon", "mailer daemon", "postmaster"]
    private static let subjects = [
        "undeliverable", "undelivered", "delivery status notification", "delivery failure", "delivery failed", "delivery has failed",
        "failure notice", "returned mail", "returned to sender", "could not be delivered", "delayed mail", "delivery delayed",
        "unzustellbar", "nicht zustellbar", "zustellung fehlgeschlagen", "non remis", "non distribuable", "echec de la remise",
        "echec de remise", "retard de remise", "no se puede entregar", "no se pudo entregar", "no entregado", "mensaje devuelto",
        "error de entrega",
    ]

    private static let paddedSubjects = subjects.map { (phrase: $0, bytes: Array(" \($0) ".utf8)) }

    /// The notice in `message`, or nil when it does not look like one.
    static func read(_ message: MailMessage, parts: [MailPart]) -> ReportReader.Bounce? {
        var signals: [ReplySignal] = []
        if let sender = message.from.first(where: isDaemon) {
            signals.append(ReplySignal(.header, "From: \(sender.address.prefix(80)) (a mail server)"))
        }
        let subject = " " + FoldedText.folded(String((message.subject ?? "").prefix(300))) + " "
        let subjectBytes = Array(subject.utf8)
        // The bytes first: a subject without them cannot contain the phrase.
        if let phrase = paddedSubjects.first(where: { containsBytes(subjectBytes, $0.bytes) && subject.contains(" \($0.phrase) ") })?.phrase {
            signals.append(ReplySignal(.header, "Subject: \"\(phrase)\""))
        }
        guard !signals.isEmpty else { return nil }
        let scalars = Array(message.text.unicodeScalars.prefix(100_000))
        let notice = Array(scalars[..<copyStart(scalars)])
        let text = String(String.UnicodeScalarView(notice))
        guard let first = ReportValues.enhancedStatus(in: Substring(text), classes: "45") ?? ReportValues.basicCode(in: Substring(text)) else {
            return nil
        }
        signals.append(ReplySignal(.structure, "status \(first.code) in the text (no delivery report: read heuristically)"))

        var known = Set((message.from + message.to + message.cc + message.replyTo).map { $0.address.lowercased() })
        var recipients: [BounceRecipient] = []
        for found in TextAddresses.find(in: notice, limit: 20) {
            let lower = found.address.lowercased()
            guard known.insert(lower).inserted, !isDaemonAddress(lower) else { continue }
            let window = String(String.UnicodeScalarView(notice[found.end..<min(notice.count, found.end + 600)]))
            let code = ReportValues.enhancedStatus(in: Substring(window), classes: "45") ?? ReportValues.basicCode(in: Substring(window))
            let status = code.map { $0.code.contains(".") ? $0.code : "\($0.code.prefix(1)).0.0" } ?? ReportValues.impliedStatus(text)
            let line = code.flatMap { code in window.split(separator: "\n").first { $0.contains(code.code) } }
            recipients.append(
                BounceRecipient(
                    address: found.address, action: status.hasPrefix("4") ? "delayed" : "failed", status: status,
                    diagnostic: line.map { String($0.trimmingASCIIWhitespace().prefix(300)) }))
        }
        if recipients.isEmpty, let failed = message.headers["X-Failed-Recipients"] {
            let status = ReportValues.impliedStatus(text)
            for address in failed.split(separator: ",").map({ $0.trimmingASCIIWhitespace() }) where address.contains("@") {
                recipients.append(BounceRecipient(address: address, action: status.hasPrefix("4") ? "delayed" : "failed", status: status))
            }
        }
        var id = ReportReader.reportedMessageID(in: parts)
        if id == nil { id = copiedMessageID(scalars) }
        return ReportReader.Bounce(recipients: recipients, reportedMessageID: id, signals: signals, onlySuccess: false)
    }

    private static func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        var start = 0
        while start + needle.count <= haystack.count {
            if haystack[start] == first, haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }

    private static func isDaemon(_ address: MailAddress) -> Bool {
        if isDaemonAddress(address.address.lowercased()) { return true }
        let name = (address.name ?? "").lowercased()
        return daemonNames.contains { name.contains($0) }
    }

    private static func isDaemonAddress(_ lower: String) -> Bool {
        guard let at = lower.firstIndex(of: "@") else { return false }
        return daemonLocalParts.contains(String(lower[..<at]))
    }

    /// Where the copy of the returned message starts: the first line that is one of its header
    /// fields (`Return-Path:`, `Received:`, `Message-ID:`); the end when there is none.
    private static func copyStart(_ scalars: [Unicode.Scalar]) -> Int {
        var lineStart = 0
        while lineStart < scalars.count {
            if startsWithField(scalars, at: lineStart) { return lineStart }
            var next = lineStart
            while next < scalars.count, scalars[next] != "\n" { next += 1 }
            lineStart = next + 1
        }
        return scalars.count
    }

    private static let copiedFields = ["return-path:", "received:", "message-id:"]

    private static func startsWithField(_ scalars: [Unicode.Scalar], at start: Int) -> Bool {
        let prefix = String(String.UnicodeScalarView(scalars[start..<min(scalars.count, start + 12)])).lowercased()
        return copiedFields.contains { prefix.hasPrefix($0) }
    }

    /// The id on a `Message-ID:` line of the copied headers.
    private static func copiedMessageID(_ scalars: [Unicode.Scalar]) -> String? {
        var lineStart = 0
        while lineStart < scalars.count {
            var next = lineStart
            while next < scalars.count, scalars[next] != "\n" { next += 1 }
            if next - lineStart < 1_000 {
                let line = String(String.UnicodeScalarView(scalars[lineStart..<next]))
                if line.lowercased().hasPrefix("message-id:") { return MessageIDs.parse(String(line.dropFirst(11))).ids.first }
            }
            lineStart = next + 1
        }
        return nil
    }
}
