import AsyncHTTPClient
public import Foundation
import Logging
import NIOCore
import NIOHTTP1

// The part shared by the CRM clients the sales pack pulls prospects with (ActiveCampaignClient,
// HubSpotClient): what a pull yields, where it is, what can go wrong, and one HTTP request sent
// politely — spaced by a rate limiter, retried on 429 and 5xx, bounded in time and size.

/// One contact as a CRM holds it, before the sales pack turns it into a prospect.
public struct CRMContact: Sendable, Hashable {
    /// The CRM's name and its own id of the contact: `activecampaign:123`, `hubspot:456`.
    public var externalID: String
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var company: String?
    public var title: String?
    /// The CRM's own time of the contact's last change, the bound of the operator's next incremental pull.
    public var updatedAt: Date?

    /// A contact with the given fields; empty ones stay nil.
    public init(
        externalID: String,
        firstName: String? = nil,
        lastName: String? = nil,
        email: String? = nil,
        phone: String? = nil,
        company: String? = nil,
        title: String? = nil,
        updatedAt: Date? = nil
    ) {
        self.externalID = externalID
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.company = company
        self.title = title
        self.updatedAt = updatedAt
    }
}

/// Where a pull is: enough to resume from the next page after a crash or a failed page.
///
/// Store ``text`` after each page that was saved, and give ``init(text:)``'s cursor back to
/// ``CRMSource/page(after:updatedAfter:limit:)`` to go on. The bound a pull started with travels in
/// the cursor, so every page of one pull asks for the same set of contacts.
///
/// ```swift
/// let saved = page.next?.text          // {"offset":200,"source":"activecampaign","updated_after_ms":1764583200000}
/// let cursor = saved.flatMap(CRMCursor.init(text:))
/// ```
public struct CRMCursor: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The CRM the cursor belongs to (``CRMSource/name``); another CRM's client refuses it.
    public var source: String
    /// ActiveCampaign: how many contacts of the pull come before the next page.
    public var offset: Int?
    /// HubSpot: the opaque `paging.next.after` of the page before.
    public var after: String?
    /// The pull's updated-after bound in whole milliseconds since 1970 (nil: everything), kept as a
    /// number so that a cursor read back from ``text`` equals the one written.
    public var updatedAfterMilliseconds: Int64?

    /// A cursor of `source`; `updatedAfter` is kept to the millisecond.
    public init(source: String, offset: Int? = nil, after: String? = nil, updatedAfter: Date? = nil) {
        self.source = source
        self.offset = offset
        self.after = after
        self.updatedAfterMilliseconds = updatedAfter.map(CRMTime.milliseconds)
    }

    /// A cursor of `source` whose bound is already in milliseconds (no trip through `Date`, which could lose one).
    init(source: String, offset: Int? = nil, after: String? = nil, updatedAfterMilliseconds: Int64?) {
        self.source = source
        self.offset = offset
        self.after = after
        self.updatedAfterMilliseconds = updatedAfterMilliseconds
    }

    /// The updated-after bound the pull started with (nil: a pull of everything).
    public var updatedAfter: Date? {
        updatedAfterMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    enum CodingKeys: String, CodingKey {
        case source, offset, after
        case updatedAfterMilliseconds = "updated_after_ms"
    }

    /// Decodes a cursor, refusing a negative offset.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        offset = try container.decodeIfPresent(Int.self, forKey: .offset)
        after = try container.decodeIfPresent(String.self, forKey: .after)
        updatedAfterMilliseconds = try container.decodeIfPresent(Int64.self, forKey: .updatedAfterMilliseconds)
        if let offset, offset < 0 {
            throw DecodingError.dataCorruptedError(forKey: .offset, in: container, debugDescription: "a negative offset (\(offset))")
        }
    }

    /// The cursor as compact JSON with sorted keys, to store between runs.
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and integers cannot fail; the fallback only keeps this non-throwing.
        guard let data = try? encoder.encode(self) else { return #"{"source":"\#(source)"}"# }
        return String(decoding: data, as: UTF8.self)
    }

    /// The cursor ``text`` was made from, or nil when `text` is not one.
    public init?(text: String) {
        guard let cursor = try? JSONDecoder().decode(CRMCursor.self, from: Data(text.utf8)) else { return nil }
        self = cursor
    }

    /// The cursor's ``text``.
    public var description: String { text }
}

