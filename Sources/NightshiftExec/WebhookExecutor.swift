public import AsyncHTTPClient
import Foundation
public import Logging
import NightshiftCore
import NIOCore
import NIOHTTP1

/// Sends webhook actions with AsyncHTTPClient.
///
/// Every failure, from an invalid URL to a timeout, is reported in the result; nothing is
/// thrown. The caller owns the `HTTPClient` and shuts it down.
///
/// ```swift
/// let executor = WebhookExecutor(httpClient: .shared, logger: logger)
/// let result = await executor.send(spec)
/// if !result.succeeded { print(result.summary) }
/// ```
public struct WebhookExecutor: Sendable {
    /// Limits and defaults of a ``WebhookExecutor``.
    public struct Configuration: Sendable {
        /// Bytes of the response body kept in ``WebhookResult/body``; the rest is not read.
        public var bodyCap: Int = 64 * 1024
        /// Characters of the body kept in ``WebhookResult/excerpt``.
        public var excerptLength: Int = 1000
        /// The `User-Agent` sent unless the spec sets one.
        public var userAgent: String = "nightshift"

        /// Creates a configuration with the defaults.
        public init() {}
    }

    let httpClient: HTTPClient
    /// The executor's settings.
    public let configuration: Configuration
    let logger: Logger

    /// Creates an executor that sends through `httpClient`.
    public init(httpClient: HTTPClient, configuration: Configuration = .init(), logger: Logger) {
        self.httpClient = httpClient
        self.configuration = configuration
        self.logger = logger
    }

    /// Checks that `url` is an absolute `http` or `https` URL with a host.
    ///
    /// - Returns: `nil` if it is, otherwise a message saying what is wrong (for config
    ///   checking; it may contain the URL, so redact before showing it).
    public static func validateURL(_ url: String) -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased() else {
            return "invalid webhook URL \"\(url)\": not an absolute URL"
        }
        guard scheme == "http" || scheme == "https" else {
            return "invalid webhook URL \"\(url)\": scheme \"\(scheme)\" is not http or https"
        }
        guard let host = parsed.host, !host.isEmpty else {
            return "invalid webhook URL \"\(url)\": no host"
        }
        return nil
    }

    /// Sends the request and returns the response or the reason there is none.
    public func send(_ spec: WebhookSpec) async -> WebhookResult {
        func redact(_ text: String) -> String { Redactor.redact(text, secrets: spec.redactions) }

        if let problem = Self.validateURL(spec.url) {
            return WebhookResult(error: redact(problem))
        }
        let method = spec.method.uppercased()
        guard !method.isEmpty, method.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return WebhookResult(error: redact("invalid HTTP method \"\(spec.method)\""))
        }

        var request = HTTPClientRequest(url: spec.url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in spec.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.add(name: name, value: value)
        }
        if !request.headers.contains(name: "Content-Type"), !spec.body.isEmpty {
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        if !request.headers.contains(name: "User-Agent") {
            request.headers.add(name: "User-Agent", value: configuration.userAgent)
        }
        if !spec.body.isEmpty {
            request.body = .bytes(spec.body)
        }

        let (seconds, attoseconds) = spec.timeout.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        do {
            // Not given our logger: at trace level AsyncHTTPClient logs every response part, headers
            // and body included, and the body may echo a secret.
            let response = try await httpClient.execute(request, timeout: .nanoseconds(max(1, nanoseconds)))
            var bytes: [UInt8] = []
            for try await chunk in response.body {
                bytes += chunk.readableBytesView.prefix(configuration.bodyCap - bytes.count)
                // Stop reading: the rest would be discarded anyway.
                if bytes.count >= configuration.bodyCap { break }
            }
            let body = redact(String(decoding: bytes, as: UTF8.self))
            let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
            let status = Int(response.status.code)
            logger.debug(
                "webhook answered",
                metadata: ["nightshift.webhook.status": "\(status)"]
            )
            return WebhookResult(
                statusCode: status,
                body: body,
                excerpt: String(trimmed.prefix(configuration.excerptLength))
            )
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return WebhookResult(error: "no complete response within \(spec.timeout)")
        } catch {
            let message = redact("request failed: \(error)")
            logger.debug("webhook failed", metadata: ["nightshift.webhook.error": "\(message)"])
            return WebhookResult(error: message)
        }
    }
}
