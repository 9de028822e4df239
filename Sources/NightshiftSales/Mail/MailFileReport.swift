public import Foundation
public import NightshiftCore
public import NightshiftMail

/// What `nightshift mail parse` and `mail classify` print about a message file: the JSON shapes
/// live here, so the CLI (and later the HTTP API) only render them.
public enum MailFileReport {
    /// `mail parse FILE --json`: headers, decoded subject, addresses, parts, attachments, problems.
    public static func parsed(_ message: MailMessage, file: String) -> JSONValue {
        func addresses(_ list: [MailAddress]) -> JSONValue {
            .array(list.map { .object(["name": $0.name.map { .string($0) } ?? .null, "address": .string($0.address)]) })
        }
        return .object([
            "file": .string(file), "subject": message.subject.map { .string($0) } ?? .null, "from": addresses(message.from),
            "to": addresses(message.to), "cc": addresses(message.cc), "reply_to": addresses(message.replyTo),
            "message_id": message.messageID.map { .string($0) } ?? .null, "in_reply_to": .array(message.inReplyTo.map { .string($0) }),
            "references": .array(message.references.map { .string($0) }),
            "date": message.date.map { .string(ISO8601.format($0, in: .gmt)) } ?? .null,
            "headers": .array(message.headers.map { .object(["name": .string($0.name), "value": .string($0.value)]) }),
            "parts": .array(message.root.allParts.map { part in
                .object([
                    "path": .string(part.path), "type": .string(part.contentType.mimeType), "charset": part.charset.map { .string($0.name) } ?? .null,
                    "transfer_encoding": .string(part.transferEncoding.description), "size": .integer(Int64(part.body.count)),
                    "filename": part.filename.map { .string($0) } ?? .null,
                ])
            }),
            "attachments": .array(message.attachments.map {
                .object(["path": .string($0.path), "filename": $0.filename.map { .string($0) } ?? .null, "type": .string($0.mimeType), "size": .integer(Int64($0.size))])
            }),
            "text": .string(message.text), "text_from_html": .bool(message.textIsFromHTML),
            "problems": .array(message.problems.map { .string($0.description) }),
        ])
    }

    /// `mail classify FILE --json`: the class, its signals, and for bounces each recipient.
    public static func classified(_ classification: ReplyClassification, file: String) -> JSONValue {
        guard case .object(var members) = MailIntake.details(classification) else { return .null }
        members["file"] = .string(file)
        members["class"] = .string(classification.replyClass.rawValue)
        members["signals"] = .array(classification.signals.map { .object(["kind": .string($0.kind.rawValue), "text": .string($0.text)]) })
        members["text"] = .string(String(classification.text.prefix(2000)))
        return .object(members)
    }

    /// The lines `mail classify` prints for one message.
    public static func lines(_ classification: ReplyClassification, file: String) -> [String] {
        var lines = ["\(file): \(classification.replyClass.rawValue)"]
        lines += classification.signals.map { "  \($0.kind.rawValue): \($0.text)" }
        for bounce in classification.bounces {
            lines.append("  recipient \(bounce.address): action \(bounce.action), status \(bounce.status)\(bounce.isHard ? " (hard)" : bounce.isSoft ? " (soft)" : "")"
                + (bounce.diagnostic.map { " — \($0)" } ?? ""))
        }
        if let day = classification.returnDate { lines.append("  back on \(day)") }
        for referral in classification.referrals { lines.append("  refers to \(referral.name.map { "\($0) " } ?? "")<\(referral.address)>") }
        if classification.unsubscribe { lines.append("  asks to be removed: do-not-contact") }
        return lines
    }
}