/// One page of a pull.
public struct CRMPage: Sendable {
    /// The page's contacts, in the CRM's order.
    public var contacts: [CRMContact]
    /// Where the next page starts; nil: the pull is complete.
    public var next: CRMCursor?
    /// How many contacts the whole pull has, when the CRM says (ActiveCampaign's `meta.total`,
    /// HubSpot search's `total`).
    public var total: Int?

    /// A page of `contacts`.
    public init(contacts: [CRMContact], next: CRMCursor?, total: Int?) {
        self.contacts = contacts
        self.next = next
        self.total = total
    }
}

/// Why a page could not be had: which CRM, which request, which page, and what went wrong. Never
/// contains the token, even when the server's answer echoes it.
///
/// ``cursor`` is the cursor the failed page was asked from: give it to ``CRMSource/page(after:updatedAfter:limit:)``
/// to try that page again later, and the pull goes on where it stopped.
public struct CRMError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it was; more kinds may come, so switch with a default.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case httpStatus = "HTTP status"
            case badJSON = "bad JSON"
            case transport
            case tooManyRetries = "too many retries"
            case cancelled
            case invalidRequest = "invalid request"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The CRM answered with a status that is not retried (a 4xx other than 429); see ``CRMError/status``.
        public static let httpStatus = Code(.httpStatus)
        /// The answer was not JSON, or a field had the wrong type; see ``CRMError/field``.
        public static let badJSON = Code(.badJSON)
        /// No answer: connection refused or cut, a timeout, an answer over the size limit.
        public static let transport = Code(.transport)
        /// 429 or 5xx again and again, past ``CRMRetryPolicy``'s limits.
        public static let tooManyRetries = Code(.tooManyRetries)
        /// The task pulling was cancelled.
        public static let cancelled = Code(.cancelled)
        /// The request could not be made: a cursor of another CRM, an empty token, a base URL that is not http(s).
        public static let invalidRequest = Code(.invalidRequest)

        /// The kind, in words.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The CRM: `activecampaign` or `hubspot`.
    public var source: String
    /// The request, as `METHOD URL` (the token travels in a header and is not part of it).
    public var request: String
    /// The page, in words: `the first page`, `the page at offset 200`, `the page after "NTI="`.
    public var page: String
    /// The cursor the failed page was asked from (nil: the first page of the pull); resume with it.
    public var cursor: CRMCursor?
    /// The last HTTP status, when there was an answer.
    public var status: Int?
    /// The start of the last answer's body, whitespace collapsed, the token redacted.
    public var bodyExcerpt: String?
    /// For bad JSON, the path of the field at fault: `contacts[3].email`, `paging.next.after`.
    public var field: String?
    /// How many times the request was sent.
    public var attempts: Int
    /// What went wrong, in words.
    public var message: String

    /// A failure of `page` of `source`.
    public init(
        code: Code,
        source: String,
        request: String,
        page: String,
        cursor: CRMCursor?,
        message: String,
        status: Int? = nil,
        bodyExcerpt: String? = nil,
        field: String? = nil,
        attempts: Int = 0
    ) {
        self.code = code
        self.source = source
        self.request = request
        self.page = page
        self.cursor = cursor
        self.status = status
        self.bodyExcerpt = bodyExcerpt
        self.field = field
        self.attempts = attempts
        self.message = message
    }

    /// `source: page (request): message; the answer began: …`.
    public var description: String {
        var text = "\(source): \(page) (\(request)): \(message)"
        if let bodyExcerpt, !bodyExcerpt.isEmpty { text += "; the answer began: \(bodyExcerpt)" }
        return text
    }
}

