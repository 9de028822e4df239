extension MailMessage {
    /// The text a reader would see, from the parts that are not attachments.
    struct Reading {
        var text: String
        var fromHTML: Bool
        var paths: [String]
    }

    /// The readable text of `part`: `text/plain` over `text/html` within `multipart/alternative`
    /// (an empty plain alternative does not count), the first part of `multipart/related`, the
    /// inline parts of any other multipart one after another. Recursive: ``Limits/maximumDepth``
    /// bounds the nesting.
    static func readableText(_ part: MailPart) -> Reading? {
        if part.isAttachment { return nil }
        if part.contentType.type == "multipart", !part.children.isEmpty {
            switch part.contentType.subtype {
            case "alternative":
                let readings = part.children.compactMap(readableText)
                let nonEmpty = readings.filter { !$0.text.trimmingASCIIWhitespace().isEmpty }
                return nonEmpty.first { !$0.fromHTML } ?? nonEmpty.first ?? readings.first
            case "related":
                return part.children.lazy.compactMap(readableText).first
            default:
                let readings = part.children.compactMap(readableText).filter { !$0.text.isEmpty }
                guard !readings.isEmpty else { return nil }
                return Reading(
                    text: readings.map(\.text).joined(separator: "\n\n"), fromHTML: readings.contains(where: \.fromHTML),
                    paths: readings.flatMap(\.paths))
            }
        }
        guard let text = part.text else { return nil }
        if part.contentType.mimeType == "text/html" {
            return Reading(text: HTMLText.plainText(text), fromHTML: true, paths: [part.path])
        }
        return Reading(text: text, fromHTML: false, paths: [part.path])
    }

    /// The attachments of the tree under `root`, depth first, not looking inside embedded messages.
    static func attachments(in root: MailPart) -> [MailAttachment] {
        var result: [MailAttachment] = []
        var stack: [MailPart] = [root]
        while let part = stack.popLast() {
            if part.isAttachment {
                result.append(MailAttachment(path: part.path, filename: part.filename, mimeType: part.contentType.mimeType, size: part.body.count))
            } else {
                stack.append(contentsOf: part.children.reversed())
            }
        }
        return result
    }
}
