public import Foundation

/// The `[context]` table of `nightshift.toml`: where the operator's calendars are, their usual week,
/// how event titles map to contexts, and per-context limits.
///
/// ```toml
/// [context]
/// calendars = ["calendars/work.ics", "https://example.com/cal.ics"]
/// [context.routine]
/// sleeping = ["23:00-07:00"]
/// [context.map]
/// "Gym" = "gym"
/// [context.limits]
/// sleeping = 3
/// ```
public struct ContextSettings: Sendable, Hashable {
    /// Calendar files and URLs, in the order declared; the app reads or fetches them, the core never does.
    public var calendars: [CalendarSource]
    /// The operator's usual week.
    public var routine: ContextRoutine
    /// Event title or category fragments and their contexts, tried in the order declared.
    public var map: [ContextMapping]
    /// Overrides of ``ContextProfile/maxConcurrentBuilds`` per context.
    public var limits: [OperatorContext: Int]

    /// Creates settings; the defaults say nothing (no calendars, no routine, no map, default limits).
    public init(calendars: [CalendarSource] = [], routine: ContextRoutine = .init(), map: [ContextMapping] = [], limits: [OperatorContext: Int] = [:]) {
        self.calendars = calendars
        self.routine = routine
        self.map = map
        self.limits = limits
    }

    /// The context's profile with the limit from `[context.limits]`, if any.
    public func profile(for context: OperatorContext) -> ContextProfile {
        var profile = context.defaultProfile
        if let limit = limits[context] { profile.maxConcurrentBuilds = limit }
        return profile
    }

    /// The context an event stands for, if any: the first `[context.map]` pattern found in its title
    /// or one of its categories (ignoring case); otherwise a context's own name as a word of the
    /// title ("Sleeping", "Gym session") or as a category. `unknown` is never taken from a name.
    public func context(forTitle title: String, categories: [String]) -> OperatorContext? {
        if let mapping = map.first(where: { $0.matches(title: title, categories: categories) }) {
            return mapping.context
        }
        let words = Set(title.lowercased().split { !$0.isLetter }.map(String.init))
        let lowered = Set(categories.map { $0.lowercased().trimmingCharacters(in: .whitespaces) })
        return OperatorContext.allCases.first { $0 != .unknown && (words.contains($0.rawValue) || lowered.contains($0.rawValue)) }
    }
}

/// One `[context.map]` entry: events whose title or category contains `pattern` (ignoring case)
/// put the operator in `context`.
public struct ContextMapping: Sendable, Hashable {
    /// The fragment to look for, e.g. `"Gym"`.
    public var pattern: String
    /// The context it means.
    public var context: OperatorContext

    /// Creates a mapping.
    public init(_ pattern: String, _ context: OperatorContext) {
        self.pattern = pattern
        self.context = context
    }

    /// Whether the title or one of the categories contains the pattern, ignoring case.
    public func matches(title: String, categories: [String]) -> Bool {
        guard !pattern.isEmpty else { return false }
        return ([title] + categories).contains { $0.range(of: pattern, options: .caseInsensitive) != nil }
    }
}

/// Where a calendar comes from: a file in the workspace or a URL the app fetches.
public enum CalendarSource: Sendable, Hashable, CustomStringConvertible {
    /// A path as written: relative to the workspace folder unless it starts with `/`.
    case file(String)
    /// An `http` or `https` URL; `webcal://` is read as `https://`, which is what it means.
    case url(URL)

    /// Reads a `calendars` entry; nil for an empty text or a URL scheme other than http, https or webcal.
    public init?(parsing text: String) {
        let lower = text.lowercased()
        if lower.hasPrefix("webcal://") {
            guard let url = URL(string: "https://" + text.dropFirst("webcal://".count)), url.host != nil else { return nil }
            self = .url(url)
        } else if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard let url = URL(string: text), url.host != nil else { return nil }
            self = .url(url)
        } else if text.isEmpty || text.contains("://") {
            return nil
        } else {
            self = .file(text)
        }
    }

    /// The file's path given the workspace folder; nil for a URL.
    public func path(inWorkspace directory: String) -> String? {
        guard case .file(let path) = self else { return nil }
        return path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
    }

    /// The path or URL as the operator wrote it (a `webcal` URL as `https`).
    public var description: String {
        switch self {
        case .file(let path): path
        case .url(let url): url.absoluteString
        }
    }
}
