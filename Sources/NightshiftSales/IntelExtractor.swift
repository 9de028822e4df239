public import Foundation
public import NightshiftCore

/// One nugget found in a note: an amount, a date, a competitor, a budget, timeline or
/// decision-maker phrase.
public struct IntelNugget: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case amount, date, competitor, budget, timeline
        case decisionMaker = "decision_maker"
    }

    public var kind: Kind
    /// The words of the note it was found in.
    public var text: String
}

/// What finds nuggets in a note. The rule-based ``RuleIntelExtractor`` ships; a model behind a
/// command (`[sales.intel] command`, ``CommandIntelExtractor``) stands behind the same interface.
public protocol IntelExtractor: Sendable {
    /// The nuggets of `note` (the activity `noteID`); throws when the note cannot be read now (a
    /// command the policy parked or forbade): it is read again by the next run.
    func nuggets(in note: String, noteID: String) async throws -> [IntelNugget]
}

/// Finds amounts (`$12,000`, `€5k`, `40k USD`), dates (`2027-03-15`, `March 15`, `Q3`, `next
/// month`, `end of quarter`), the configured competitors' names, and budget, timeline and
/// decision-maker phrases, by rules.
public struct RuleIntelExtractor: IntelExtractor {
    let competitors: [String]

    public init(competitors: [String]) {
        self.competitors = competitors
    }

