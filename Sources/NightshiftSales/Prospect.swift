public import Foundation
public import NightshiftCore

/// Where a prospect stands.
public enum ProspectState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ready to be worked.
    case unengaged
    /// Its record lacks what working it needs (a valid email, a name): for research.
    case broken
    /// In a conversation.
    case engaged
    /// Put aside until its bucket month.
    case parked
    case customer
    /// Never contacted again; the policy forbids sending to it.
    case doNotContact = "do_not_contact"
}

/// One person the operator may sell to, as the sales pack keeps them (`sales_prospects`).
public struct Prospect: Sendable, Hashable {
    public var id: String
    /// The tenant it belongs to; `""` for a workspace without tenants. No query crosses tenants.
    public var tenant: String
    public var name: String?
    public var firstName: String?
    public var lastName: String?
    /// Its addresses, the main one first.
    public var emails: [String]
    public var company: String?
    public var domain: String?
    public var title: String?
    public var phone: String?
    public var source: String?
    /// Its ids in the systems it came from (`activecampaign:123`, a CSV's id column).
    public var externalIDs: [String]
    public var state: ProspectState
    /// Why it is in its state (a broken record's missing field, a parking's reason).
    public var stateReason: String?
    /// The month a parked prospect comes back, `YYYY-MM`.
    public var bucketMonth: String?
    public var score: Double
    /// What the score is made of (`rescore`, `[sales.scoring]`), largest part first.
    public var scoreParts: [ScorePart]
    /// What the groundskeeper found (`stale`, `refresh`, `bounced`, `changed`), sorted.
    public var flags: Set<ProspectFlag>
    public var custom: [String: String]
    /// The last time it was in touch with the operator (a mail, a meeting, a call noted).
    public var lastTouchAt: Date?
    /// The last time its data came from a file or the CRM.
    public var sourcedAt: Date?
    /// The last time a pull changed its title or company.
    public var changedAt: Date?
    /// When a mail to its main address last bounced.
    public var bouncedAt: Date?
    /// When the assess step last looked at it; nil for a record it has not seen.
    public var assessedAt: Date?
    /// When the research agent last worked on it.
    public var researchedAt: Date?
    /// When a reply from it last came (the reply monitor): its nurture sequence stops.
    public var repliedAt: Date?
    /// Until when its nurture sequence waits (an out-of-office reply's return date).
    public var pausedUntil: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, tenant: String = "", name: String? = nil, firstName: String? = nil, lastName: String? = nil, emails: [String] = [],
        company: String? = nil, domain: String? = nil, title: String? = nil, phone: String? = nil, source: String? = nil,
        externalIDs: [String] = [], state: ProspectState = .unengaged, stateReason: String? = nil, bucketMonth: String? = nil,
        score: Double = 0, scoreParts: [ScorePart] = [], flags: Set<ProspectFlag> = [], custom: [String: String] = [:],
        lastTouchAt: Date? = nil, sourcedAt: Date? = nil, changedAt: Date? = nil, bouncedAt: Date? = nil, assessedAt: Date? = nil,
        researchedAt: Date? = nil, repliedAt: Date? = nil, pausedUntil: Date? = nil, createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.firstName = firstName
        self.lastName = lastName
        self.emails = emails
        self.company = company
        self.domain = domain
        self.title = title
        self.phone = phone
        self.source = source
        self.externalIDs = externalIDs
        self.state = state
        self.stateReason = stateReason
        self.bucketMonth = bucketMonth
        self.score = score
        self.scoreParts = scoreParts
        self.flags = flags
        self.custom = custom
        self.lastTouchAt = lastTouchAt
        self.sourcedAt = sourcedAt
        self.changedAt = changedAt
        self.bouncedAt = bouncedAt
        self.assessedAt = assessedAt
        self.researchedAt = researchedAt
        self.repliedAt = repliedAt
        self.pausedUntil = pausedUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// The main address's identity key (``EmailAddress/identityKey(_:)``): how prospects are found
    /// by address. Nil without one.
    public var emailKey: String? { emails.first.map(EmailAddress.identityKey) }

