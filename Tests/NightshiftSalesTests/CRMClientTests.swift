import AsyncHTTPClient
import Foundation
@testable import NightshiftSales
import NIOCore
import NightshiftTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CRM clients against `scripts/crm-stand-in`, a stand-in for ActiveCampaign and HubSpot (remote
/// services that cannot run here) started as a child process on a loopback port of its own per test.
@Suite("CRM clients: paging, incremental pulls, retries, resuming, bad answers", .timeLimit(.minutes(1)))
struct CRMClientTests {
    /// 2026-11-20T12:00:00.123Z: the milliseconds must survive every page of a pull.
    static let bound = CRMFixture.date(day: 20, hour: 12) + 0.123

    // MARK: - Full pulls

    @Test("ActiveCampaign: a full pull pages by offset until meta.total, maps every field, and sees every contact once (ids as text or numbers)", arguments: [false, true])
    func activeCampaignFullPull(numericIDs: Bool) async throws {
        try await withStandIn(numericIDs ? ["--ac-numeric-ids"] : []) { standIn, http in
            let crm = standIn.activeCampaign(http)
            let (pages, contacts) = try await pull(crm, limit: 5)
            #expect(contacts == CRMFixture.contacts.map { $0.expected(for: "activecampaign") })
            #expect(pages.map(\.total) == [20, 20, 20, 20])
            #expect(pages.first?.next == CRMCursor(source: "activecampaign", offset: 5))
            let requests = try await standIn.requests(http)
            #expect(requests.count == 4, "the last page ends the pull at meta.total: no fifth request")
            #expect(requests.map { $0.query["offset"] } == [["0"], ["5"], ["10"], ["15"]])
            #expect(requests.allSatisfy { $0.method == "GET" && $0.query["limit"] == ["5"] && $0.query["filters[updated_after]"] == nil })
            #expect(requests.allSatisfy { $0.token == "matched" && $0.tokenHeader == "Api-Token" && $0.userAgent == "nightshift" })
        }
    }

    @Test("HubSpot: a full pull follows paging.next.after to the page without paging, maps every field, and sees every contact once")
    func hubSpotFullPull() async throws {
        try await withStandIn([]) { standIn, http in
            let crm = standIn.hubSpot(http)
            let (pages, contacts) = try await pull(crm, limit: 6)
            #expect(contacts == CRMFixture.contacts.map { $0.expected(for: "hubspot") })
            #expect(pages.map(\.contacts.count) == [6, 6, 6, 2])
            let requests = try await standIn.requests(http)
            #expect(requests.map(\.path) == Array(repeating: "/crm/v3/objects/contacts", count: 4))
            #expect(requests.first?.query["after"] == nil)
            #expect(requests.dropFirst().map { $0.query["after"]?.first } == pages.dropLast().map { $0.next?.after })
            let properties = Set(requests.first?.query["properties"]?.first?.split(separator: ",").map(String.init) ?? [])
            #expect(properties == ["email", "firstname", "lastname", "phone", "company", "jobtitle", "lastmodifieddate"])
            #expect(requests.allSatisfy { $0.token == "matched" && $0.tokenHeader == "Authorization" && $0.query["limit"] == ["6"] })
        }
    }

    // MARK: - Incremental pulls

    @Test("ActiveCampaign: an incremental pull asks filters[updated_after] in UTC, oldest change first, and gets only the changed contacts; the cursor carries the bound")
    func activeCampaignIncremental() async throws {
        try await withStandIn([]) { standIn, http in
            let crm = standIn.activeCampaign(http)
            // Only the first page is given the bound: the later ones must take it from the cursor.
            let (_, contacts) = try await pull(crm, limit: 3, updatedAfter: Self.bound)
            let expected = CRMFixture.changed(after: Self.bound).map { $0.expected(for: "activecampaign") }
            #expect(!expected.isEmpty && expected.count < CRMFixture.contacts.count)
            #expect(contacts == expected)
            let requests = try await standIn.requests(http)
            #expect(requests.count == (expected.count + 2) / 3)
            #expect(requests.allSatisfy { $0.query["filters[updated_after]"] == ["2026-11-20T12:00:00"] && $0.query["orders[udate]"] == ["ASC"] })
        }
    }

    @Test("HubSpot: an incremental pull searches lastmodifieddate GTE the bound in milliseconds, ascending, and gets only the changed contacts")
    func hubSpotIncremental() async throws {
        try await withStandIn([]) { standIn, http in
            let crm = standIn.hubSpot(http)
            let (pages, contacts) = try await pull(crm, limit: 3, updatedAfter: Self.bound)
            let expected = CRMFixture.changed(after: Self.bound).map { $0.expected(for: "hubspot") }
            #expect(contacts == expected)
            #expect(pages.first?.total == expected.count)
            let requests = try await standIn.requests(http)
            #expect(requests.allSatisfy { $0.method == "POST" && $0.path == "/crm/v3/objects/contacts/search" })
            let millis = String(Int64(CRMFixture.date(day: 20, hour: 12).timeIntervalSince1970) * 1000 + 123)
            for request in requests {
                let search = try #require(request.body)
                #expect(search.filterGroups == [.init(filters: [.init(propertyName: "lastmodifieddate", operator: "GTE", value: millis)])])
                #expect(search.sorts == [.init(propertyName: "lastmodifieddate", direction: "ASCENDING")])
                #expect(search.limit == 3 && search.properties?.contains("jobtitle") == true)
            }
            #expect(requests.map { $0.body?.after } == [nil] + pages.dropLast().map { $0.next?.after })
        }
    }

    // MARK: - Rate limits and failures

    @Test("429 is retried after Retry-After (the injected sleep is asked for 1 s each time) and the pull still sees every contact once")
    func rateLimited() async throws {
        try await withStandIn(["--rate-429", "2"]) { standIn, http in
            let sleeps = SleepRecorder()
            let crm = standIn.activeCampaign(http, sleep: sleeps.sleep)
            let (_, contacts) = try await pull(crm, limit: 5)
            #expect(contacts == CRMFixture.contacts.map { $0.expected(for: "activecampaign") })
            #expect(await sleeps.durations == [.seconds(1), .seconds(1), .seconds(1)])
            let statuses = try await standIn.requests(http).map(\.status)
            #expect(statuses == [200, 429, 200, 429, 200, 429, 200])
        }
    }

    @Test("Retry-After as an HTTP date is waited until that time")
    func retryAfterDate() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let start = Date()
        let date = formatter.string(from: start.addingTimeInterval(60))
        try await withStandIn(["--rate-429", "2", "--retry-after", date]) { standIn, http in
            let sleeps = SleepRecorder()
            let crm = standIn.hubSpot(http, sleep: sleeps.sleep)
            let (_, contacts) = try await pull(crm, limit: 10)
            #expect(contacts.count == 20)
            // 60 s from the start, less the time the test has taken (the date is to the second).
            let earliest = Duration.milliseconds(Int64((59 - Date().timeIntervalSince(start)) * 1000))
            let waits = await sleeps.durations
            #expect(waits.count == 1 && waits.allSatisfy { $0 >= earliest && $0 <= .seconds(60) }, "\(waits)")
        }
    }

    @Test("a 429 asking for 900 s is waited at most 120 s, and after the last allowed retry the page fails as too many retries")
    func rateLimitCapped() async throws {
        try await withStandIn(["--rate-429", "1", "--retry-after", "900"]) { standIn, http in
            let sleeps = SleepRecorder()
            var configuration = CRMTestSetup.configuration
            configuration.retry.maxRateLimitRetries = 2
            let crm = standIn.activeCampaign(http, configuration: configuration, sleep: sleeps.sleep)
            let error = try await #require(throws: CRMError.self) { try await crm.page(after: nil, updatedAfter: nil, limit: 5) }
            #expect(error.code == .tooManyRetries && error.status == 429 && error.attempts == 3, "\(error)")
            #expect(error.description.contains("429") && error.description.contains("the first page"), "\(error)")
            #expect(await sleeps.durations == [.seconds(120), .seconds(120)])
            #expect(try await standIn.requests(http).count == 3)
        }
    }

    @Test("a 500 once is retried after a backoff and the pull goes on")
    func serverErrorRetried() async throws {
        try await withStandIn(["--fail-page", "2"]) { standIn, http in
            let sleeps = SleepRecorder()
            let crm = standIn.hubSpot(http, sleep: sleeps.sleep)
            let (_, contacts) = try await pull(crm, limit: 6)
            #expect(contacts.count == 20 && Set(contacts.map(\.externalID)).count == 20)
            #expect(await sleeps.durations == [.seconds(1)])
            #expect(try await standIn.requests(http).map(\.status) == [200, 500, 200, 200, 200])
        }
    }

    @Test("a page failing past its retries throws a CRMError holding the last good cursor; resuming from it sees every contact exactly once", arguments: ["activecampaign", "hubspot"])
    func failedPageResumes(crmName: String) async throws {
        try await withStandIn(["--fail-page", "3", "--fail-page-times", "3"]) { standIn, http in
            let sleeps = SleepRecorder()
            var configuration = CRMTestSetup.configuration
            configuration.retry.maxServerErrorRetries = 2
            let crm: any CRMSource = crmName == "hubspot"
                ? standIn.hubSpot(http, configuration: configuration, sleep: sleeps.sleep)
                : standIn.activeCampaign(http, configuration: configuration, sleep: sleeps.sleep)
            var seen: [String] = []
            var cursor: CRMCursor?
            var failure: CRMError?
            while true {
                do throws(CRMError) {
                    let page = try await crm.page(after: cursor, updatedAfter: nil, limit: 5)
                    seen += page.contacts.map(\.externalID)
                    guard let next = page.next else { break }
                    cursor = next
                } catch {
                    #expect(failure == nil, "only the third page fails")
                    failure = error
                    // The operator's next run: a new process with only the stored cursor text.
                    cursor = error.cursor.flatMap { CRMCursor(text: $0.text) }
                }
            }
            let error = try #require(failure)
            #expect(error.code == .tooManyRetries && error.status == 500 && error.attempts == 3, "\(error)")
            #expect(error.cursor != nil && seen.count == 20)
            #expect(error.description.contains(crmName == "hubspot" ? "the page after" : "the page at offset 10"), "\(error)")
            #expect(error.bodyExcerpt?.contains("fails on purpose") == true)
            #expect(Set(seen).count == 20, "every contact exactly once: \(seen)")
            #expect(await sleeps.durations == [.seconds(1), .seconds(2)])
        }
    }

    @Test("no answer within the request timeout fails the page as a transport error that says so")
    func timeout() async throws {
        try await withStandIn(["--hang-page", "1"]) { standIn, http in
            var configuration = CRMTestSetup.configuration
            configuration.requestTimeout = .milliseconds(300)
            configuration.retry.maxServerErrorRetries = 0
            let crm = standIn.hubSpot(http, configuration: configuration)
            let error = try await #require(throws: CRMError.self) { try await crm.page(after: nil, updatedAfter: nil, limit: 5) }
            #expect(error.code == .transport && error.description.contains("no complete answer within 0.3 seconds"), "\(error)")
        }
    }

    @Test("a refused connection is retried with backoff, then reported as a transport error")
    func connectionRefused() async throws {
        let port = try await withStandIn([]) { standIn, _ in standIn.server.port }
        try await withHTTPClient { http in
            let sleeps = SleepRecorder()
            // AsyncHTTPClient retries a refused connect itself until the request's deadline.
            var configuration = CRMTestSetup.configuration
            configuration.requestTimeout = .milliseconds(500)
            let crm = ActiveCampaignClient(
                httpClient: http, baseURL: "http://127.0.0.1:\(port)", token: CRMStandIn.token,
                configuration: configuration, sleep: sleeps.sleep
            )
            let error = try await #require(throws: CRMError.self) { try await crm.page(after: nil, updatedAfter: nil, limit: 5) }
            #expect(error.code == .transport && error.attempts == 4 && error.status == nil, "\(error)")
            #expect(await sleeps.durations == [.seconds(1), .seconds(2), .seconds(4)])
        }
    }

    // MARK: - Bad answers

    @Test("malformed JSON fails that page as bad JSON naming the page, without a crash; the pull resumes from the error's cursor")
    func malformedJSON() async throws {
        try await withStandIn(["--bad-json-page", "2"]) { standIn, http in
            let crm = standIn.activeCampaign(http)
            let first = try await crm.page(after: nil, updatedAfter: nil, limit: 5)
            let error = try await #require(throws: CRMError.self) { try await crm.page(after: first.next, updatedAfter: nil, limit: 5) }
            #expect(error.code == .badJSON && error.field == nil, "\(error)")
            #expect(error.description.contains("the page at offset 5") && error.description.contains("not valid JSON"), "\(error)")
            #expect(error.bodyExcerpt?.contains("cut-off@exam") == true)
            #expect(error.cursor == first.next)
            let (_, rest) = try await pull(crm, limit: 5, from: error.cursor)
            #expect(Set(first.contacts.map(\.externalID) + rest.map(\.externalID)).count == 20)
        }
    }

    @Test("a field of the wrong type fails the page as bad JSON naming the field's path", arguments: [
        ("activecampaign", "contacts[1].email"), ("hubspot", "results[1].properties.email"),
    ])
    func wrongFieldType(crmName: String, path: String) async throws {
        try await withStandIn(["--bad-type-page", "1"]) { standIn, http in
            let crm: any CRMSource = crmName == "hubspot" ? standIn.hubSpot(http) : standIn.activeCampaign(http)
            let error = try await #require(throws: CRMError.self) { try await crm.page(after: nil, updatedAfter: nil, limit: 5) }
            #expect(error.code == .badJSON && error.field == path, "\(error)")
            #expect(error.description.contains("\(path) is a number (42), not text"), "\(error)")
        }
    }

    // MARK: - Tokens

    @Test("a refused token fails at once with an error that says so and never contains the token, even when the server echoes it", arguments: ["activecampaign", "hubspot"])
    func wrongToken(crmName: String) async throws {
        try await withStandIn([]) { standIn, http in
            let token = "wrong-token-Q9x7Zk2Lm"
            let sleeps = SleepRecorder()
            let crm: any CRMSource = crmName == "hubspot"
                ? HubSpotClient(httpClient: http, baseURL: standIn.baseURL, token: token, configuration: CRMTestSetup.configuration, sleep: sleeps.sleep)
                : ActiveCampaignClient(httpClient: http, baseURL: standIn.baseURL, token: token, configuration: CRMTestSetup.configuration, sleep: sleeps.sleep)
            let error = try await #require(throws: CRMError.self) { try await crm.page(after: nil, updatedAfter: nil, limit: 5) }
            #expect(error.code == .httpStatus && error.status == 401 && error.attempts == 1, "\(error)")
            #expect(error.description.contains("token was refused"), "\(error)")
            #expect(error.bodyExcerpt?.contains("[redacted]") == true, "the stand-in echoed the token: \(error)")
            for text in ["\(error)", String(reflecting: error), "\(crm)", String(reflecting: crm), dumped(crm), dumped(error)] {
                #expect(!text.contains(token), "\(text)")
            }
            #expect(await sleeps.durations.isEmpty)
            #expect(try await standIn.requests(http).map(\.token) == ["wrong"])
        }
    }

    @Test("an empty token, a base URL that is not http(s), or another CRM's cursor fails before any request")
    func invalidRequests() async throws {
        try await withHTTPClient { http in
            let empty = HubSpotClient(httpClient: http, baseURL: "http://127.0.0.1:9", token: "", configuration: CRMTestSetup.configuration)
            let noToken = try await #require(throws: CRMError.self) { try await empty.page(after: nil, updatedAfter: nil) }
            #expect(noToken.code == .invalidRequest && noToken.description.contains("token is empty"), "\(noToken)")
            let badBase = ActiveCampaignClient(httpClient: http, baseURL: "ftp://example", token: "t0k3n-abc", configuration: CRMTestSetup.configuration)
            let notHTTP = try await #require(throws: CRMError.self) { try await badBase.page(after: nil, updatedAfter: nil) }
            #expect(notHTTP.code == .invalidRequest && notHTTP.description.contains("not an http or https URL"), "\(notHTTP)")
            let hubSpot = HubSpotClient(httpClient: http, baseURL: "http://127.0.0.1:9", token: "t0k3n-abc", configuration: CRMTestSetup.configuration)
            let foreign = try await #require(throws: CRMError.self) {
                try await hubSpot.page(after: CRMCursor(source: "activecampaign", offset: 100), updatedAfter: nil)
            }
            #expect(foreign.code == .invalidRequest && foreign.description.contains("not a HubSpot one"), "\(foreign)")
        }
    }

    // MARK: - Pieces without a server

    @Test("a cursor survives its text exactly, bound included; text that is not a cursor gives nil")
    func cursorText() {
        let cursor = CRMCursor(source: "hubspot", after: "NTI=", updatedAfter: Date(timeIntervalSince1970: 1_764_583_200.1234))
        #expect(cursor.text == #"{"after":"NTI=","source":"hubspot","updated_after_ms":1764583200123}"#)
        #expect(CRMCursor(text: cursor.text) == cursor)
        #expect(CRMCursor(text: cursor.text)?.updatedAfter == Date(timeIntervalSince1970: 1_764_583_200.123))
        let offset = CRMCursor(source: "activecampaign", offset: 200)
        #expect(CRMCursor(text: offset.text) == offset && offset.updatedAfter == nil)
        for bad in ["", "{}", "[1]", #"{"source":"x","offset":-1}"#, #"{"source":"x","offset":"12"}"#, "not json"] {
            #expect(CRMCursor(text: bad) == nil, "\(bad)")
        }
    }

    @Test("Retry-After: seconds or an HTTP date, capped at 120 s, never negative; without one, a doubling backoff")
    func retryAfterParsing() {
        let policy = CRMRetryPolicy()
        let now = Date(timeIntervalSince1970: 1_792_000_000)
        #expect(policy.rateLimitDelay(retryAfter: "7", attempt: 1, now: now) == .seconds(7))
        #expect(policy.rateLimitDelay(retryAfter: " 3600 ", attempt: 1, now: now) == .seconds(120))
        #expect(policy.rateLimitDelay(retryAfter: "99999999999999999999", attempt: 1, now: now) == .seconds(120))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(policy.rateLimitDelay(retryAfter: formatter.string(from: now + 45), attempt: 1, now: now) == .seconds(45))
        #expect(policy.rateLimitDelay(retryAfter: formatter.string(from: now - 45), attempt: 1, now: now) == .zero)
        #expect(policy.rateLimitDelay(retryAfter: "soon", attempt: 3, now: now) == .seconds(4))
        #expect(policy.rateLimitDelay(retryAfter: nil, attempt: 1, now: now) == .seconds(1))
        #expect((1...9).map { policy.backoffDelay(attempt: $0) } == [1, 2, 4, 8, 16, 32, 64, 120, 120].map { .seconds($0) })
        #expect(policy.backoffDelay(attempt: 10_000) == .seconds(120))
    }

    @Test("CRM dates: ISO 8601 with Z, an offset, no zone (UTC), a space, a fraction, or epoch milliseconds; anything else is nil, never a crash")
    func dates() {
        func seconds(_ text: String) -> Double? { CRMTime.parse(text)?.timeIntervalSince1970 }
        let december: Double = 1_796_083_200  // 2026-12-01T00:00:00Z
        #expect(seconds("2026-12-01T10:00:00-06:00") == december + 57_600)
        #expect(seconds("2026-12-01T16:00:00.250Z") == december + 57_600.25)
        #expect(seconds("2026-12-01 16:00:00") == december + 57_600)
        #expect(seconds("2026-12-01T17:30:00+0130") == december + 57_600)
        #expect(seconds("2026-12-01") == december)
        #expect(seconds("1796083200000") == december)
        #expect(seconds("1969-12-31T23:59:59Z") == -1)
        #expect(seconds("2024-02-29T00:00:00Z") != nil)
        for bad in ["", "x", "2026-02-29T00:00:00Z", "2026-13-01", "2026-12-01T25:00:00Z", "2026-12-01T10:00:00+", "2026-12-01T10:00:00.Z", "2026-12-01T10:00:00Zjunk", "２０２６-12-01"] {
            #expect(CRMTime.parse(bad) == nil, "\(bad)")
        }
        #expect(CRMTime.utcSeconds(Date(timeIntervalSince1970: december + 57_600.999)) == "2026-12-01T16:00:00")
        #expect(CRMTime.utcSeconds(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59")
        #expect(CRMTime.utcSeconds(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59")
        #expect(CRMTime.utcSeconds(.distantPast) == "0001-01-01T00:00:00")
        // Near-dates from a fixed sequence: whatever parses also formats.
        let alphabet = Array("0123456789-:TZ+. tz,")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<20_000 {
            let text = String((0..<next(31)).map { _ in alphabet[next(alphabet.count)] })
            if let date = CRMTime.parse(text) { _ = CRMTime.utcSeconds(date) }
        }
    }

    @Test("the rate limiter gives concurrent callers distinct slots one interval apart, and none once time has passed")
    func rateLimiterSpacing() async throws {
        let clock = FakeTime()
        let sleeps = SleepRecorder()
        let limiter = CRMRateLimiter(requestsPerSecond: 5, now: { clock.now }, sleep: sleeps.sleep)
        #expect(limiter.interval == .milliseconds(200))
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(await sleeps.durations == [.milliseconds(200), .milliseconds(400)])
        clock.now = .seconds(10)
        try await limiter.acquire()
        #expect(await sleeps.durations.count == 2)
        let unlimited = CRMRateLimiter(requestsPerSecond: 0, now: { clock.now }, sleep: sleeps.sleep)
        for _ in 0..<3 { try await unlimited.acquire() }
        #expect(await sleeps.durations.count == 2)
    }
}

