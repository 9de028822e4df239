public import Foundation
public import NightshiftCore

/// A mail template with `{{field}}` merge fields (`{{first_name}}`, `{{company}}`,
/// `{{custom.industry}}`), each optionally with a fallback: `{{first_name|there}}`. A field the
/// template names must be one a prospect has (checked when the configuration loads); a prospect
/// without a value for a field that has no fallback gets no mail at all, never a blank in one.
public struct MailTemplate: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case text(String)
        case field(name: String, fallback: String?)
    }

    let parts: [Part]
    public let source: String

    /// The fields a template may name besides `custom.KEY`.
    public static let fields = ["first_name", "last_name", "name", "company", "title", "domain", "email", "phone"]

    /// Parses `text`; throws naming the first problem (an unclosed `{{`, an unknown field).
    public init(_ text: String) throws(TemplateError) {
        source = text
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            parts.append(.text(String(rest[..<open.lowerBound])))
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw TemplateError("a \"{{\" is never closed with \"}}\"")
            }
            let inside = rest[open.upperBound..<close.lowerBound]
            let pieces = inside.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            let name = pieces[0].trimmingCharacters(in: .whitespaces)
            guard Self.fields.contains(name) || (name.hasPrefix("custom.") && ProspectField(name) != nil) else {
                throw TemplateError("{{\(name)}} is not a merge field; the fields are \(Self.fields.joined(separator: ", ")) and custom.KEY")
            }
            parts.append(.field(name: name, fallback: pieces.count > 1 ? String(pieces[1]) : nil))
            rest = rest[close.upperBound...]
        }
        parts.append(.text(String(rest)))
        self.parts = parts.filter { if case .text(let text) = $0 { return !text.isEmpty } else { return true } }
    }

    /// The value of field `name` for `prospect`, nil when it has none.
    static func value(_ name: String, of prospect: Prospect) -> String? {
        let value: String? = switch name {
        case "first_name": prospect.firstName
        case "last_name": prospect.lastName
        case "name": prospect.name
        case "company": prospect.company
        case "title": prospect.title
        case "domain": prospect.domain
        case "email": prospect.emails.first
        case "phone": prospect.phone
        default: name.hasPrefix("custom.") ? prospect.custom[String(name.dropFirst(7))] : nil
        }
        return value.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    /// The text for `prospect`; throws naming the field it lacks (without a fallback).
    public func render(for prospect: Prospect) throws(TemplateError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .field(let name, let fallback):
                guard let value = Self.value(name, of: prospect) ?? fallback else { throw TemplateError("\(prospect.id) has no \(name)") }
                out += value
            }
        }
        return out
    }
}

/// Why a template cannot be read or filled.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// `[sales.nurture.NAME]`: a sequence of mails for the prospects it is for.
///
/// ```toml
/// [sales.nurture.welcome]
/// states = ["unengaged"]       # who it is for (default: unengaged)
/// min_score = 20               # and scoring at least this (default: any)
/// daily_cap = 20               # drafts a day for this sequence
/// domain_cap = 2               # drafts a day to one recipient domain, all sequences together
///
/// [[sales.nurture.welcome.steps]]
/// delay = "0d"                 # after the sequence's previous draft (the first: at once)
/// subject = "{{company}} and the night shift"
/// body = """
/// Hi {{first_name|there}}, …
/// """
/// ```
public struct NurtureSequence: Sendable, Hashable {
    public struct Step: Sendable, Hashable {
        public var delay: Duration
        public var subject: MailTemplate
        public var body: MailTemplate
    }

    public var name: String
    public var states: Set<ProspectState> = [.unengaged]
    public var minimumScore: Double?
    public var dailyCap = 20
    public var domainCap = 2
    public var steps: [Step] = []

    init?(name: String, reading table: TableReader) {
        self.name = name
        var ok = true
        if let (names, location) = table.stringArray("states") {
            var states: Set<ProspectState> = []
            for text in names {
                guard let state = ProspectState(rawValue: text), state != .doNotContact else {
                    table.error("\(table.name("states")): \"\(text)\" is not a state a sequence may be for (do_not_contact never is)", at: location)
                    ok = false
                    continue
                }
                states.insert(state)
            }
            self.states = states
        }
        if table.has("min_score") { minimumScore = table.number("min_score", in: -100_000...100_000, expected: "a score") }
        if let cap = table.int("daily_cap", in: 0...100_000) { dailyCap = cap }
        if let cap = table.int("domain_cap", in: 0...100_000) { domainCap = cap }
        if let items = table.tableArray("steps") {
            for step in items {
                if let parsed = Self.step(step) { steps.append(parsed) } else { ok = false }
            }
        }
        if steps.isEmpty, ok {
            table.error("sales.nurture.\(name) has no steps: add [[sales.nurture.\(name).steps]] with delay, subject and body", at: table.location)
            ok = false
        }
        table.finish(known: Self.keys)
        guard ok else { return nil }
    }

    static let keys = ["states", "min_score", "daily_cap", "domain_cap", "steps"]