    /// Fills what it lacks from `other`: each empty field, the addresses (one per mailbox) and
    /// source ids it does not have, the custom fields it has not set. Returns whether anything changed.
    @discardableResult
    public mutating func fillEmpty(from other: Prospect) -> Bool {
        let before = self
        let keys = Set(emails.map(EmailAddress.identityKey))
        var seen = keys
        emails += other.emails.filter { seen.insert(EmailAddress.identityKey($0)).inserted }
        externalIDs += other.externalIDs.filter { !externalIDs.contains($0) }
        name = name ?? other.name
        firstName = firstName ?? other.firstName
        lastName = lastName ?? other.lastName
        company = company ?? other.company
        domain = domain ?? other.domain
        title = title ?? other.title
        phone = phone ?? other.phone
        source = source ?? other.source
        custom.merge(other.custom) { mine, _ in mine }
        return self != before
    }

    /// The name to show: its name, or its first address, or its id.
    public var label: String { name ?? emails.first ?? id }

    /// Moves it to `state` for `reason` at `now`, and returns the activity row that says so (nil
    /// when it is in that state already and the reason is the same).
    public mutating func move(
        to state: ProspectState, reason: String?, by actor: String, at now: Date, activityID: String? = nil
    ) -> ProspectActivity? {
        guard state != self.state || reason != stateReason else { return nil }
        let from = self.state
        self.state = state
        stateReason = reason
        if state != .parked { bucketMonth = nil }
        updatedAt = now
        let what = from == state ? "still \(state.rawValue)" : "\(from.rawValue) → \(state.rawValue)"
        return ProspectActivity(
            id: activityID ?? ProspectActivity.makeID(at: now), tenant: tenant, prospectID: id, at: now, kind: .state, actor: actor,
            summary: reason.map { "\(what): \($0)" } ?? what,
            data: .object(["from": .string(from.rawValue), "to": .string(state.rawValue), "reason": reason.map { .string($0) } ?? .null])
        )
    }
}

/// A flag the groundskeeper step sets on a prospect (and clears when it no longer holds).
public enum ProspectFlag: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// No touch for `stale_after`.
    case stale
    /// Its data came from its source longer ago than `refresh_after`.
    case refresh
    /// A mail to its main address bounced.
    case bounced
    /// A pull changed its title or company lately (`changed_within`).
    case changed

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One part of a score: what earned (or cost) the points.
public struct ScorePart: Sendable, Hashable {
    public var label: String
    public var points: Double

    public init(_ label: String, _ points: Double) {
        self.label = label
        self.points = points
    }
}

extension Prospect {
    /// Every field but the tenant as JSON members, dates as `time` writes them: the stored record
    /// and the `prospects … --json` view are both made of it.
    public func members(time: (Date) -> JSONValue) -> [String: JSONValue] {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        func optional(_ value: Date?) -> JSONValue { value.map(time) ?? .null }
        return [
            "id": .string(id), "name": text(name), "first_name": text(firstName), "last_name": text(lastName),
            "emails": .array(emails.map { .string($0) }), "company": text(company), "domain": text(domain), "title": text(title),
            "phone": text(phone), "source": text(source), "external_ids": .array(externalIDs.map { .string($0) }),
            "state": .string(state.rawValue), "state_reason": text(stateReason), "bucket_month": text(bucketMonth),
            "score": .number(score),
            "score_parts": .array(scoreParts.map { .object(["label": .string($0.label), "points": .number($0.points)]) }),
            "flags": .array(flags.sorted().map { .string($0.rawValue) }), "custom": .object(custom.mapValues { .string($0) }),
            "last_touch_at": optional(lastTouchAt), "sourced_at": optional(sourcedAt), "changed_at": optional(changedAt),
            "bounced_at": optional(bouncedAt), "assessed_at": optional(assessedAt), "researched_at": optional(researchedAt),
            "replied_at": optional(repliedAt), "paused_until": optional(pausedUntil),
            "created_at": time(createdAt), "updated_at": time(updatedAt),
        ]
    }

    /// The prospect as `prospects … --json` prints it; times in `zone`.
    public func json(zone: TimeZone) -> JSONValue {
        .object(members { .string(ISO8601.format($0, in: zone)) })
    }