// MARK: - Support

/// Settings for tests: a high rate, so the real limiter does not slow the suite.
private enum CRMTestSetup {
    static var configuration: CRMClientConfiguration {
        var configuration = CRMClientConfiguration()
        configuration.requestsPerSecond = 1000
        configuration.requestTimeout = .seconds(10)
        return configuration
    }
}

/// Every page of a pull from `cursor` on; only the first page is given `updatedAfter`.
private func pull(
    _ crm: any CRMSource,
    limit: Int,
    updatedAfter: Date? = nil,
    from cursor: CRMCursor? = nil
) async throws -> (pages: [CRMPage], contacts: [CRMContact]) {
    var pages: [CRMPage] = []
    var cursor = cursor
    repeat {
        let page = try await crm.page(after: cursor, updatedAfter: pages.isEmpty ? updatedAfter : nil, limit: limit)
        pages.append(page)
        cursor = page.next
        if pages.count > 100 { Issue.record("the pull does not end"); break }
    } while cursor != nil
    return (pages, pages.flatMap(\.contacts))
}

/// What `dump` prints of `value`.
private func dumped(_ value: Any) -> String {
    var text = ""
    dump(value, to: &text)
    return text
}

/// The injected sleep of a client: records each duration asked for and returns at once.
private actor SleepRecorder {
    private(set) var durations: [Duration] = []
    private func add(_ duration: Duration) { durations.append(duration) }
    nonisolated var sleep: @Sendable (Duration) async throws -> Void { { [self] duration in await add(duration) } }
}

