public import Foundation
public import NightshiftCore

/// `[sales.research]`: the research agent the `research` step gives broken records to.
///
/// ```toml
/// [sales.research]
/// command = ["./agents/research.sh", "{record}"]   # {record}: a JSON file with the prospect
/// budget = 20            # research calls per night
/// timeout = "2m"
/// environment = ["SEARCH_API_KEY"]                # passed through; no other secret reaches it
/// ```
/// The agent answers with one `NIGHTSHIFT_OUTPUT {…}` line: a patch of the fields it found
/// (`name`, `first_name`, `last_name`, `email`, `company`, `domain`, `title`, `phone`, `custom`,
/// `note`), validated before anything is written.
public struct ResearchSettings: Sendable, Hashable {
    public var command: [String]
    public var budget = 20
    public var timeout: Duration = .seconds(120)
    public var environment: [String] = []

    public init(command: [String]) {
        self.command = command
    }

    init?(reading table: TableReader) {
        guard let (command, location) = table.stringArray("command"), !command.isEmpty, !command[0].isEmpty else {
            table.error("\(table.name("command")) must name the research agent's program, e.g. [\"./agents/research.sh\", \"{record}\"]", at: table.location)
            table.finish(known: ["command", "budget", "timeout", "environment"])
            return nil
        }
        _ = location
        self.command = command
        if let budget = table.int("budget", in: 0...10_000) { self.budget = budget }
        if let timeout = table.duration("timeout") { self.timeout = timeout }
        var ok = true
        if let (names, location) = table.stringArray("environment") {
            for name in names where !Self.isVariableName(name) {
                table.error("\(table.name("environment")): \"\(name)\" is not a variable name", at: location)
                ok = false
            }
            environment = names
        }
        table.finish(known: ["command", "budget", "timeout", "environment"])
        guard ok else { return nil }
    }
}

extension ResearchSettings {
    /// `NAME`: letters, digits and `_`, not starting with a digit.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}

/// A research agent's answer, validated: the fields it found for one prospect.
public struct ResearchPatch: Sendable, Hashable {
    public var fields: [String: String] = [:]
    public var emails: [String] = []
    public var custom: [String: String] = [:]
    public var note: String?

    static let textFields = ["name", "first_name", "last_name", "company", "domain", "title", "phone"]

    /// Reads `value` (the agent's `NIGHTSHIFT_OUTPUT` object); throws naming the first wrong member.
    public init(_ value: JSONValue) throws(ResearchError) {
        guard case .object(let members) = value else { throw ResearchError("the answer must be a JSON object of fields") }
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            switch key {
            case _ where Self.textFields.contains(key):
                guard let text = member.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty, text.count <= 500 else {
                    throw ResearchError("\(key) must be a non-empty string of at most 500 characters")
                }
                fields[key] = text
            case "email", "emails":
                let texts: [String]
                switch member {
                case .string(let text): texts = [text]
                case .array(let items): texts = items.compactMap(\.stringValue)
                default: throw ResearchError("\(key) must be an address or an array of addresses")
                }
                for text in texts {
                    guard let address = EmailAddress.normalised(text) else { throw ResearchError("\(key): \"\(text)\" is not an address a mail could be sent to") }
                    emails.append(address)
                }
            case "custom":
                guard case .object(let values) = member else { throw ResearchError("custom must be an object of strings") }
                for (name, text) in values {
                    guard case .custom = ProspectField("custom.\(name)"), let text = text.stringValue, text.count <= 2000 else {
                        throw ResearchError("custom.\(name) must be a string under a name of letters, digits, '-' and '_'")
                    }
                    custom[name] = text
                }
            case "note":
                guard let text = member.stringValue, text.count <= 10_000 else { throw ResearchError("note must be a string of at most 10,000 characters") }
                note = text
            default:
                throw ResearchError("\"\(key)\" is not a field the research agent may fill; it may fill \((Self.textFields + ["email", "custom", "note"]).joined(separator: ", "))")
            }
        }
    }

    /// `prospect` with the patch applied: filled fields replaced, new addresses added after the
    /// ones it has (the first becomes the main one when it had none).
    public func applied(to prospect: Prospect) -> Prospect {
        var result = prospect
        for (key, value) in fields {
            switch key {
            case "name": result.name = value
            case "first_name": result.firstName = value
            case "last_name": result.lastName = value
            case "company": result.company = value
            case "domain": result.domain = value.lowercased()
            case "title": result.title = value
            case "phone": result.phone = value
            default: break
            }
        }
        if result.name == nil, result.firstName != nil || result.lastName != nil {
            result.name = [result.firstName, result.lastName].compactMap { $0 }.joined(separator: " ")
        }
        let known = Set(result.emails.map(EmailAddress.identityKey))
        result.emails += emails.filter { !known.contains(EmailAddress.identityKey($0)) }
        result.custom.merge(custom) { _, new in new }
        return result
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = fields.mapValues { .string($0) }
        if !emails.isEmpty { members["emails"] = .array(emails.map { .string($0) }) }
        if !custom.isEmpty { members["custom"] = .object(custom.mapValues { .string($0) }) }
        if let note { members["note"] = .string(note) }
        return .object(members)
    }
}

