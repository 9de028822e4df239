public import Foundation
import Logging
public import NightshiftCore

/// A pattern as the workspace knows it: the learner's figures, whether the operator enabled its
/// pre-build, and the command that pre-builds it.
public struct LearnedPattern: Sendable, Hashable {
    /// The routine, as ``PatternLearner`` found it.
    public var pattern: Pattern
    /// Whether `patterns enable` turned its automatic pre-build on.
    public var enabled: Bool
    /// The `command` of the newest request of its name that was logged with one.
    public var command: PrebuildCommand?

    /// A pattern with its state and command.
    public init(pattern: Pattern, enabled: Bool, command: PrebuildCommand? = nil) {
        self.pattern = pattern
        self.enabled = enabled
        self.command = command
    }
}

/// The pattern learner on this workspace's store: `nightshift patterns …`.
extension NightshiftApplication {
    /// The StateStore key holding the ids of the enabled patterns (a JSON array of strings).
    public static let enabledPatternsKey = "patterns.enabled"
    /// Confidence a pattern needs to be enabled: the learner's auto-execute threshold.
    public var enableThreshold: Double { patternLearner.configuration.autoExecuteThreshold }

    /// The learner, reading days and times in the workspace's zone.
    public var patternLearner: PatternLearner { PatternLearner(timeZone: configuration.settings.timeZone) }

    /// Records a request (`patterns log`), and returns it as stored.
    @discardableResult
    public func recordRequest(_ name: String, meta: JSONValue? = nil, at: Date = Date()) async throws -> ObservedEvent {
        let event = ObservedEvent(kind: .request, name: name, at: at, data: meta)
        try await store.insertEvent(event)
        return event
    }

    /// Records a request made through another command (`job:NAME`, `queue:add`, `brief`) for the
    /// pattern learner. Never fails the command: a store error is logged and dropped.
    public func noteRequest(_ name: String, meta: JSONValue? = nil) async {
        do {
            try await recordRequest(name, meta: meta)
        } catch {
            logger.debug("request not recorded for the pattern learner", metadata: [
                "nightshift.request.name": "\(name)", "nightshift.error": "\(error)",
            ])
        }
    }

    /// Records `job:NAME` for a manual run of a declared job; see ``noteRequest(_:meta:)``.
    public func noteJobRequest(_ job: String) async {
        guard configuration.job(named: job) != nil else { return }
        await noteRequest("job:\(job)")
    }

    /// The request events the learner reads at `now` (its lookback), oldest first.
    public func requestEvents(at now: Date = Date()) async throws -> [ObservedEvent] {
        try await LearningHistory.requests(in: store, learner: patternLearner, now: now)
    }

    /// Every pattern in the stored requests at `now`, strongest first, with its state and command.
    public func learnedPatterns(at now: Date = Date()) async throws -> [LearnedPattern] {
        let events = try await requestEvents(at: now)
        let commands = LearningHistory.commands(events)
        let enabled = try await enabledPatternIDs()
        return patternLearner.patterns(from: LearningHistory.patternEvents(events), now: now).map {
            LearnedPattern(pattern: $0, enabled: enabled.contains($0.id), command: commands[$0.name])
        }
    }

    /// The ids the operator enabled (they may name patterns that have since faded).
    public func enabledPatternIDs() async throws -> Set<String> {
        guard case .array(let items)? = try await store.stateValue(Self.enabledPatternsKey) else { return [] }
        return Set(items.compactMap(\.stringValue))
    }

    /// Turns on a pattern's automatic pre-build.
    ///
    /// - Throws: ``AppError`` (failure) when no pattern has that id (listing the ids there are),
    ///   or its confidence is under ``enableThreshold``.
    @discardableResult
    public func enablePattern(_ id: String, at now: Date = Date()) async throws -> LearnedPattern {
        let learned = try await learnedPattern(id, at: now)
        let pattern = learned.pattern
        guard pattern.confidence >= enableThreshold else {
            throw AppError.failure(
                "\(id) has confidence \(Self.figure(pattern.confidence)) (\(pattern.band)); a pre-build runs by itself only from "
                    + "\(Self.figure(enableThreshold)): log more of its requests, or schedule it yourself")
        }
        try await setEnabled(try await enabledPatternIDs().union([id]), at: now)
        return LearnedPattern(pattern: pattern, enabled: true, command: learned.command)
    }

    /// Turns off a pattern's automatic pre-build. An enabled id is removed even when its pattern
    /// has faded; returns whether it was enabled.
    ///
    /// - Throws: ``AppError`` (failure) when the id is neither enabled nor a pattern.
    @discardableResult
    public func disablePattern(_ id: String, at now: Date = Date()) async throws -> Bool {
        var enabled = try await enabledPatternIDs()
        guard enabled.remove(id) != nil else {
            _ = try await learnedPattern(id, at: now)
            return false
        }
        try await setEnabled(enabled, at: now)
        return true
    }

    /// The pattern with `id`, or a failure listing the known ids.
    public func learnedPattern(_ id: String, at now: Date = Date()) async throws -> LearnedPattern {
        let learned = try await learnedPatterns(at: now)
        guard let found = learned.first(where: { $0.pattern.id == id }) else {
            let known = learned.map(\.pattern.id).sorted()
            throw AppError.failure(
                "no pattern \"\(id)\"; "
                    + (known.isEmpty ? "no patterns yet: log requests with nightshift patterns log NAME"
                        : "the patterns are \(known.joined(separator: ", "))"))
        }
        return found
    }

    private func setEnabled(_ ids: Set<String>, at now: Date) async throws {
        let value: JSONValue? = ids.isEmpty ? nil : .array(ids.sorted().map(JSONValue.string))
        try await store.setStateValue(Self.enabledPatternsKey, value, at: now)
    }

    /// A confidence as the operator reads it: `0.8`, `0.85`.
    static func figure(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let text = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
        return text.hasSuffix("0") ? String(text.dropLast()) : text
    }
}
