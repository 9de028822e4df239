/// The service extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1), one per line
/// after the first: a keyword and its parameters.
///
/// Empty after HELO: a server that only speaks RFC 821 offers nothing.
public struct SMTPExtensions: Sendable, Hashable {
    /// Every keyword announced, upper-cased, with its parameters as given.
    public let keywords: [String: [String]]

    /// Nothing offered (HELO).
    public init() {
        keywords = [:]
    }

    /// The extensions in an EHLO reply; its first line is the server's name, not an extension.
    /// `AUTH=PLAIN LOGIN`, an old form some servers still send, counts as `AUTH PLAIN LOGIN`.
    public init(ehloReply reply: SMTPReply) {
        var keywords: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            var words = line.split(separator: " ").map(String.init)
            guard !words.isEmpty else { continue }
            var keyword = words.removeFirst().uppercased()
            if keyword.hasPrefix("AUTH=") {
                words.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            keywords[keyword, default: []] += words
        }
        self.keywords = keywords
    }

    /// Whether `keyword` (any case) was announced.
    public func offers(_ keyword: String) -> Bool { keywords[keyword.uppercased()] != nil }

    /// STARTTLS (RFC 3207).
    public var startTLS: Bool { offers("STARTTLS") }
    /// The SASL mechanisms of AUTH (RFC 4954), upper-cased; empty when AUTH is not offered.
    public var authMechanisms: Set<String> { Set((keywords["AUTH"] ?? []).map { $0.uppercased() }) }
    /// 8BITMIME (RFC 6152): message bodies may hold bytes of 0x80 and above.
    public var eightBitMIME: Bool { offers("8BITMIME") }
    /// SIZE (RFC 1870) was announced.
    public var size: Bool { offers("SIZE") }
    /// The largest message the server takes, in bytes; nil when it announced none (no SIZE, or
    /// `SIZE 0`, which means no fixed limit).
    public var sizeLimit: Int? {
        guard let value = keywords["SIZE"]?.first, let limit = Int(value), limit > 0 else { return nil }
        return limit
    }
    /// PIPELINING (RFC 2920). Recorded only: the client never pipelines.
    public var pipelining: Bool { offers("PIPELINING") }
    /// ENHANCEDSTATUSCODES (RFC 2034): replies carry `5.1.1`-style codes.
    public var enhancedStatusCodes: Bool { offers("ENHANCEDSTATUSCODES") }
    /// SMTPUTF8 (RFC 6531): addresses may be UTF-8.
    public var smtpUTF8: Bool { offers("SMTPUTF8") }
}
