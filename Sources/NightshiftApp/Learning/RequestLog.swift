public import Foundation
public import NightshiftCore

/// The requests the operator logged for the pattern learner (`patterns log`).
public struct RequestLog: Sendable {
    let app: NightshiftApplication

    public init(_ app: NightshiftApplication) { self.app = app }

    /// The newest `limit` requests logged under `name` (all names when nil), for the pattern learner.
    public func requests(named name: String?, limit: Int) async throws -> [ObservedEvent] {
        guard limit > 0 else { throw AppError.usage("--limit must be 1 or more, found \(limit)") }
        return try await app.store.events(EventQuery(kinds: [.request], name: name, limit: limit))
    }
}
