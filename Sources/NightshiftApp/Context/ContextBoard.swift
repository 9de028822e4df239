public import Foundation
public import NightshiftCore

/// The operator's context use cases: what it is now and why, the next hours as spans, a manual
/// override set and cleared. Unlike the daemon's reading (``NightshiftApplication/contextReading(at:)``,
/// which leaves an unreadable calendar out), these refuse one, naming its file and line.
public struct ContextBoard: Sendable {
    let app: NightshiftApplication

    public init(_ app: NightshiftApplication) { self.app = app }

    /// The context at `now`.
    ///
    /// - Throws: ``AppError/usage(_:)`` naming each calendar that cannot be read or parsed.
    public func reading(at now: Date) async throws -> ContextReading {
        detector.detect(at: now, override: try await app.contextOverride(), events: try await events(at: now))
    }

    /// The contexts of the `hours` after `now`, as spans.
    ///
    /// - Throws: ``AppError/usage(_:)`` for hours outside 1…336 or an unreadable calendar.
    public func upcoming(hours: Int, at now: Date) async throws -> [ContextSpan] {
        guard (1...24 * 14).contains(hours) else { throw AppError.usage("--hours must be between 1 and 336") }
        return detector.upcoming(from: now, hours: hours, override: try await app.contextOverride(), events: try await events(at: now))
    }

    /// Sets the context to `text` by hand from `now`, for `duration` (`2h`, `90m`) or until cleared.
    ///
    /// - Throws: ``AppError/usage(_:)`` for an unknown context or a duration that is not one.
    public func set(_ text: String, for duration: String?, at now: Date) async throws -> ContextOverride {
        guard let value = OperatorContext(rawValue: text.lowercased()) else {
            throw AppError.usage("unknown context \"\(text)\"; the contexts are \(OperatorContext.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var until: Date?
        if let duration {
            let length: Duration
            do throws(ScheduleError) { length = try DurationParser.parse(duration) } catch { throw AppError.usage("--for: \(error.message)") }
            guard length > .zero else { throw AppError.usage("--for must be longer than 0, found \"\(duration)\"") }
            until = now.addingTimeInterval(length.inSeconds)
        }
        let override = ContextOverride(context: value, setAt: now, until: until)
        try await app.setContextOverride(override, at: now)
        return override
    }

    /// Removes the manual override; returns the context at `now` without it.
    public func clear(at now: Date) async throws -> ContextReading {
        try await app.setContextOverride(nil, at: now)
        return try await reading(at: now)
    }

    private var detector: ContextDetector {
        ContextDetector(settings: app.configuration.context, timeZone: app.configuration.settings.timeZone)
    }

    private func events(at now: Date) async throws -> [EventOccurrence] {
        let load = await app.loadCalendars()
        if !load.problems.isEmpty { throw AppError.usage(load.problems.joined(separator: "\n")) }
        return ICSCalendar.occurrences(
            of: load.calendars, from: now.addingTimeInterval(-ContextDetector.horizon), to: now.addingTimeInterval(2 * ContextDetector.horizon)
        )
    }
}

/// The context as `context detect --json` and `context summary --json` print it.
public struct ContextView: Encodable, Sendable {
    public var context: String
    public var source: String
    public var until: String?
    public var intensity: String
    public var maxConcurrentBuilds: Int
    public var lowRiskOnly: Bool

    public init(_ reading: ContextReading, zone: TimeZone) {
        context = reading.context.rawValue
        source = reading.source.description
        until = reading.until.map { ISO8601.format($0, in: zone) }
        intensity = reading.profile.intensity.rawValue
        maxConcurrentBuilds = reading.profile.maxConcurrentBuilds
        lowRiskOnly = reading.profile.lowRiskOnly
    }
}

extension ContextSpan {
    /// The span as `context upcoming --json` prints it.
    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "context": .string(context.rawValue), "source": .string(source.description),
            "start": .string(ISO8601.format(start, in: zone)), "end": .string(ISO8601.format(end, in: zone)),
        ])
    }
}
