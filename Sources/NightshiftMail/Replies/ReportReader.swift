/// Finds and reads the machine-written reports among replies: RFC 3464 delivery status
/// notifications (and RFC 6533's UTF-8 ones), RFC 5965 feedback reports, and the plain failure
/// notices of mail servers that write no report.
enum ReportReader {
    struct Bounce {
        var recipients: [BounceRecipient]
        var reportedMessageID: String?
        var signals: [ReplySignal]
        /// Every recipient was delivered, relayed or expanded: a success notice, not a bounce.
        var onlySuccess: Bool
    }

    struct Complaint {
        var report: ComplaintReport
        var reportedMessageID: String?
        var signals: [ReplySignal]
    }

    /// The parts of the message that belong to it, depth first, not those inside an embedded
    /// (returned) message.
    static func ownParts(_ root: MailPart) -> [MailPart] {
        var result: [MailPart] = []
        var stack = [root]
        while let part = stack.popLast() {
            result.append(part)
            if !part.isEmbeddedMessage { stack.append(contentsOf: part.children.reversed()) }
        }
        return result
    }

    private static func reportType(_ message: MailMessage) -> String? {
        guard message.root.contentType.mimeType == "multipart/report" else { return nil }
        return message.root.contentType.parameters["report-type"]?.lowercased()
    }

    // MARK: Delivery status notifications

    /// The RFC 3464 report of `message`, when it is one: a `multipart/report` of type
    /// `delivery-status` (or `global-delivery-status`), or a `message/delivery-status` part.
    static func deliveryReport(in message: MailMessage, parts: [MailPart]) -> Bounce? {
        let type = reportType(message)
        let isReport = type == "delivery-status" || type == "global-delivery-status"
        let statusPart = parts.first { ["message/delivery-status", "message/global-delivery-status"].contains($0.contentType.mimeType) }
        guard isReport || statusPart != nil else { return nil }
        var signals: [ReplySignal] = []
        if isReport { signals.append(ReplySignal(.structure, "multipart/report; report-type=\(type ?? "")")) }
        var recipients: [BounceRecipient] = []
        var perMessage: ReportFieldGroup?
        if let statusPart {
            let groups = ReportFieldGroup.groups(in: String(decoding: statusPart.body, as: UTF8.self))
            for group in groups {
                guard let final = group.value("Final-Recipient") ?? group.value("Original-Recipient") else {
                    if perMessage == nil, recipients.isEmpty { perMessage = group }
                    continue
                }
                recipients.append(recipient(final: final, group: group))
            }
            signals.append(ReplySignal(.structure, "\(statusPart.contentType.mimeType) part, \(recipients.count) recipient(s)"))
        }
        var id = reportedMessageID(in: parts)
        if id == nil, let original = perMessage?.value("X-Original-Message-ID") { id = MessageIDs.parse(original).ids.first }
        if id == nil { id = message.inReplyTo.first }
        let success: Set<String> = ["delivered", "relayed", "expanded"]
        let onlySuccess = !recipients.isEmpty && recipients.allSatisfy { success.contains($0.action) }
        return Bounce(recipients: recipients, reportedMessageID: id, signals: signals, onlySuccess: onlySuccess)
    }

    private static func recipient(final: String, group: ReportFieldGroup) -> BounceRecipient {
        let action = group.value("Action").map { String($0.split(separator: " ").first ?? "").lowercased() } ?? ""
        let diagnostic = group.value("Diagnostic-Code").map(ReportValues.diagnostic)
        var status = ""
        if let field = group.value("Status"), let code = ReportValues.enhancedStatus(in: Substring(field)), code.offset < 4 {
            status = code.code
        } else if let diagnostic {
            status = ReportValues.impliedStatus(diagnostic)
        }
        return BounceRecipient(
            address: ReportValues.address(final), originalRecipient: group.value("Original-Recipient").map(ReportValues.address),
            action: action, status: status, diagnostic: diagnostic)
    }

    /// The `Message-ID` of the returned message (`message/rfc822`, `message/global`) or of the
    /// returned headers (`text/rfc822-headers`, `message/global-headers`).
    static func reportedMessageID(in parts: [MailPart]) -> String? {
        for part in parts {
            switch part.contentType.mimeType {
            case "message/rfc822", "message/global":
                if let field = part.children.first?.headers.first(named: "Message-ID"), let id = MessageIDs.parse(field.rawValue).ids.first {
                    return id
                }
            case "text/rfc822-headers", "message/global-headers":
                if let id = MailMessage(bytes: part.body).messageID { return id }
            default:
                continue
            }
        }
        return nil
    }

    // MARK: Feedback reports

    /// The RFC 5965 report of `message`, when it is one: a `multipart/report` of type
    /// `feedback-report`, or a `message/feedback-report` part.
    static func feedbackReport(in message: MailMessage, parts: [MailPart]) -> Complaint? {
        let isReport = reportType(message) == "feedback-report"
        let reportPart = parts.first { $0.contentType.mimeType == "message/feedback-report" }
        guard isReport || reportPart != nil else { return nil }
        var signals: [ReplySignal] = []
        if isReport { signals.append(ReplySignal(.structure, "multipart/report; report-type=feedback-report")) }
        var report = ComplaintReport(feedbackType: "other")
        if let reportPart {
            let fields = ReportFieldGroup.groups(in: String(decoding: reportPart.body, as: UTF8.self)).first ?? ReportFieldGroup()
            if let type = fields.value("Feedback-Type") {
                report.feedbackType = String(type.split(separator: " ").first ?? "").lowercased()
                signals.append(ReplySignal(.header, "Feedback-Type: \(type.prefix(40))"))
            }
            report.originalRecipient = fields.value("Original-Rcpt-To").map(ReportValues.address)
            report.originalMailFrom = fields.value("Original-Mail-From").map(ReportValues.address)
            report.userAgent = fields.value("User-Agent")
            if !isReport { signals.append(ReplySignal(.structure, "message/feedback-report part")) }
        }
        return Complaint(report: report, reportedMessageID: reportedMessageID(in: parts), signals: signals)
    }
}