/// A time that moves only when the test sets it.
private final class FakeTime: Sendable {
    private let value = Mutex<Duration>(.zero)
    var now: Duration {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// The contacts every stand-in serves: 20, their changes spread over November 2026 out of id order.
private struct CRMFixture: Encodable {
    var id: Int
    var email: String?
    var firstName: String?
    var lastName: String?
    var phone: String?
    var company: String?
    var title: String?
    var updatedAt: Date

    init(id: Int, updatedAt: Date) {
        self.id = id
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, email, phone, company, title
        case firstName = "first_name", lastName = "last_name", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(email, forKey: .email)
        try container.encodeIfPresent(firstName, forKey: .firstName)
        try container.encodeIfPresent(lastName, forKey: .lastName)
        try container.encodeIfPresent(phone, forKey: .phone)
        try container.encodeIfPresent(company, forKey: .company)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encode(ISO8601DateFormatter().string(from: updatedAt), forKey: .updatedAt)
    }

    /// 2026-11-DAY HOUR:MM:00 UTC.
    static func date(day: Int, hour: Int, minute: Int = 0) -> Date {
        let seconds: Int = ((day - 1) * 24 + hour) * 3600 + minute * 60
        return Date(timeIntervalSince1970: 1_793_491_200 + Double(seconds))
    }

    static let contacts: [CRMFixture] = (1...20).map(contact)

    /// Contact `id`: a few fields left unset, one name beyond ASCII.
    static func contact(_ id: Int) -> CRMFixture {
        let day: Int = 1 + (id * 7) % 29
        var contact = CRMFixture(id: id, updatedAt: date(day: day, hour: id % 24, minute: id))
        contact.email = id == 4 ? nil : "person\(id)@example.com"
        contact.firstName = id == 7 ? "Zoë" : "First\(id)"
        contact.lastName = id == 9 ? nil : "Last\(id)"
        contact.phone = id % 3 == 0 ? nil : "+1 555 01\(id + 10)"
        contact.company = id % 4 == 0 ? nil : "Company \(id)"
        contact.title = id % 5 == 0 ? nil : "Title \(id)"
        return contact
    }

    /// The contacts changed after `bound`, oldest change first.
    static func changed(after bound: Date) -> [CRMFixture] {
        contacts.filter { $0.updatedAt > bound }.sorted { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
    }

    /// The contact as `crm`'s client should map it (ActiveCampaign's contacts have no title).
    func expected(for crm: String) -> CRMContact {
        CRMContact(
            externalID: "\(crm):\(id)", firstName: firstName, lastName: lastName, email: email, phone: phone,
            company: company, title: crm == "hubspot" ? title : nil, updatedAt: updatedAt
        )
    }
}

/// One request the stand-in served (`GET /_requests`).
private struct StandInRequest: Decodable {
    struct Search: Decodable {
        struct Filter: Decodable, Equatable {
            var propertyName: String
            var `operator`: String
            var value: String
        }
        struct FilterGroup: Decodable, Equatable { var filters: [Filter] }
        struct Sort: Decodable, Equatable {
            var propertyName: String
            var direction: String
        }
        var filterGroups: [FilterGroup]?
        var sorts: [Sort]?
        var properties: [String]?
        var limit: Int?
        var after: String?
    }

    var n: Int?
    var method: String
    var path: String
    var query: [String: [String]]
    var token: String?
    var tokenHeader: String?
    var status: Int?
    var body: Search?
    var userAgent: String?

    enum CodingKeys: String, CodingKey {
        case n, method, path, query, token, status, body
        case tokenHeader = "token_header", userAgent = "user_agent"
    }
}

/// The stand-in did not start.
private struct StandInFailed: Error, CustomStringConvertible {
    var description: String
}

/// `scripts/crm-stand-in` running as a child process on a free loopback port, serving ``CRMFixture/contacts``.
private final class CRMStandIn: Sendable {
    static let token = "stand-in-token-V8s2Pq"
    let server: CRMStandInProcess
    var baseURL: String { server.baseURL }

    init(_ arguments: [String]) async throws {
        server = try await CRMStandInProcess(contacts: try JSONEncoder().encode(CRMFixture.contacts), token: Self.token, arguments: arguments)
    }

    func activeCampaign(
        _ http: HTTPClient,
        configuration: CRMClientConfiguration = CRMTestSetup.configuration,
        sleep: @escaping @Sendable (Duration) async throws -> Void = SleepRecorder().sleep
    ) -> ActiveCampaignClient {
        ActiveCampaignClient(httpClient: http, baseURL: baseURL, token: Self.token, configuration: configuration, sleep: sleep)
    }

    func hubSpot(
        _ http: HTTPClient,
        configuration: CRMClientConfiguration = CRMTestSetup.configuration,
        sleep: @escaping @Sendable (Duration) async throws -> Void = SleepRecorder().sleep
    ) -> HubSpotClient {
        HubSpotClient(httpClient: http, baseURL: baseURL + "/", token: Self.token, configuration: configuration, sleep: sleep)
    }

    /// Every request served so far, oldest first.
    func requests(_ http: HTTPClient) async throws -> [StandInRequest] {
        let response = try await http.execute(HTTPClientRequest(url: baseURL + "/_requests"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return try JSONDecoder().decode([StandInRequest].self, from: Data(body.readableBytesView))
    }

    func stop() { server.stop() }
}

/// Runs `body` with an HTTP client of its own, shut down afterwards whatever happens.
private func withHTTPClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await body(http)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}

/// Runs `body` with a stand-in started with `arguments` and an HTTP client; both are stopped afterwards.
private func withStandIn<T: Sendable>(_ arguments: [String], _ body: (CRMStandIn, HTTPClient) async throws -> T) async throws -> T {
    let standIn = try await CRMStandIn(arguments)
    defer { standIn.stop() }
    return try await withHTTPClient { http in try await body(standIn, http) }
}