/// A CRM the sales pack pulls contacts from, one page at a time.
public protocol CRMSource: Sendable {
    /// The CRM's name, the prefix of its contacts' external ids: `activecampaign` or `hubspot`.
    var name: String { get }

    /// One page: from `cursor` (nil: the first page of a pull of what changed since `updatedAfter`,
    /// nil: everything). With a cursor, `updatedAfter` is ignored: the cursor carries the bound its
    /// pull started with. `limit` is the page size, clamped to what the CRM allows.
    func page(after cursor: CRMCursor?, updatedAfter: Date?, limit: Int) async throws(CRMError) -> CRMPage
}

/// How a CRM client retries: 429 (rate limited) after the server's `Retry-After`, 5xx and lost
/// connections after a doubling backoff; each with its own limit per page.
public struct CRMRetryPolicy: Sendable, Hashable {
    /// 429 answers retried for one page before giving up.
    public var maxRateLimitRetries: Int = 5
    /// 5xx answers and transport failures (refused, cut, timed out) retried for one page before giving up.
    public var maxServerErrorRetries: Int = 3
    /// The longest wait, whatever `Retry-After` says: a server asking for an hour is not waited on.
    public var maxDelay: Duration = .seconds(120)
    /// The first backoff; it doubles with each retry (1 s, 2 s, 4 s …), also when a 429 has no usable `Retry-After`.
    public var backoff: Duration = .seconds(1)

    /// The defaults.
    public init() {}

    /// The wait before retrying after a 429 whose `Retry-After` header is `retryAfter` (seconds, or an
    /// HTTP date compared with `now`); the backoff of `attempt` (1 for the first retry) when the
    /// header is missing or unreadable; never over ``maxDelay``, never negative.
    public func rateLimitDelay(retryAfter: String?, attempt: Int, now: Date) -> Duration {
        guard let retryAfter, let asked = Self.parseRetryAfter(retryAfter, now: now) else { return backoffDelay(attempt: attempt) }
        return max(min(asked, maxDelay), .zero)
    }

    /// The wait before retry `attempt` (1 for the first) after a 5xx or a transport failure.
    public func backoffDelay(attempt: Int) -> Duration {
        var delay = max(backoff, .zero)
        for _ in 1..<max(attempt, 1) where delay < maxDelay { delay = delay * 2 }
        return max(min(delay, maxDelay), .zero)
    }

    /// `Retry-After` as a duration: whole seconds (`120`) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`,
    /// and the obsolete RFC 850 and asctime forms); nil for anything else.
    static func parseRetryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) {
            // More than nine digits is longer than any cap: a billion seconds stands for it.
            return .seconds(text.count > 9 ? 1_000_000_000 : Int64(text) ?? 1_000_000_000)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                let seconds = min(max(date.timeIntervalSince(now), 0), 1e9)
                return .milliseconds(Int64((seconds * 1000).rounded(.up)))
            }
        }
        return nil
    }
}

/// Settings of a CRM client, each with a default fit for the real services.
public struct CRMClientConfiguration: Sendable {
    /// Contacts per page for ``ActiveCampaignClient/page(after:updatedAfter:)`` and ``HubSpotClient/page(after:updatedAfter:)``.
    public var pageSize: Int = 100
    /// The longest one request may take, from sending to the last byte of the answer.
    public var requestTimeout: Duration = .seconds(30)
    /// Requests per second at most (ActiveCampaign allows 5, HubSpot 10–19 depending on the plan).
    public var requestsPerSecond: Double = 5
    /// When and how often to retry.
    public var retry = CRMRetryPolicy()
    /// The largest answer read; a longer one fails the page rather than filling memory.
    public var maxAnswerBytes: Int = 16 * 1024 * 1024
    /// The `User-Agent` sent.
    public var userAgent: String = "nightshift"