    /// The record as stored (`record`): canonical JSON, dates as ``StoredTime`` milliseconds —
    /// the same text as ``members(time:)`` made canonical, written directly (a million records a
    /// night are written; `storedMatchesCanonical` in the tests holds the two together).
    var stored: String {
        var json = CanonicalJSONWriter(capacity: 640)
        func time(_ key: String, _ date: Date?) {
            json.key(key)
            json.integer(date.map { StoredTime.millis($0) })
        }
        func text(_ key: String, _ value: String?) {
            json.key(key)
            json.string(value)
        }
        json.beginObject()
        time("assessed_at", assessedAt)
        time("bounced_at", bouncedAt)
        text("bucket_month", bucketMonth)
        time("changed_at", changedAt)
        text("company", company)
        time("created_at", createdAt)
        json.key("custom")
        json.stringObject(custom)
        text("domain", domain)
        json.key("emails")
        json.strings(emails)
        json.key("external_ids")
        json.strings(externalIDs)
        text("first_name", firstName)
        json.key("flags")
        json.strings(flags.sorted().map(\.rawValue))
        text("id", id)
        text("last_name", lastName)
        time("last_touch_at", lastTouchAt)
        text("name", name)
        time("paused_until", pausedUntil)
        text("phone", phone)
        time("replied_at", repliedAt)
        time("researched_at", researchedAt)
        json.key("score")
        json.number(score)
        json.key("score_parts")
        json.beginArray()
        for part in scoreParts {
            json.beginObject()
            text("label", part.label)
            json.key("points")
            json.number(part.points)
            json.endObject()
        }
        json.endArray()
        text("source", source)
        time("sourced_at", sourcedAt)
        text("state", state.rawValue)
        text("state_reason", stateReason)
        text("tenant", tenant)
        text("title", title)
        time("updated_at", updatedAt)
        json.endObject()
        return json.text
    }

    /// The record made canonical from ``members(time:)``: what ``stored`` must equal.
    var storedCanonically: String {
        var record = members { .integer(StoredTime.millis($0)) }
        record["tenant"] = .string(tenant)
        return JSONValue.object(record).canonical
    }

    /// A stored record read back; throws naming what is wrong in it. Read by
    /// ``StoredProspectReader`` (a night reads a million of them; the strict reader, built for what
    /// operators and remote servers send, and Foundation's decoder are several times slower).
    init(stored text: String) throws(StoredProspectError) {
        let record: StoredProspectReader.Record
        do { record = try StoredProspectReader.read(text) } catch {
            throw StoredProspectError(message: "a prospect's record cannot be read: \(error)")
        }
        guard let id = record.id, let tenant = record.tenant, let stateName = record.state, let created = record.createdAt,
              let updated = record.updatedAt else {
            let missing = [("id", record.id == nil), ("tenant", record.tenant == nil), ("state", record.state == nil),
                           ("created_at", record.createdAt == nil), ("updated_at", record.updatedAt == nil)].filter(\.1).map(\.0)
            throw StoredProspectError(message: "a prospect's record lacks \(missing.joined(separator: ", "))")
        }
        guard let state = ProspectState(rawValue: stateName) else {
            throw StoredProspectError(message: "a prospect's record has an unknown state \"\(stateName)\"")
        }
        func date(_ millis: Int64?) -> Date? { millis.map { StoredTime.date($0) } }
        self.init(
            id: id, tenant: tenant, name: record.name, firstName: record.firstName, lastName: record.lastName,
            emails: record.emails, company: record.company, domain: record.domain, title: record.title, phone: record.phone,
            source: record.source, externalIDs: record.externalIDs, state: state, stateReason: record.stateReason,
            bucketMonth: record.bucketMonth, score: record.score ?? 0, scoreParts: record.scoreParts,
            flags: Set(record.flags.compactMap(ProspectFlag.init(rawValue:))), custom: record.custom,
            lastTouchAt: date(record.lastTouchAt), sourcedAt: date(record.sourcedAt), changedAt: date(record.changedAt),
            bouncedAt: date(record.bouncedAt), assessedAt: date(record.assessedAt), researchedAt: date(record.researchedAt),
            repliedAt: date(record.repliedAt), pausedUntil: date(record.pausedUntil), createdAt: StoredTime.date(created), updatedAt: StoredTime.date(updated)
        )
    }
}

/// A stored prospect that cannot be read.
public struct StoredProspectError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
