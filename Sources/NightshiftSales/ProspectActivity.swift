public import Foundation
public import NightshiftCore

/// One thing that happened to a prospect (`sales_activities`): a change of state, a merge, a
/// note, a nugget of intel, a draft, a meeting — what, when and by whom.
///
/// Rows are only ever added. An id may be chosen so that doing the same work twice (a step cut
/// off by a crash and run again) adds the row once: a second row with a stored id is left out.
public struct ProspectActivity: Sendable, Hashable {
    /// What kind of thing happened.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Stored for the first time, by an import or a pull.
        public static let imported = Kind(rawValue: "imported")
        /// Its fields changed by a pull, the research agent or the operator.
        public static let updated = Kind(rawValue: "updated")
        /// Its state changed (`data`: from, to, reason).
        public static let state = Kind(rawValue: "state")
        /// Other records were merged into it (`data`: the merge's id and the merged ids).
        public static let merged = Kind(rawValue: "merged")
        /// A merge into it was undone.
        public static let unmerged = Kind(rawValue: "unmerged")
        /// The groundskeeper set or cleared flags (`data`: set, cleared).
        public static let flagged = Kind(rawValue: "flagged")
        /// A note the operator (or an agent) wrote.
        public static let note = Kind(rawValue: "note")
        /// A nugget the intel step found in a note (`data`: note, kind, text).
        public static let intel = Kind(rawValue: "intel")
        /// The research agent worked on it.
        public static let researched = Kind(rawValue: "researched")
        /// A nurture draft for it went to the outbox.
        public static let drafted = Kind(rawValue: "drafted")
        /// A meeting with it is on a calendar.
        public static let meeting = Kind(rawValue: "meeting")
        /// A reply, bounce or complaint from it came (`data`: the mail item, its class, its Message-ID).
        public static let replied = Kind(rawValue: "replied")
        /// Mail went to it (sent by the send job, or found in the Sent folder).
        public static let emailed = Kind(rawValue: "emailed")
    }

    public var id: String
    public var tenant: String
    public var prospectID: String
    public var at: Date
    public var kind: Kind
    /// Who did it: `operator`, `nightshift`, `pack:sales`, an agent's name.
    public var actor: String
    /// One line saying what happened.
    public var summary: String
    /// What the kind carries, as JSON.
    public var data: JSONValue

    public init(
        id: String, tenant: String, prospectID: String, at: Date, kind: Kind, actor: String, summary: String, data: JSONValue = .null
    ) {
        self.id = id
        self.tenant = tenant
        self.prospectID = prospectID
        self.at = at
        self.kind = kind
        self.actor = actor
        self.summary = summary
        self.data = data
    }

    /// A fresh id, sortable by time (`now`, the clock's): `a_` and a run-id-like suffix.
    public static func makeID(at now: Date) -> String { "a_" + RunID.make(now: now).dropFirst(2) }

    /// An id that is the same each time the same work is done (`kind`, `parts`): a step run
    /// again after a crash adds its rows once.
    public static func stableID(_ kind: Kind, _ parts: String...) -> String {
        "a_\(kind.rawValue)_" + SHA256Hex.of(parts.joined(separator: "\u{1F}")).prefix(20)
    }

    /// The pack's actor, for what its steps do.
    public static let packActor = "pack:sales"

    /// The activity as `--json` prints it; times in `zone`.
    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "id": .string(id), "prospect": .string(prospectID), "at": .string(ISO8601.format(at, in: zone)), "kind": .string(kind.rawValue),
            "actor": .string(actor), "summary": .string(summary), "data": data,
        ])
    }
}