/// Why a research answer was refused.
public struct ResearchError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// `research_prospect`: runs the research agent on one prospect (its record in a JSON file) and
/// applies the patch it answers, then assesses the record again. Executed by the gate only.
public struct ResearchHandler: ActionHandler {
    public static let type = "research_prospect"
    public var types: [String] { [Self.type] }
    let store: any SalesStore
    let settings: ResearchSettings
    let directory: String
    let clock: any WallClock

    public init(store: any SalesStore, settings: ResearchSettings, directory: String, clock: any WallClock) {
        self.store = store
        self.settings = settings
        self.directory = directory
        self.clock = clock
    }

    /// The proposal for researching `prospect`.
    public static func proposal(for prospect: Prospect) -> ProposedAction {
        ProposedAction(
            type: type, attributes: ["prospect": .string(prospect.id), "state": .string(prospect.state.rawValue)],
            payload: .object(["prospect": .string(prospect.id), "tenant": .string(prospect.tenant)]), actor: Actor(.pack, "sales"),
            tenant: prospect.tenant.isEmpty ? nil : prospect.tenant, summary: "research \(prospect.id) (\(prospect.label)): \(prospect.stateReason ?? "broken")"
        )
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard case .object(let payload) = action.payload, let id = payload["prospect"]?.stringValue else {
            return .failure("\(action.id) names no prospect in its payload")
        }
        let tenant = payload["tenant"]?.stringValue ?? ""
        guard let executor = context.executor else { return .failure("this process cannot run the research agent") }
        do {
            guard let prospect = try await store.prospect(id, tenant: tenant) else { return .failure("no prospect \(id)") }
            let file = "\(directory)/\(id).json"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(prospect.json(zone: .gmt).canonical.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
            var agentContext = context
            agentContext.timeout = settings.timeout
            agentContext.runEnvironment["NIGHTSHIFT_PROSPECT_FILE"] = file
            agentContext.runEnvironment["NIGHTSHIFT_PROSPECT_ID"] = id
            let argv = settings.command.map { $0.replacingOccurrences(of: "{record}", with: file) }
            let result = await executor.execute(.command(CommandAction(program: .argv(argv), environment: settings.environment)), context: agentContext)
            try? FileManager.default.removeItem(atPath: file)
            guard result.succeeded else { return result }
            let patch: ResearchPatch
            switch StepOutput.parse(result.output) {
            case .failure(let error): return .failure("the research agent's answer: \(error)")
            case .success(nil): return .failure("the research agent printed no NIGHTSHIFT_OUTPUT line with the fields it found")
            case .success(let value?):
                do { patch = try ResearchPatch(value) } catch { return .failure("the research agent's answer is refused: \(error)") }
            }
            try await apply(patch, to: prospect, action: action.id)
            return ActionResult(succeeded: true, output: result.output, excerpt: "researched \(id): \(patch.json.canonical)")
        } catch {
            return .failure("research \(id): \(error)")
        }
    }

    /// Writes the patched record, researched now, assessed again, with its activities.
    func apply(_ patch: ResearchPatch, to prospect: Prospect, action: String) async throws {
        let now = clock.now()
        var updated = patch.applied(to: prospect)
        updated.researchedAt = now
        updated.updatedAt = now
        var activities = [ProspectActivity(
            id: ProspectActivity.stableID(.researched, action), tenant: prospect.tenant, prospectID: prospect.id, at: now, kind: .researched,
            actor: "research-agent", summary: "research filled \(patch.json.canonical)", data: patch.json
        )]
        if let note = patch.note {
            activities.append(ProspectActivity(
                id: ProspectActivity.stableID(.note, action), tenant: prospect.tenant, prospectID: prospect.id, at: now, kind: .note,
                actor: "research-agent", summary: note, data: .object(["text": .string(note)])
            ))
        }
        if let change = ProspectAssessment.assess(&updated, by: ProspectActivity.packActor, at: now, activityID: ProspectActivity.stableID(.state, action)) {
            activities.append(change)
        }
        _ = try await store.updateProspects([updated], activities: activities)
    }
}