    /// The defaults.
    public init() {}

    /// `Task.sleep(for:)`, the clients' default way to wait between retries.
    public static let taskSleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
}

/// Spaces requests so that at most `requestsPerSecond` start in any second, across every task that
/// shares it: each ``acquire()`` takes the next free slot and waits for it.
///
/// Give one limiter to the clients that share an account's budget. Tests pass a high rate, or their
/// own `now` and `sleep` to see the waits without waiting.
public actor CRMRateLimiter {
    /// Time between two slots.
    public nonisolated let interval: Duration
    private let now: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private var nextSlot: Duration?

    /// A limiter of `requestsPerSecond` (at least one request every 1,000 s; zero, negative or not
    /// finite: no limit). `now` is the time since any fixed origin (default: the continuous clock).
    public init(
        requestsPerSecond: Double,
        now: (@Sendable () -> Duration)? = nil,
        sleep: @escaping @Sendable (Duration) async throws -> Void = CRMClientConfiguration.taskSleep
    ) {
        if requestsPerSecond.isFinite, requestsPerSecond > 0 {
            interval = .nanoseconds(Int64((1e9 / max(requestsPerSecond, 0.001)).rounded()))
        } else {
            interval = .zero
        }
        if let now {
            self.now = now
        } else {
            let origin = ContinuousClock.now
            self.now = { ContinuousClock.now - origin }
        }
        self.sleep = sleep
    }

    /// Waits for the next free slot. The slot is taken before waiting, so concurrent callers get
    /// distinct slots. Throws only when the wait is cancelled.
    public func acquire() async throws {
        guard interval > .zero else { return }
        let current = now()
        let slot = max(current, nextSlot ?? current)
        nextSlot = slot + interval
        if slot > current { try await sleep(slot - current) }
    }
}

/// The token, kept out of every description, debug description and mirror of what holds it.
struct CRMSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String
    var description: String { "[redacted]" }
    var debugDescription: String { "[redacted]" }
    var customMirror: Mirror { Mirror(self, children: []) }

    /// `text` with every occurrence of the token replaced with `[redacted]`.
    func redact(_ text: String) -> String {
        value.isEmpty ? text : text.replacingOccurrences(of: value, with: "[redacted]")
    }
}

/// Milliseconds and calendar fields of dates, done by hand: no formatter to share across threads,
/// no locale, and no trap on a date out of range.
enum CRMTime {
    /// Whole milliseconds since 1970 (rounded down), for dates from year 1 to 9999.
    static func milliseconds(_ date: Date) -> Int64 {
        let seconds = min(max(date.timeIntervalSince1970, -62_135_596_800), 253_402_300_799)
        let millis = seconds * 1000
        // A date made from whole milliseconds may land a hair below them in binary: that is not a millisecond earlier.
        let nearest = millis.rounded()
        return Int64(abs(millis - nearest) < 0.001 ? nearest : millis.rounded(.down))
    }

