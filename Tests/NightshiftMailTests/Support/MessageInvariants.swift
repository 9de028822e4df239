import NightshiftMail
import Testing

/// What holds for every parsed message, however malformed its input: the tree is within the
/// limits, its paths are unique and lead back to their parts, attachments describe real parts,
/// and the problem list is capped.
func expectInvariants(_ message: MailMessage, limits: MailMessage.Limits = .init(), sourceLocation: SourceLocation = #_sourceLocation) {
    let parts = message.root.allParts
    #expect(parts.count <= limits.maximumParts, sourceLocation: sourceLocation)
    #expect(Set(parts.map(\.path)).count == parts.count, "paths are unique", sourceLocation: sourceLocation)
    for part in parts {
        let depth = part.path.isEmpty ? 0 : part.path.split(separator: ".").count
        #expect(depth <= limits.maximumDepth + 1, sourceLocation: sourceLocation)
        #expect(message.part(at: part.path)?.path == part.path, sourceLocation: sourceLocation)
        #expect(part.headers.count <= limits.maximumHeaderFields, sourceLocation: sourceLocation)
        if part.contentType.type == "text" { #expect(part.text != nil, sourceLocation: sourceLocation) }
    }
    for attachment in message.attachments {
        #expect(message.part(at: attachment.path)?.body.count == attachment.size, sourceLocation: sourceLocation)
    }
    #expect(message.problems.count <= limits.maximumProblems + 1, sourceLocation: sourceLocation)
    #expect(!message.text.contains("\r"), "text has \\n line breaks only", sourceLocation: sourceLocation)
}
