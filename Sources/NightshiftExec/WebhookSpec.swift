public import Foundation

/// An HTTP request to send for a webhook action.
///
/// ```swift
/// let spec = WebhookSpec(
///     url: "https://hooks.example.com/nightly",
///     headers: ["Authorization": "Bearer \(token)"],
///     body: Data(#"{"job":"backup","status":"ok"}"#.utf8),
///     timeout: .seconds(10),
///     redactions: [token]
/// )
/// ```
public struct WebhookSpec: Sendable, Hashable {
    /// The target; only `http` and `https` URLs are sent.
    public var url: String
    /// The HTTP method, `POST` unless set.
    public var method: String
    /// Request headers. `Content-Type: application/json` and a `User-Agent` are added
    /// unless present (names compare case-insensitively).
    public var headers: [String: String]
    /// The request body, normally JSON; an empty body is not sent.
    public var body: Data
    /// How long the whole exchange, connection to last body byte, may take.
    public var timeout: Duration
    /// Secret values; every occurrence is replaced with `[redacted]` in the result's body,
    /// excerpt and error.
    public var redactions: [String]

    /// Creates a webhook spec.
    public init(
        url: String,
        method: String = "POST",
        headers: [String: String] = [:],
        body: Data = Data(),
        timeout: Duration = .seconds(30),
        redactions: [String] = []
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.redactions = redactions
    }
}