    /// `YYYY-MM-DDTHH:MM:SS` in UTC, seconds rounded down.
    static func utcSeconds(_ date: Date) -> String {
        let seconds = milliseconds(date).quotientRoundingDown(1000)
        let days = seconds.quotientRoundingDown(86_400)
        let inDay = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(inDay / 3600)):\(two(inDay % 3600 / 60)):\(two(inDay % 60))"
    }

    /// Reads `2026-12-01T10:00:00-06:00`, with `Z`, `±HH:MM`, `±HHMM` or no zone (taken as UTC), `T` or
    /// a space between date and time, and any fraction of a second; also epoch milliseconds as digits.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        if (12...13).contains(bytes.count), bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }), let millis = Int64(String(decoding: bytes, as: UTF8.self)) {
            return Date(timeIntervalSince1970: Double(millis) / 1000)
        }
        var index = 0
        func number(_ digits: Int) -> Int64? {
            guard index + digits <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<(index + digits)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else { return nil }
        guard month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, fraction = 0.0
        if index < bytes.count {
            guard expect("Tt "), let h = number(2), expect(":"), let m = number(2) else { return nil }
            hour = h
            minute = m
            if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                index += 1
                guard let s = number(2) else { return nil }
                second = s
                if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    var scale = 0.1, digits = 0
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                        fraction += Double(bytes[index] - 48) * scale
                        scale /= 10
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                }
            }
        }
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        var offset: Int64 = 0
        if index < bytes.count {
            if expect("Zz") {
                offset = 0
            } else {
                let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                guard expect("+-"), let offsetHours = number(2) else { return nil }
                _ = expect(":")
                guard let offsetMinutes = number(2), offsetHours <= 23, offsetMinutes <= 59 else { return nil }
                offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
            }
        }
        guard index == bytes.count else { return nil }
        let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a civil date (Howard Hinnant's `days_from_civil`).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.quotientRoundingDown(400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count from 1970-01-01 (`civil_from_days`).
    private static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = z.quotientRoundingDown(146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    /// Division rounding toward minus infinity, for dates before 1970.
    fileprivate func quotientRoundingDown(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// One HTTP request of a CRM client, sent with the client's limits: rate-limited, timed out,
/// retried on 429, 5xx and lost connections, the answer read up to a size.
struct CRMTransport: Sendable {
    /// A request, with what an error needs to say which page it was.
    struct Call: Sendable {
        var method: HTTPMethod
        var path: String
        /// Name and value pairs, in order, not yet percent-encoded.
        var query: [(String, String)] = []
        var headers: [(String, String)] = []
        var body: [UInt8]?
        var page: String
        var cursor: CRMCursor?
    }

    /// The bytes of a 2xx answer.
    struct Answer: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    let source: String
    let httpClient: HTTPClient
    let baseURL: String
    let token: CRMSecret
    let configuration: CRMClientConfiguration
    let limiter: CRMRateLimiter
    let sleep: @Sendable (Duration) async throws -> Void
    let logger: Logger

    init(
        source: String,
        httpClient: HTTPClient,
        baseURL: String,
        token: String,
        configuration: CRMClientConfiguration,
        rateLimiter: CRMRateLimiter?,
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        logger: Logger
    ) {
        self.source = source
        self.httpClient = httpClient
        var base = baseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = CRMSecret(value: token)
        self.configuration = configuration
        self.limiter = rateLimiter ?? CRMRateLimiter(requestsPerSecond: configuration.requestsPerSecond)
        self.sleep = sleep
        self.logger = logger
    }

    /// `METHOD URL` of `call` as an error shows it, its query not percent-encoded, for reading.
    func display(_ call: Call) -> String {
        let query = call.query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        return token.redact("\(call.method.rawValue) \(baseURL)\(call.path)\(query.isEmpty ? "" : "?" + query)")
    }

    /// An error about `call`.
    func error(
        _ code: CRMError.Code,
        _ call: Call,
        _ message: String,
        status: Int? = nil,
        body: ByteBuffer? = nil,
        field: String? = nil,
        attempts: Int = 0
    ) -> CRMError {
        CRMError(
            code: code,
            source: source,
            request: display(call),
            page: call.page,
            cursor: call.cursor,
            message: token.redact(message),
            status: status,
            bodyExcerpt: body.map(excerpt),
            field: field,
            attempts: attempts
        )
    }

    /// The first 300 characters of `body`, whitespace collapsed, the token redacted.
    func excerpt(_ body: ByteBuffer) -> String {
        let text = String(decoding: body.readableBytesView.prefix(4096), as: UTF8.self)
        let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let redacted = token.redact(collapsed)
        return redacted.count > 300 ? String(redacted.prefix(300)) + "…" : redacted
    }

    /// Sends `call` until it gets a 2xx answer, and returns that answer's body and how many times it was sent.
    ///
    /// 429 is retried after `Retry-After` (capped), up to ``CRMRetryPolicy/maxRateLimitRetries``
    /// times; 5xx and transport failures after a doubling backoff, up to
    /// ``CRMRetryPolicy/maxServerErrorRetries``; any other status fails at once.
    func send(_ call: Call) async throws(CRMError) -> (body: ByteBuffer, attempts: Int) {
        guard !token.value.isEmpty else {
            throw error(.invalidRequest, call, "the token is empty; the operator's \(source) API token must be set")
        }
        guard token.value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw error(
                .invalidRequest,
                call,
                "the token has a line break, a control character or a non-ASCII character, which cannot be sent in a header; "
                    + "check how the operator's \(source) token was set"
            )
        }
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw error(.invalidRequest, call, "the base URL \"\(baseURL)\" is not an http or https URL with a host")
        }
        var request = HTTPClientRequest(url: baseURL + call.path + Self.encodedQuery(call.query))
        request.method = call.method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        for (name, value) in call.headers { request.headers.add(name: name, value: value) }
        if let body = call.body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let retry = configuration.retry
        var rateLimited = 0, failures = 0, attempts = 0
        while true {
            do {
                try await limiter.acquire()
            } catch {
                throw self.error(.cancelled, call, "cancelled while waiting for the rate limit", attempts: attempts)
            }
            attempts += 1
            logger.debug(
                "crm request",
                metadata: ["nightshift.crm.source": "\(source)", "nightshift.crm.request": "\(display(call))", "nightshift.crm.attempt": "\(attempts)"]
            )
            let answer: Answer
            do {
                answer = try await execute(request)
            } catch let failure {
                if Task.isCancelled || failure is CancellationError {
                    throw error(.cancelled, call, "cancelled", attempts: attempts)
                }
                let problem: String
                switch failure {
                case is TimedOut:
                    problem = "no complete answer within \(configuration.requestTimeout)"
                case is NIOTooManyBytesError:
                    throw error(.transport, call, "the answer is larger than \(configuration.maxAnswerBytes) bytes", attempts: attempts)
                case let httpError as HTTPClientError where httpError == .deadlineExceeded:
                    problem = "no complete answer within \(configuration.requestTimeout)"
                case let httpError as HTTPClientError where httpError == .alreadyShutdown || httpError == .invalidURL:
                    // Retrying cannot help: the caller's HTTP client is gone, or the URL cannot be sent.
                    throw error(.transport, call, "the request could not be sent: \(httpError)", attempts: attempts)
                default:
                    problem = "the request failed: \(failure)"
                }
                failures += 1
                guard failures <= retry.maxServerErrorRetries else {
                    throw error(.transport, call, "\(problem) (\(attempts) attempts; gave up)", attempts: attempts)
                }
                try await wait(retry.backoffDelay(attempt: failures), call, attempts: attempts, why: problem)
                continue
            }
            let status = Int(answer.status.code)
            let phrase = "\(status) \(answer.status.reasonPhrase)"
            switch status {
            case 200..<300:
                return (answer.body, attempts)
            case 429:
                rateLimited += 1
                guard rateLimited <= retry.maxRateLimitRetries else {
                    let message = "rate limited (429) \(rateLimited) times in a row; gave up after \(attempts) attempts"
                    throw error(.tooManyRetries, call, message, status: status, body: answer.body, attempts: attempts)
                }
                let delay = retry.rateLimitDelay(retryAfter: answer.headers.first(name: "Retry-After"), attempt: rateLimited, now: Date())
                try await wait(delay, call, attempts: attempts, why: "rate limited (429)")
            case 500..<600:
                failures += 1
                guard failures <= retry.maxServerErrorRetries else {
                    let message = "the server failed (\(phrase)) \(failures) times; gave up after \(attempts) attempts"
                    throw error(.tooManyRetries, call, message, status: status, body: answer.body, attempts: attempts)
                }
                try await wait(retry.backoffDelay(attempt: failures), call, attempts: attempts, why: "the server failed (\(phrase))")
            case 401, 403:
                let message = "the \(source) API token was refused (\(phrase)); check the operator's token and its permissions"
                throw error(.httpStatus, call, message, status: status, body: answer.body, attempts: attempts)
            case 404:
                throw error(.httpStatus, call, "not found (\(phrase)); check the \(source) base URL", status: status, body: answer.body, attempts: attempts)
            default:
                throw error(.httpStatus, call, "the server answered \(phrase)", status: status, body: answer.body, attempts: attempts)
            }
        }
    }

    /// Waits `delay` with the injected sleep before a retry.
    private func wait(_ delay: Duration, _ call: Call, attempts: Int, why: String) async throws(CRMError) {
        logger.info(
            "crm request retried",
            metadata: [
                "nightshift.crm.source": "\(source)", "nightshift.crm.request": "\(display(call))",
                "nightshift.crm.reason": "\(why)", "nightshift.crm.delay": "\(delay)",
            ]
        )
        do {
            try await sleep(delay)
        } catch {
            throw self.error(.cancelled, call, "cancelled while waiting \(delay) to retry after: \(why)", attempts: attempts)
        }
    }

    /// The request timed out (``CRMClientConfiguration/requestTimeout``).
    private struct TimedOut: Error {}

    /// Sends `request` once and reads its answer, all within the request timeout (and a grace of a
    /// quarter second for the body: AsyncHTTPClient's own deadline ends when the head arrives).
    private func execute(_ request: HTTPClientRequest) async throws -> Answer {
        let timeout = configuration.requestTimeout
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = seconds > 1_000_000 ? Int64(1_000_000) * 1_000_000_000 : max(1, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let client = httpClient
        let maxBytes = configuration.maxAnswerBytes
        return try await withThrowingTaskGroup(of: Answer?.self) { group in
            group.addTask {
                // Not given the client's logger: at trace level AsyncHTTPClient logs headers, the token among them.
                let response = try await client.execute(request, timeout: .nanoseconds(nanoseconds))
                let body = try await response.body.collect(upTo: maxBytes)
                return Answer(status: response.status, headers: response.headers, body: body)
            }
            group.addTask {
                // A little after AsyncHTTPClient's own deadline, whose error says why the head did not
                // come (a refused connection, say); this one bounds the reading of the body.
                try await Task.sleep(for: .nanoseconds(nanoseconds) + .milliseconds(250))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let answer = first else { throw TimedOut() }
            return answer
        }
    }

    /// `?name=value&…`, percent-encoded (all but RFC 3986's unreserved characters), or "" for none.
    static func encodedQuery(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        allowed.insert(charactersIn: ",")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return "?" + query.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}

/// A JSON value as the CRM sent it, its type kept, so that every field is checked before it is used.
enum CRMJSON: Sendable, Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([CRMJSON])
    case object([String: CRMJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([CRMJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: CRMJSON].self))
        }
    }

    /// The value's type in words, with a short sample: `a number (42)`, `text ("abc")`.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .integer(let value): "a number (\(value))"
        case .number(let value): "a number (\(value))"
        case .string(let value): "text (\"\(value.count > 40 ? String(value.prefix(40)) + "…" : value)\")"
        case .array(let items): "a list of \(items.count)"
        case .object: "an object"
        }
    }

    /// A field of the wrong type or missing, at `path`.
    struct Problem: Error {
        var path: String
        var message: String
    }

    /// Reads `data` as JSON; a problem at the path `(answer)` when it is not.
    static func parse(_ data: ByteBuffer) throws(Problem) -> CRMJSON {
        do {
            return try JSONDecoder().decode(CRMJSON.self, from: Data(data.readableBytesView))
        } catch let DecodingError.dataCorrupted(context) {
            let reason = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
            throw Problem(path: "", message: "the answer is not valid JSON: \(reason)")
        } catch {
            throw Problem(path: "", message: "the answer is not valid JSON: \(error)")
        }
    }

    /// The object at `path`, or a problem saying what is there instead.
    func object(at path: String) throws(Problem) -> [String: CRMJSON] {
        guard case .object(let fields) = self else {
            throw Problem(path: path, message: "\(path.isEmpty ? "the answer" : path) is \(kind), not an object")
        }
        return fields
    }

    /// The list at `path`, or a problem saying what is there instead.
    func array(at path: String) throws(Problem) -> [CRMJSON] {
        guard case .array(let items) = self else { throw Problem(path: path, message: "\(path) is \(kind), not a list") }
        return items
    }
}

