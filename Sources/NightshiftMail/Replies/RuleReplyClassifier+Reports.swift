public import Foundation

extension RuleReplyClassifier {
    /// Whether `message` is a delivery report, a feedback report or a mail server's failure notice,
    /// and which — the first three rules of ``classification(of:reference:)`` alone, without reading
    /// the text. The reply monitor asks this of mail from no prospect in no known thread (most of
    /// an inbox): a report is about mail Nightshift sent, anything else can be left unread.
    public func report(in message: MailMessage) -> ReplyClassification? {
        let parts = ReportReader.ownParts(message.root)
        if let bounce = ReportReader.deliveryReport(in: message, parts: parts) {
            var result = ReplyClassification(
                replyClass: bounce.onlySuccess ? .unknown : .bounce, signals: bounce.signals, bounces: bounce.recipients,
                reportedMessageID: bounce.reportedMessageID)
            if bounce.onlySuccess { result.signals.append(ReplySignal(.structure, "every recipient delivered: not a failure")) }
            return result
        }
        if let complaint = ReportReader.feedbackReport(in: message, parts: parts) {
            return ReplyClassification(
                replyClass: .complaint, signals: complaint.signals, reportedMessageID: complaint.reportedMessageID, complaint: complaint.report)
        }
        if let notice = FailureNotice.read(message, parts: parts) {
            return ReplyClassification(
                replyClass: .bounce, signals: notice.signals, bounces: notice.recipients, reportedMessageID: notice.reportedMessageID)
        }
        return nil
    }
}
