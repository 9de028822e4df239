public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// Pulls contacts from ActiveCampaign's API v3 (`GET /api/3/contacts`), paging by offset.
///
/// A full pull asks for every contact in the CRM's order; an incremental one adds
/// `filters[updated_after]` (UTC, to the second) and `orders[udate]=ASC`. A pull ends at a short or
/// empty page, or when the offset reaches `meta.total`. Ids and `meta.total` are read as text or as
/// numbers. The client does not own `httpClient`: the caller shuts it down.
///
/// ```swift
/// let crm = ActiveCampaignClient(httpClient: .shared, baseURL: "https://ACCOUNT.api-us1.com", token: token)
/// var cursor: CRMCursor? = nil
/// repeat {
///     let page = try await crm.page(after: cursor, updatedAfter: lastPull)
///     // store page.contacts, then page.next?.text
///     cursor = page.next
/// } while cursor != nil
/// ```
public struct ActiveCampaignClient: CRMSource, CustomStringConvertible, CustomReflectable {
    /// `activecampaign`.
    public var name: String { "activecampaign" }
    /// The client's settings.
    public let configuration: CRMClientConfiguration
    private let transport: CRMTransport

    /// The most contacts ActiveCampaign gives in one page.
    public static let maxPageSize = 100

    /// A client of the account at `baseURL` (`https://ACCOUNT.api-us1.com`) sending `token` as
    /// `Api-Token`. Requests are spaced by `rateLimiter` (default: a limiter of its own at
    /// ``CRMClientConfiguration/requestsPerSecond``); retries wait with `sleep`.
    public init(
        httpClient: HTTPClient,
        baseURL: String,
        token: String,
        configuration: CRMClientConfiguration = .init(),
        rateLimiter: CRMRateLimiter? = nil,
        logger: Logger = Logger(label: "nightshift.crm", factory: { _ in SwiftLogNoOpLogHandler() }),
        sleep: @escaping @Sendable (Duration) async throws -> Void = CRMClientConfiguration.taskSleep
    ) {
        self.configuration = configuration
        transport = CRMTransport(
            source: "activecampaign",
            httpClient: httpClient,
            baseURL: baseURL,
            token: token,
            configuration: configuration,
            rateLimiter: rateLimiter,
            sleep: sleep,
            logger: logger
        )
    }

    /// `ActiveCampaignClient(BASE_URL)`, without the token.
    public var description: String { "ActiveCampaignClient(\(transport.baseURL))" }

    /// The base URL and the configuration only: no token, and not the HTTP client's internals.
    public var customMirror: Mirror { Mirror(self, children: ["baseURL": transport.baseURL, "configuration": configuration]) }

    /// One page of ``CRMClientConfiguration/pageSize`` contacts.
    public func page(after cursor: CRMCursor?, updatedAfter: Date?) async throws(CRMError) -> CRMPage {
        try await page(after: cursor, updatedAfter: updatedAfter, limit: configuration.pageSize)
    }

    /// One page of at most `limit` contacts (1 to 100).
    public func page(after cursor: CRMCursor?, updatedAfter: Date?, limit: Int) async throws(CRMError) -> CRMPage {
        let limit = min(max(limit, 1), Self.maxPageSize)
        let offset = cursor?.offset ?? 0
        // With a cursor, its bound: every page of a pull asks for the same contacts.
        let bound = cursor == nil ? updatedAfter.map(CRMTime.milliseconds) : cursor?.updatedAfterMilliseconds
        let boundDate = bound.map { Date(timeIntervalSince1970: Double($0) / 1000) }
        var query = [("limit", String(limit)), ("offset", String(offset))]
        if let boundDate {
            query.append(("filters[updated_after]", CRMTime.utcSeconds(boundDate)))
            query.append(("orders[udate]", "ASC"))
        }
        var page = offset == 0 ? "the first page" : "the page at offset \(offset)"
        if let boundDate { page += " of the contacts updated after \(CRMTime.utcSeconds(boundDate))Z" }
        let call = CRMTransport.Call(
            method: .GET,
            path: "/api/3/contacts",
            query: query,
            headers: [("Api-Token", transport.token.value)],
            page: page,
            cursor: cursor
        )
        if let cursor {
            guard cursor.source == name, cursor.after == nil else {
                throw transport.error(.invalidRequest, call, "the cursor \(cursor.text) is not an ActiveCampaign one")
            }
        }
        guard offset <= 1_000_000_000 else {
            throw transport.error(.invalidRequest, call, "the cursor's offset \(offset) is out of range")
        }
        let (body, attempts) = try await transport.send(call)
        do throws(CRMJSON.Problem) {
            let root = try CRMJSON.parse(body).object(at: "")
            let items = try root.array("contacts", in: "")
            let total = try root.object("meta", in: "")?.count("total", in: "meta")
            var contacts: [CRMContact] = []
            contacts.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                let path = "contacts[\(index)]"
                let fields = try item.object(at: path)
                contacts.append(
                    CRMContact(
                        externalID: "activecampaign:" + (try fields.identifier("id", in: path)),
                        firstName: try fields.text("firstName", in: path),
                        lastName: try fields.text("lastName", in: path),
                        email: try fields.text("email", in: path),
                        phone: try fields.text("phone", in: path),
                        company: try fields.text("orgname", in: path),
                        title: try fields.text("title", in: path),
                        updatedAt: try fields.date("udate", in: path)
                    )
                )
            }
            let nextOffset = offset + contacts.count
            let complete = contacts.isEmpty || contacts.count < limit || total.map { nextOffset >= $0 } ?? false
            let next = complete ? nil : CRMCursor(source: name, offset: nextOffset, updatedAfterMilliseconds: bound)
            return CRMPage(contacts: contacts, next: next, total: total)
        } catch {
            throw transport.error(.badJSON, call, error.message, body: body, field: error.path.isEmpty ? nil : error.path, attempts: attempts)
        }
    }
}