extension [String: CRMJSON] {
    /// `parent.key`, or `key` at the top.
    static func path(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    /// The object `key` of this object at `parent`: nil when missing or null (unless `required`).
    func object(_ key: String, in parent: String, required: Bool = false) throws(CRMJSON.Problem) -> [String: CRMJSON]? {
        let path = Self.path(parent, key)
        guard let value = self[key], !value.isNull else {
            if required { throw CRMJSON.Problem(path: path, message: "\(path) is missing") }
            return nil
        }
        return try value.object(at: path)
    }

    /// The list `key`, which must be there.
    func array(_ key: String, in parent: String) throws(CRMJSON.Problem) -> [CRMJSON] {
        let path = Self.path(parent, key)
        guard let value = self[key] else { throw CRMJSON.Problem(path: path, message: "\(path) is missing") }
        return try value.array(at: path)
    }

    /// The text `key`, trimmed; nil when missing, null or empty.
    func text(_ key: String, in parent: String) throws(CRMJSON.Problem) -> String? {
        let path = Self.path(parent, key)
        switch self[key] {
        case nil, .null?: return nil
        case .string(let value)?:
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        case let other?: throw CRMJSON.Problem(path: path, message: "\(path) is \(other.kind), not text")
        }
    }

    /// An id: text or a whole number, which must be there and not be empty.
    func identifier(_ key: String, in parent: String) throws(CRMJSON.Problem) -> String {
        let path = Self.path(parent, key)
        switch self[key] {
        case nil, .null?: throw CRMJSON.Problem(path: path, message: "\(path) is missing")
        case .integer(let value)?: return String(value)
        case .string(let value)?:
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw CRMJSON.Problem(path: path, message: "\(path) is empty") }
            return trimmed
        case let other?: throw CRMJSON.Problem(path: path, message: "\(path) is \(other.kind), not an id")
        }
    }

    /// A count: a whole number, as a number or as digits in text; nil when missing or null.
    func count(_ key: String, in parent: String) throws(CRMJSON.Problem) -> Int? {
        let path = Self.path(parent, key)
        switch self[key] {
        case nil, .null?: return nil
        case .integer(let value)? where value >= 0 && value <= Int64(Int32.max): return Int(value)
        case .string(let value)?:
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.count <= 9, let count = Int(trimmed), count >= 0 { return count }
            throw CRMJSON.Problem(path: path, message: "\(path) is \(CRMJSON.string(value).kind), not a count")
        case let other?: throw CRMJSON.Problem(path: path, message: "\(path) is \(other.kind), not a count")
        }
    }

    /// A date in text (``CRMTime/parse(_:)``); nil when missing, null or empty.
    func date(_ key: String, in parent: String) throws(CRMJSON.Problem) -> Date? {
        let path = Self.path(parent, key)
        guard let text = try text(key, in: parent) else { return nil }
        guard let date = CRMTime.parse(text) else {
            throw CRMJSON.Problem(path: path, message: "\(path) is \(CRMJSON.string(text).kind), not a date")
        }
        return date
    }
}

extension CRMJSON {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