    static func step(_ table: TableReader) -> Step? {
        defer { table.finish(known: ["delay", "subject", "body"]) }
        let delay = table.has("delay") ? table.duration("delay") : .zero
        func template(_ key: String) -> MailTemplate? {
            guard let (text, location) = table.string(key) else {
                table.error("\(table.name(key)) is missing", at: table.location)
                return nil
            }
            do { return try MailTemplate(text) } catch {
                table.error("\(table.name(key)): \(error.description)", at: location)
                return nil
            }
        }
        let subject = template("subject"), body = template("body")
        guard let delay, let subject, let body else { return nil }
        return Step(delay: delay, subject: subject, body: body)
    }

    /// Whether the sequence is for `prospect` (never for one not to be contacted, nor one that
    /// replied: a reply stops its sequence).
    func isFor(_ prospect: Prospect) -> Bool {
        prospect.state != .doNotContact && states.contains(prospect.state) && (minimumScore.map { prospect.score >= $0 } ?? true)
            && prospect.emails.first != nil && !prospect.flags.contains(.bounced) && prospect.repliedAt == nil
    }
}

extension SalesWork {
    /// What the nurture step found due: the drafts to propose, and why others were left.
    public struct NurturePlan: Sendable {
        public var drafts: [(item: OutboxItem, prospect: Prospect)] = []
        /// Prospects left out, with why (a field the template needs, a cap reached).
        public var skipped: [(id: String, reason: String)] = []
    }

    /// The drafts due at `now`: for each prospect (highest score first) the first sequence it is in
    /// or may start (by name), its next step once that step's delay has passed since the previous
    /// draft; never for a prospect not to be contacted; within each sequence's `daily_cap` and each
    /// recipient domain's `domain_cap` (today, in the workspace's zone, drafts made earlier counted).
    public func nurturePlan(at now: Date) async throws -> NurturePlan {
        var plan = NurturePlan()
        let sequences = settings.nurture.sorted { $0.name < $1.name }
        guard !sequences.isEmpty else { return plan }
        let states = sequences.reduce(into: Set<ProspectState>()) { $0.formUnion($1.states) }.subtracting([.doNotContact])
        let prospects = try await all(states).sorted { ($0.score, $1.id) > ($1.score, $0.id) }
        let items = try await store.outboxItems(tenant: tenant, states: [], prospect: nil, since: nil, limit: Int.max)
        let byProspect = Dictionary(grouping: items, by: \.prospectID)
        let today = CalendarDay(now, in: timeZone).start(in: timeZone) ?? now
        var perSequence = Dictionary(grouping: items.filter { $0.createdAt >= today }, by: \.sequence).mapValues(\.count)
        var perDomain = Dictionary(grouping: items.filter { $0.createdAt >= today }, by: \.recipientDomain).mapValues(\.count)
        // An out-of-office reply pauses the sequence until its return date.
        for prospect in prospects where prospect.state != .doNotContact && (prospect.pausedUntil.map { $0 <= now } ?? true) {
            let mine = byProspect[prospect.id] ?? []
            // The sequence it is in (begun, not finished), else the first it may start.
            let begun = sequences.first { sequence in
                let count = mine.filter { $0.sequence == sequence.name }.count
                return count > 0 && count < sequence.steps.count
            }
            let fresh = sequences.first { sequence in sequence.isFor(prospect) && !mine.contains { $0.sequence == sequence.name } }
            guard let sequence = begun ?? fresh, sequence.isFor(prospect), let recipient = prospect.emails.first
            else { continue }
            let done = mine.filter { $0.sequence == sequence.name }.sorted { $0.step < $1.step }
            let index = done.count
            let step = sequence.steps[index]
            if let last = done.last, now.timeIntervalSince(last.createdAt) < Double(step.delay.components.seconds) { continue }
            let domain = recipient.split(separator: "@").last.map { $0.lowercased() } ?? ""
            guard perSequence[sequence.name, default: 0] < sequence.dailyCap else {
                plan.skipped.append((prospect.id, "\(sequence.name): daily_cap \(sequence.dailyCap) reached"))
                continue
            }
            guard perDomain[domain, default: 0] < sequence.domainCap else {
                plan.skipped.append((prospect.id, "\(sequence.name): domain_cap \(sequence.domainCap) for \(domain) reached"))
                continue
            }
            let subject: String, body: String
            do {
                subject = try step.subject.render(for: prospect)
                body = try step.body.render(for: prospect)
            } catch {
                plan.skipped.append((prospect.id, "\(sequence.name) step \(index + 1): \(error.description)"))
                continue
            }
            let item = OutboxItem(
                id: OutboxItem.id(prospect: prospect.id, sequence: sequence.name, step: index, tenant: tenant), tenant: tenant,
                prospectID: prospect.id, sequence: sequence.name, step: index, recipient: recipient, subject: subject, body: body, createdAt: now
            )
            plan.drafts.append((item, prospect))
            perSequence[sequence.name, default: 0] += 1
            perDomain[domain, default: 0] += 1
        }
        return plan
    }
}
