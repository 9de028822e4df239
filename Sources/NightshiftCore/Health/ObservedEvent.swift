public import Foundation

/// Something the learners count: a request the operator made (pattern learner), how long an
/// operation took, or how it failed (self-improver).
public struct ObservedEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `patterns log NAME`, or a manual `jobs run`, `queue add`, `brief`.
        case request
        /// `improve log-time OP MS`: `value` is milliseconds.
        case timing
        /// `improve log-failure OP ERROR`: `data` is `{"error": …}`.
        case failure
        /// `improve log-correction TOPIC TEXT`: the operator corrected Nightshift or an agent
        /// about `name`; `data` is `{"text": …}`.
        case correction
    }

    public var kind: Kind
    /// The request's or the operation's name.
    public var name: String
    public var at: Date
    public var value: Double?
    /// `--meta` of a request, the error of a failure.
    public var data: JSONValue?
    public var runID: String?

    public init(kind: Kind, name: String, at: Date, value: Double? = nil, data: JSONValue? = nil, runID: String? = nil) {
        self.kind = kind
        self.name = name
        self.at = at
        self.value = value
        self.data = data
        self.runID = runID
    }
}

/// Which events to read, oldest first.
public struct EventQuery: Sendable, Hashable {
    /// Only these kinds; empty: every kind.
    public var kinds: Set<ObservedEvent.Kind>
    public var name: String?
    public var since: Date?
    public var until: Date?
    /// At most this many, the newest kept when there are more.
    public var limit: Int

    public init(kinds: Set<ObservedEvent.Kind> = [], name: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int = 10_000) {
        self.kinds = kinds
        self.name = name
        self.since = since
        self.until = until
        self.limit = limit
    }

    public func matches(_ event: ObservedEvent) -> Bool {
        (kinds.isEmpty || kinds.contains(event.kind)) && name.map { $0 == event.name } ?? true
            && since.map { event.at >= $0 } ?? true && until.map { event.at < $0 } ?? true
    }
}
