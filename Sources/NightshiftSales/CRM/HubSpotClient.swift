public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// Pulls contacts from HubSpot's CRM API v3, paging with the opaque `after` HubSpot gives.
///
/// A full pull lists `GET /crm/v3/objects/contacts`; an incremental one searches
/// `POST /crm/v3/objects/contacts/search` for `lastmodifieddate` at or after the bound (in
/// milliseconds), oldest change first. A pull ends when an answer has no `paging.next` (or no
/// results). The client does not own `httpClient`: the caller shuts it down.
///
/// ```swift
/// let crm = HubSpotClient(httpClient: .shared, baseURL: "https://api.hubapi.com", token: token)
/// let first = try await crm.page(after: nil, updatedAfter: lastPull)
/// ```
public struct HubSpotClient: CRMSource, CustomStringConvertible, CustomReflectable {
    /// `hubspot`.
    public var name: String { "hubspot" }
    /// The client's settings.
    public let configuration: CRMClientConfiguration
    private let transport: CRMTransport

    /// The most contacts HubSpot lists in one page.
    public static let maxPageSize = 100
    /// The most contacts HubSpot's search gives in one page.
    public static let maxSearchPageSize = 200
    /// The contact properties asked for.
    static let properties = ["email", "firstname", "lastname", "phone", "company", "jobtitle", "lastmodifieddate"]

    /// A client of HubSpot at `baseURL` (`https://api.hubapi.com`) sending `token` (a private app's
    /// access token) as `Authorization: Bearer`. Requests are spaced by `rateLimiter` (default: a
    /// limiter of its own at ``CRMClientConfiguration/requestsPerSecond``); retries wait with `sleep`.
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
            source: "hubspot",
            httpClient: httpClient,
            baseURL: baseURL,
            token: token,
            configuration: configuration,
            rateLimiter: rateLimiter,
            sleep: sleep,
            logger: logger
        )
    }

    /// `HubSpotClient(BASE_URL)`, without the token.
    public var description: String { "HubSpotClient(\(transport.baseURL))" }

    /// The base URL and the configuration only: no token, and not the HTTP client's internals.
    public var customMirror: Mirror { Mirror(self, children: ["baseURL": transport.baseURL, "configuration": configuration]) }

    /// One page of ``CRMClientConfiguration/pageSize`` contacts.
    public func page(after cursor: CRMCursor?, updatedAfter: Date?) async throws(CRMError) -> CRMPage {
        try await page(after: cursor, updatedAfter: updatedAfter, limit: configuration.pageSize)
    }

    /// The body of a search for contacts changed since a bound.
    private struct Search: Encodable {
        struct Filter: Encodable {
            var propertyName: String
            var `operator`: String
            var value: String
        }
        struct FilterGroup: Encodable { var filters: [Filter] }
        struct Sort: Encodable {
            var propertyName: String
            var direction: String
        }
        var filterGroups: [FilterGroup]
        var sorts: [Sort]
        var properties: [String]
        var limit: Int
        var after: String?
    }

    /// One page of at most `limit` contacts (1 to 100 listed, 1 to 200 searched).
    public func page(after cursor: CRMCursor?, updatedAfter: Date?, limit: Int) async throws(CRMError) -> CRMPage {
        let after = cursor?.after
        // With a cursor, its bound: every page of a pull asks for the same contacts.
        let bound = cursor == nil ? updatedAfter.map(CRMTime.milliseconds) : cursor?.updatedAfterMilliseconds
        let boundDate = bound.map { Date(timeIntervalSince1970: Double($0) / 1000) }
        var page = after.map { "the page after \"\($0)\"" } ?? "the first page"
        var call: CRMTransport.Call
        if let bound, let boundDate {
            let limit = min(max(limit, 1), Self.maxSearchPageSize)
            page += " of the contacts modified since \(CRMTime.utcSeconds(boundDate))Z"
            let search = Search(
                filterGroups: [.init(filters: [.init(propertyName: "lastmodifieddate", operator: "GTE", value: String(bound))])],
                sorts: [.init(propertyName: "lastmodifieddate", direction: "ASCENDING")],
                properties: Self.properties,
                limit: limit,
                after: after
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            call = CRMTransport.Call(
                method: .POST,
                path: "/crm/v3/objects/contacts/search",
                headers: [("Authorization", "Bearer " + transport.token.value)],
                body: (try? encoder.encode(search)).map(Array.init),
                page: page,
                cursor: cursor
            )
        } else {
            let limit = min(max(limit, 1), Self.maxPageSize)
            var query = [("limit", String(limit)), ("properties", Self.properties.joined(separator: ","))]
            if let after { query.append(("after", after)) }
            call = CRMTransport.Call(
                method: .GET,
                path: "/crm/v3/objects/contacts",
                query: query,
                headers: [("Authorization", "Bearer " + transport.token.value)],
                page: page,
                cursor: cursor
            )
        }
        if let cursor {
            guard cursor.source == name, cursor.offset == nil else {
                throw transport.error(.invalidRequest, call, "the cursor \(cursor.text) is not a HubSpot one")
            }
        }
        guard call.body != nil || call.method == .GET else {
            throw transport.error(.invalidRequest, call, "the search could not be written as JSON")
        }
        let (body, attempts) = try await transport.send(call)
        do throws(CRMJSON.Problem) {
            let root = try CRMJSON.parse(body).object(at: "")
            let items = try root.array("results", in: "")
            let total = try root.count("total", in: "")
            var contacts: [CRMContact] = []
            contacts.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                let path = "results[\(index)]"
                let fields = try item.object(at: path)
                let propertiesPath = path + ".properties"
                let properties = try fields.object("properties", in: path, required: true) ?? [:]
                var updatedAt = try properties.date("lastmodifieddate", in: propertiesPath)
                if updatedAt == nil { updatedAt = try fields.date("updatedAt", in: path) }
                contacts.append(
                    CRMContact(
                        externalID: "hubspot:" + (try fields.identifier("id", in: path)),
                        firstName: try properties.text("firstname", in: propertiesPath),
                        lastName: try properties.text("lastname", in: propertiesPath),
                        email: try properties.text("email", in: propertiesPath),
                        phone: try properties.text("phone", in: propertiesPath),
                        company: try properties.text("company", in: propertiesPath),
                        title: try properties.text("jobtitle", in: propertiesPath),
                        updatedAt: updatedAt
                    )
                )
            }
            var next: CRMCursor?
            if let nextPage = try root.object("paging", in: "")?.object("next", in: "paging") {
                let nextAfter = try nextPage.identifier("after", in: "paging.next")
                // An empty page, or one pointing at itself, would page forever.
                if !contacts.isEmpty, nextAfter != after {
                    next = CRMCursor(source: name, after: nextAfter, updatedAfterMilliseconds: bound)
                }
            }
            return CRMPage(contacts: contacts, next: next, total: total)
        } catch {
            throw transport.error(.badJSON, call, error.message, body: body, field: error.path.isEmpty ? nil : error.path, attempts: attempts)
        }
    }
}
