public import Foundation
public import NightshiftCore

/// What became of one due pre-build in ``NightshiftApplication/runDuePrebuilds(at:dryRun:)``.
public struct PrebuildOutcome: Sendable, Hashable {
    /// How it went.
    public enum Status: String, Sendable, Hashable {
        /// `--dry-run`: it is due and would be proposed.
        case due
        /// Allowed, executed, succeeded.
        case succeeded
        /// Allowed and executed, but the command failed.
        case failed
        /// The policy parked it in the approval inbox.
        case parked
        /// The policy forbade it: nothing ran.
        case forbidden
        /// Not proposed: no command, or the confidence fell under the enable threshold.
        case skipped
    }

    /// The pattern it is for.
    public var pattern: Pattern
    /// The request it prepares for.
    public var expectedAt: Date
    /// When it became due.
    public var prebuildAt: Date
    /// How it went.
    public var status: Status
    /// The proposed action (`act_…`), when it was proposed.
    public var actionID: String?
    /// The run that executed it, when it executed.
    public var runID: String?
    /// Why it was skipped, parked, forbidden or failed; the policy's reason for a decision.
    public var detail: String?
}

extension NightshiftApplication {
    /// The StateStore key remembering, per pattern id, the expected time of its last pre-build.
    public static let prebuiltPatternsKey = "patterns.prebuilt"
    /// Who proposes pre-builds to the policy gate.
    public static let prebuildActor = Actor(.pack, "patterns")

    /// Proposes the pre-build of every enabled pattern that is due at `now` — its suggestion's
    /// `prebuildAt ≤ now < expectedAt` — and not yet pre-built for that expected time, as a
    /// `run_command` action of actor `pack:patterns` through the policy gate. Allowed, it runs as a
    /// run of its own; parked or forbidden, it is reported and not run. Each pattern's expected time
    /// is proposed once, whatever the decision, so a daemon calling this every minute proposes once.
    ///
    /// With `dryRun`, reports what is due and changes nothing. The overnight runner and the daemon
    /// call this; `nightshift patterns prebuild` does too.
    public func runDuePrebuilds(at now: Date = Date(), dryRun: Bool = false, gate: PolicyGate? = nil) async throws -> [PrebuildOutcome] {
        let enabled = try await enabledPatternIDs()
        guard !enabled.isEmpty else { return [] }
        let learned = try await learnedPatterns(at: now).filter(\.enabled)
        let commands = Dictionary(learned.map { ($0.pattern.id, $0.command) }, uniquingKeysWith: { first, _ in first })
        let due = patternLearner.suggestions(learned.map(\.pattern), from: now)
            .filter { $0.prebuildAt <= now && now < $0.expectedAt }
        guard !due.isEmpty else { return [] }
        if dryRun {
            let done = try await prebuiltMarks()
            return due.filter { done[$0.pattern.id] != $0.expectedAt }.map { suggestion in
                let skip = skipReason(suggestion, command: commands[suggestion.pattern.id] ?? nil)
                return outcome(suggestion, skip == nil ? .due : .skipped, detail: skip)
            }
        }
        // One process at a time, so a daemon and a CLI never propose the same pre-build twice.
        let owner = ProcessIdentity.current().description
        guard case .granted(let lease) = try await store.acquireLease("patterns:prebuild", owner: owner, ttl: 600, at: now) else {
            return []
        }
        do {
            let outcomes = try await propose(due, commands: commands, at: now, gate: gate ?? self.gate)
            _ = try? await store.releaseLease(lease.key, token: lease.token)
            return outcomes
        } catch {
            _ = try? await store.releaseLease(lease.key, token: lease.token)
            throw error
        }
    }

    /// Proposes each due suggestion not yet pre-built for its expected time.
    private func propose(
        _ due: [PrebuildSuggestion], commands: [String: PrebuildCommand?], at now: Date, gate: PolicyGate
    ) async throws -> [PrebuildOutcome] {
        var done = try await prebuiltMarks()
        var outcomes: [PrebuildOutcome] = []
        for suggestion in due where done[suggestion.pattern.id] != suggestion.expectedAt {
            let command = commands[suggestion.pattern.id] ?? nil
            if let skip = skipReason(suggestion, command: command) {
                outcomes.append(outcome(suggestion, .skipped, detail: skip))
                continue
            }
            guard let command else { continue }
            // Remembered before proposing: a crash mid-run must not run it a second time.
            done[suggestion.pattern.id] = suggestion.expectedAt
            try await savePrebuiltMarks(done, at: now)
            let proposal = try await gate.proposeAsRun(prebuildAction(suggestion, command: command), trigger: .schedule)
            var result = outcome(suggestion, .succeeded, detail: nil)
            result.actionID = proposal.record.id
            result.runID = proposal.record.executionRunID
            switch proposal.decision.verdict {
            case .allow:
                if !proposal.result.succeeded {
                    result.status = .failed
                    result.detail = proposal.result.error ?? "failed"
                }
            case .approve:
                result.status = .parked
                result.detail = proposal.decision.reason
            case .forbid:
                result.status = .forbidden
                result.detail = proposal.decision.reason
            }
            outcomes.append(result)
        }
        return outcomes
    }

    /// The action a pre-build is proposed as: `run_command` with the pattern's command as payload.
    func prebuildAction(_ suggestion: PrebuildSuggestion, command: PrebuildCommand) -> ProposedAction {
        let zone = configuration.settings.timeZone
        return ProposedAction(
            type: "run_command",
            attributes: [
                "pattern": .string(suggestion.pattern.id), "pattern_name": .string(suggestion.pattern.name),
                "confidence": .number(suggestion.pattern.confidence), "expected_at": .string(ISO8601.format(suggestion.expectedAt, in: zone)),
            ],
            payload: command.payload, actor: Self.prebuildActor,
            summary: "pre-build for \(suggestion.pattern.name), expected at \(ISO8601.format(suggestion.expectedAt, in: zone))")
    }

    private func skipReason(_ suggestion: PrebuildSuggestion, command: PrebuildCommand?) -> String? {
        if command == nil {
            return "no command: log \(suggestion.pattern.name) with --meta '{\"command\": [...]}'"
        }
        if !suggestion.autoExecute {
            return "confidence fell to \(Self.figure(suggestion.pattern.confidence)), under \(Self.figure(enableThreshold))"
        }
        return nil
    }

    private func outcome(_ suggestion: PrebuildSuggestion, _ status: PrebuildOutcome.Status, detail: String?) -> PrebuildOutcome {
        PrebuildOutcome(
            pattern: suggestion.pattern, expectedAt: suggestion.expectedAt, prebuildAt: suggestion.prebuildAt, status: status,
            detail: detail)
    }

    /// Pattern id → the expected time it was last pre-built for.
    private func prebuiltMarks() async throws -> [String: Date] {
        guard case .object(let members)? = try await store.stateValue(Self.prebuiltPatternsKey) else { return [:] }
        return members.compactMapValues { $0.stringValue.flatMap(ISO8601.parse) }
    }

    private func savePrebuiltMarks(_ marks: [String: Date], at now: Date) async throws {
        let utc = TimeZone(identifier: "UTC")!
        try await store.setStateValue(Self.prebuiltPatternsKey, .object(marks.mapValues { .string(ISO8601.format($0, in: utc)) }), at: now)
    }
}
