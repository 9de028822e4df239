public import Foundation

/// Says which context the operator is in, from a manual override, calendar events and the routine.
///
/// Precedence, first that applies: an override that is active; a calendar event covering the
/// instant whose title or categories map to a context (see ``ContextSettings/context(forTitle:categories:)``);
/// the routine; otherwise `unknown`. Of several events or routine spans that cover the same instant,
/// the one that started last wins, then the shorter one.
///
/// Pure: the caller passes the time, the override and the calendar occurrences (for the window it
/// asks about), so a whole day can be checked in a test.
///
/// ```swift
/// let detector = ContextDetector(settings: configuration.context, timeZone: configuration.settings.timeZone)
/// let events = ICSCalendar.occurrences(of: calendars, from: now, to: now + ContextDetector.horizon)
/// let reading = detector.detect(at: now, override: savedOverride, events: events)
/// print(reading.context, reading.source, reading.profile.maxConcurrentBuilds)
/// ```
public struct ContextDetector: Sendable {
    /// How far ahead ``detect(at:override:events:)`` looks for the next change: seven days.
    public static let horizon: TimeInterval = 7 * 86_400

    /// The workspace's `[context]` settings.
    public var settings: ContextSettings
    /// The zone the routine's times are in (the workspace's).
    public var timeZone: TimeZone

    /// Creates a detector.
    public init(settings: ContextSettings, timeZone: TimeZone) {
        self.settings = settings
        self.timeZone = timeZone
    }

    /// The context at `now` and until when it holds.
    ///
    /// - Parameter events: calendar occurrences around `now`; to know when the context changes, pass
    ///   those of the next ``horizon`` (events missing from the list count as not happening).
    public func detect(at now: Date, override: ContextOverride?, events: [EventOccurrence]) -> ContextReading {
        let spans = timeline(from: now, to: now.addingTimeInterval(Self.horizon), override: override, events: events)
        let first = spans.first ?? ContextSpan(context: .unknown, source: .default, start: now, end: now)
        let until = spans.count > 1 ? first.end : nil
        return ContextReading(context: first.context, source: first.source, until: until, profile: settings.profile(for: first.context))
    }

    /// The contexts of the next `hours` hours from `from`, one span per change: adjacent stretches
    /// in the same context are merged, and the last span ends at `from + hours`.
    public func upcoming(from: Date, hours: Int, override: ContextOverride?, events: [EventOccurrence]) -> [ContextSpan] {
        guard hours > 0 else { return [] }
        return timeline(from: from, to: from.addingTimeInterval(TimeInterval(hours) * 3600), override: override, events: events)
    }

    /// An event that maps to a context, with its position in the caller's list for ties.
    private struct MappedEvent {
        var occurrence: EventOccurrence
        var context: OperatorContext
        var index: Int
    }

    /// The merged spans covering `from..<to`.
    private func timeline(from: Date, to: Date, override: ContextOverride?, events: [EventOccurrence]) -> [ContextSpan] {
        guard from < to else { return [] }
        let mapped = events.enumerated().compactMap { index, event -> MappedEvent? in
            guard event.start < event.end, event.start < to, event.end > from,
                  let context = settings.context(forTitle: event.summary, categories: event.categories) else { return nil }
            return MappedEvent(occurrence: event, context: context, index: index)
        }
        let routine = settings.routine.occurrences(from: from, to: to, in: timeZone)
        var changes: Set<Date> = [from]
        if let override {
            changes.insert(override.setAt)
            if let until = override.until { changes.insert(until) }
        }
        for event in mapped { changes.formUnion([event.occurrence.start, event.occurrence.end]) }
        for pass in routine { changes.formUnion([pass.start, pass.end]) }
        let boundaries = changes.filter { from <= $0 && $0 < to }.sorted() + [to]
        var spans: [ContextSpan] = []
        for (start, end) in zip(boundaries, boundaries.dropFirst()) {
            let (context, source) = resolve(at: start, override: override, events: mapped, routine: routine)
            if let last = spans.last, last.context == context {
                spans[spans.count - 1].end = end
            } else {
                spans.append(ContextSpan(context: context, source: source, start: start, end: end))
            }
        }
        return spans
    }

    /// The context at one instant, by precedence.
    private func resolve(
        at date: Date, override: ContextOverride?, events: [MappedEvent], routine: [ContextRoutine.Occurrence]
    ) -> (OperatorContext, ContextSource) {
        if let override, override.isActive(at: date) {
            return (override.context, .override(until: override.until))
        }
        let covering = events.filter { $0.occurrence.covers(date) }.min { a, b in
            if a.occurrence.start != b.occurrence.start { return a.occurrence.start > b.occurrence.start }
            if a.occurrence.end != b.occurrence.end { return a.occurrence.end < b.occurrence.end }
            return a.index < b.index
        }
        if let event = covering {
            return (event.context, .calendar(title: event.occurrence.summary))
        }
        let pass = routine.filter { $0.start <= date && date < $0.end }.min(by: ContextRoutine.precedes)
        if let pass {
            return (pass.entry.context, .routine(span: pass.entry.span.text))
        }
        return (.unknown, .default)
    }
}
