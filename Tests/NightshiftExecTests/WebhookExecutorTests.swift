import AsyncHTTPClient
import Foundation
import NightshiftExec
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("WebhookExecutor against a loopback HTTP server")
struct WebhookExecutorTests {
    let executor = WebhookExecutor(httpClient: .shared, logger: TestSupport.logger)

    @Test("sends the method, headers and JSON body, and reads the answer")
    func postRoundTrip() async throws {
        try await LoopbackHTTPServer.withServer { server in
            let body = Data(#"{"job":"backup","status":"ok"}"#.utf8)
            let spec = WebhookSpec(
                url: "\(server.baseURL)/hook",
                headers: ["X-Nightshift-Job": "backup", "Authorization": "Bearer abc"],
                body: body,
                timeout: .seconds(5)
            )
            let result = await executor.send(spec)

            #expect(result.error == nil)
            #expect(result.statusCode == 200)
            #expect(result.succeeded)
            #expect(result.body == #"{"job":"backup","status":"ok"}"#)
            #expect(result.excerpt == result.body)
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.uri == "/hook")
            #expect(request.header("X-Nightshift-Job") == "backup")
            #expect(request.header("Authorization") == "Bearer abc")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("User-Agent") == "nightshift")
            #expect(request.body == Array(body))
        }
    }

    @Test("honours another method and a caller's Content-Type")
    func putWithContentType() async throws {
        try await LoopbackHTTPServer.withServer { server in
            let spec = WebhookSpec(
                url: "\(server.baseURL)/put",
                method: "put",
                headers: ["content-type": "text/plain"],
                body: Data("hello".utf8),
                timeout: .seconds(5)
            )
            let result = await executor.send(spec)
            #expect(result.succeeded)
            let request = try #require(server.requests.first)
            #expect(request.method == "PUT")
            #expect(request.header("Content-Type") == "text/plain")
            #expect(request.headers.filter { $0.0.lowercased() == "content-type" }.count == 1)
        }
    }

    @Test("a non-2xx status is a response, not an error, and not a success")
    func non2xx() async throws {
        try await LoopbackHTTPServer.withServer { server in
            for code in [404, 500, 503] {
                let result = await executor.send(WebhookSpec(url: "\(server.baseURL)/status/\(code)", timeout: .seconds(5)))
                #expect(result.statusCode == code)
                #expect(!result.succeeded)
                #expect(result.error == nil)
                #expect(result.body == "status \(code)")
                #expect(result.summary == "HTTP \(code)")
            }
        }
    }

    @Test("a slow endpoint times out with a clear error")
    func timeout() async throws {
        try await LoopbackHTTPServer.withServer { server in
            let start = ContinuousClock.now
            let result = await executor.send(WebhookSpec(url: "\(server.baseURL)/slow", timeout: .milliseconds(300)))
            #expect(ContinuousClock.now - start < .seconds(60))  // `/slow` never answers: the timeout ended it
            #expect(result.statusCode == nil)
            #expect(!result.succeeded)
            #expect(result.error == "no complete response within 0.3 seconds")
        }
    }

    @Test("the response body is capped")
    func bodyCap() async throws {
        try await LoopbackHTTPServer.withServer { server in
            let result = await executor.send(WebhookSpec(url: "\(server.baseURL)/big", method: "GET", timeout: .seconds(5)))
            #expect(result.statusCode == 200)
            #expect(result.body.utf8.count == 64 * 1024)
            #expect(result.excerpt.count == 1000)
        }
    }

    @Test("secrets are redacted in the body, the excerpt and errors")
    func redaction() async throws {
        try await LoopbackHTTPServer.withServer { server in
            let spec = WebhookSpec(
                url: "\(server.baseURL)/echo",
                body: Data(#"{"token":"s3cr3t-value"}"#.utf8),
                timeout: .seconds(5),
                redactions: ["s3cr3t-value"]
            )
            let result = await executor.send(spec)
            #expect(result.body == #"{"token":"[redacted]"}"#)
            #expect(result.excerpt == #"{"token":"[redacted]"}"#)
            // The server really got the secret: redaction is for what Nightshift shows.
            #expect(server.requests.first?.body == Array(#"{"token":"s3cr3t-value"}"#.utf8))

            let invalid = await executor.send(WebhookSpec(url: "ftp://host/s3cr3t-value", redactions: ["s3cr3t-value"]))
            #expect(invalid.error?.contains("s3cr3t-value") == false)
            #expect(invalid.error?.contains("[redacted]") == true)
        }
    }

    @Test("invalid URLs and methods are reported without sending anything")
    func invalidInput() async {
        #expect(WebhookExecutor.validateURL("https://example.invalid/x") == nil)
        #expect(WebhookExecutor.validateURL("ftp://host/file")?.contains(#"scheme "ftp" is not http or https"#) == true)
        #expect(WebhookExecutor.validateURL("not a url")?.contains("not an absolute URL") == true)
        #expect(WebhookExecutor.validateURL("http://")?.contains("no host") == true)

        let badURL = await executor.send(WebhookSpec(url: "file:///etc/passwd"))
        #expect(badURL.error?.hasPrefix("invalid webhook URL") == true)
        #expect(badURL.statusCode == nil)
        let badMethod = await executor.send(WebhookSpec(url: "http://127.0.0.1:9/", method: "PO ST"))
        #expect(badMethod.error == #"invalid HTTP method "PO ST""#)
    }

    @Test("a refused connection is an error")
    func connectionRefused() async throws {
        // A bound socket that never listens: connecting to it is refused, and no other
        // test's server can take the port meanwhile.
        let (socket, port) = try TestSupport.reserveUnlistenedPort()
        defer { close(socket) }
        let result = await executor.send(WebhookSpec(url: "http://127.0.0.1:\(port)/", timeout: .seconds(1)))
        #expect(result.statusCode == nil)
        #expect(!result.succeeded)
        // AsyncHTTPClient retries refused connections until the deadline, then reports the cause.
        #expect(result.error?.hasPrefix("request failed:") == true, "\(result.error ?? "nil")")
    }
}
