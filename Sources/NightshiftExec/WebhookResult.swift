/// How a webhook request ended.
///
/// A request that could not be made or got no complete response has ``error`` set and no
/// ``statusCode``; a response of any status has ``statusCode`` set and no ``error``.
public struct WebhookResult: Sendable, Hashable {
    /// The response's status code, or `nil` if no response arrived.
    public var statusCode: Int?
    /// The response body as text, redacted, at most the executor's `bodyCap` bytes.
    public var body: String
    /// The start of the body (about 1000 characters), trimmed, for status output.
    public var excerpt: String
    /// Why no response arrived: invalid URL, connection refused, timed out…
    public var error: String?
    /// Whether a response arrived with a 2xx status.
    public var succeeded: Bool

    /// Creates a result.
    public init(statusCode: Int? = nil, body: String = "", excerpt: String = "", error: String? = nil) {
        self.statusCode = statusCode
        self.body = body
        self.excerpt = excerpt
        self.error = error
        self.succeeded = statusCode.map { (200..<300).contains($0) } ?? false
    }

    /// A short human-readable account: `HTTP 204`, `HTTP 503`, or the error.
    public var summary: String {
        if let error { return error }
        if let statusCode { return "HTTP \(statusCode)" }
        return "no response"
    }
}