    static let months = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    static let patterns: [(IntelNugget.Kind, String)] = [
        (.amount, #"[$€£]\s?\d[\d,.]*\s?(?:k|m|bn|thousand|million)?\b|\b\d[\d,.]*\s?(?:k|m)?\s?(?:usd|eur|gbp|dollars|euros|pounds)\b"#),
        (.date, #"\b\d{4}-\d{2}-\d{2}\b|\b(?:"# + months + #")\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:"# + months + #")\b|\bq[1-4](?:\s+\d{4})?\b|\bnext\s+(?:week|month|quarter|year)\b|\bend\s+of\s+(?:the\s+)?(?:week|month|quarter|year)\b"#),
        (.budget, #"\b(?:budget(?:ed)?|price range|can spend|funds? (?:approved|allocated)|spend(?:ing)? limit)\b"#),
        (.timeline, #"\b(?:timeline|deadline|go[- ]live|launch(?:es|ing)?|decide by|roll ?out|by the end of)\b"#),
        (.decisionMaker, #"\b(?:decision[- ]maker|decides|sign[s]?[- ]off|final say|approval from|the (?:ceo|cfo|cto|board)|procurement)\b"#),
    ]

    /// The sentence (or clause, between `.`, `;`, `!`, `?` and line breaks) holding `range`, at most 200 characters.
    static func sentence(around range: Range<String.Index>, in text: String) -> String {
        let stops: Set<Character> = [".", ";", "!", "?", "\n"]
        // A stop ends a sentence when a space or the end follows it (not `5.5` or `acme.com`).
        func ends(at index: String.Index) -> Bool {
            guard stops.contains(text[index]) else { return false }
            let next = text.index(after: index)
            return text[index] == "\n" || next == text.endIndex || text[next].isWhitespace
        }
        var start = range.lowerBound
        while start > text.startIndex, !ends(at: text.index(before: start)) { start = text.index(before: start) }
        var end = range.upperBound
        while end < text.endIndex, !ends(at: end) { end = text.index(after: end) }
        let sentence = text[start..<end].trimmingCharacters(in: .whitespacesAndNewlines)
        return sentence.count > 200 ? String(sentence.prefix(199)) + "…" : sentence
    }

    public func nuggets(in note: String, noteID: String) async throws -> [IntelNugget] { nuggets(in: note) }

    public func nuggets(in note: String) -> [IntelNugget] {
        var found: [IntelNugget] = []
        var seen: Set<String> = []
        func add(_ kind: IntelNugget.Kind, _ text: String) {
            let text = text.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, seen.insert("\(kind.rawValue)\u{1F}\(text.lowercased())").inserted else { return }
            found.append(IntelNugget(kind: kind, text: text))
        }
        let range = NSRange(note.startIndex..., in: note)
        for (kind, pattern) in Self.patterns {
            guard let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
            for match in expression.matches(in: note, range: range) {
                guard let found = Range(match.range, in: note) else { continue }
                // An amount or a date is itself the nugget; a phrase is worth its sentence.
                let phrase = kind == .budget || kind == .timeline || kind == .decisionMaker
                add(kind, phrase ? Self.sentence(around: found, in: note) : String(note[found]))
            }
        }
        let lowered = note.lowercased()
        for name in competitors {
            let escaped = NSRegularExpression.escapedPattern(for: name.lowercased())
            if let expression = try? NSRegularExpression(pattern: #"(?<![\p{L}\p{N}])"# + escaped + #"(?![\p{L}\p{N}])"#),
               expression.firstMatch(in: lowered, range: NSRange(lowered.startIndex..., in: lowered)) != nil {
                add(.competitor, name)
            }
        }
        return found
    }
}

extension SalesWork {
    /// The intel step: every note since the last run (the `intel` cursor) read for nuggets, each
    /// kept as an `intel` activity (once, however often the step runs). Returns the new ones.
    public func extractIntel(using extractor: any IntelExtractor, at now: Date) async throws -> [ProspectActivity] {
        let cursor = try await store.salesCursor(tenant: tenant, name: "intel").flatMap { Int64($0) }.map { StoredTime.date($0) }
        let notes = try await store.activities(tenant: tenant, prospect: nil, kinds: [.note], since: cursor, newestFirst: false, limit: Int.max)
        var nuggets: [ProspectActivity] = []
        var read: ProspectActivity?
        for note in notes {
            var text = note.summary
            if case .object(let members) = note.data, let written = members["text"]?.stringValue { text = written }
            let found: [IntelNugget]
            do { found = try await extractor.nuggets(in: text, noteID: note.id) } catch {
                // The note waits for the next run (the cursor stops before it).
                break
            }
            for nugget in found {
                nuggets.append(ProspectActivity(
                    id: ProspectActivity.stableID(.intel, note.id, nugget.kind.rawValue, nugget.text.lowercased()), tenant: tenant,
                    prospectID: note.prospectID, at: now, kind: .intel, actor: actor, summary: "\(nugget.kind.rawValue): \(nugget.text)",
                    data: .object(["note": .string(note.id), "kind": .string(nugget.kind.rawValue), "text": .string(nugget.text)])
                ))
            }
            read = note
        }
        // A nugget found before (the step run again after a crash) is not added twice.
        if !nuggets.isEmpty { _ = try await store.recordActivities(nuggets) }
        if let read { try await store.setSalesCursor(tenant: tenant, name: "intel", value: String(StoredTime.millis(read.at) + 1)) }
        return nuggets
    }
}

/// Nuggets from a model behind a command (`[sales.intel] command`): each note is an `extract_intel`
/// action through the gate, whose handler runs the command with the note in a file (`{note}`) and
/// reads `NIGHTSHIFT_OUTPUT {"nuggets": [{"kind": "amount", "text": "$40k"}, …]}` — each kind one
/// of the rule-based extractor's, each text at most 500 characters; anything else refuses the answer.
public struct CommandIntelExtractor: IntelExtractor {
    let gate: PolicyGate
    let runID: String?

    /// `runID`: the step's run (nil from the CLI: each note is an action of its own).
    public init(gate: PolicyGate, runID: String?) {
        self.gate = gate
        self.runID = runID
    }

    /// Why a note was not read.
    public struct NotRead: Error, CustomStringConvertible {
        public var description: String
    }

    public func nuggets(in note: String, noteID: String) async throws -> [IntelNugget] {
        let proposal = ProposedAction(
            type: IntelHandler.type, attributes: ["note": .string(noteID)], payload: .object(["note": .string(noteID), "text": .string(note)]),
            actor: Actor(.pack, "sales"), summary: "read the note \(noteID) for intel"
        )
        let outcome = try await gate.propose(proposal, runID: runID)
        guard outcome.executed, outcome.result.succeeded else {
            throw NotRead(description: outcome.result.error ?? outcome.result.gate?.summary ?? "not executed")
        }
        return try IntelHandler.nuggets(fromOutput: outcome.result.output)
    }
}

/// `extract_intel`: runs `[sales.intel] command` on one note; its answer is read by
/// ``CommandIntelExtractor``. Executed by the gate only.
public struct IntelHandler: ActionHandler {
    public static let type = "extract_intel"
    public var types: [String] { [Self.type] }
    let command: [String]
    let directory: String

    public init(command: [String], directory: String) {
        self.command = command
        self.directory = directory
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard case .object(let payload) = action.payload, let id = payload["note"]?.stringValue, let text = payload["text"]?.stringValue else {
            return .failure("\(action.id) carries no note")
        }
        let result = await CommandOnText.run(
            command, text: text, file: "\(directory)/\(id).txt", placeholder: "{note}", variable: "NIGHTSHIFT_NOTE_FILE", naming: "intel command",
            context: context
        )
        guard result.succeeded else { return result }
        do { _ = try Self.nuggets(fromOutput: result.output) } catch { return .failure("the intel command's answer is refused: \(error)") }
        return result
    }

    /// The nuggets of a command's output; throws naming what is wrong.
    static func nuggets(fromOutput output: String) throws -> [IntelNugget] {
        guard case .success(let value?) = StepOutput.parse(output), case .object(let members) = value, case .array(let items)? = members["nuggets"] else {
            throw CommandIntelExtractor.NotRead(description: "no NIGHTSHIFT_OUTPUT {\"nuggets\": [...]} line")
        }
        return try items.enumerated().map { index, item in
            guard case .object(let nugget) = item, let kind = nugget["kind"]?.stringValue.flatMap(IntelNugget.Kind.init(rawValue:)),
                  let text = nugget["text"]?.stringValue, !text.isEmpty, text.count <= 500
            else {
                throw CommandIntelExtractor.NotRead(description: "nuggets[\(index)] needs a kind (\(IntelNugget.Kind.allCases.map(\.rawValue).joined(separator: ", "))) and a text of 1 to 500 characters")
            }
            return IntelNugget(kind: kind, text: text)
        }
    }
}
