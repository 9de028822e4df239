import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
public import Foundation
public import NightshiftBuilder
public import NightshiftCore

/// The operator's calendars as one workspace reads them: files on each look, URLs fetched and cached.
public struct CalendarLoad: Sendable {
    public var calendars: [ICSCalendar]
    /// One sentence per calendar that could not be read (it is left out, the others count).
    public var problems: [String]
}

extension NightshiftApplication {
    static let overrideKey = "context.override"

    /// The manual override (`nightshift context set`), whether or not it has expired.
    public func contextOverride() async throws -> ContextOverride? {
        guard let value = try await store.stateValue(Self.overrideKey) else { return nil }
        return try value.decode(ContextOverride.self)
    }

    /// Sets (nil: clears) the manual override.
    public func setContextOverride(_ override: ContextOverride?, at now: Date = Date()) async throws {
        let value = try override.map { try JSONValue(encoding: $0) }
        try await store.setStateValue(Self.overrideKey, value, at: now)
    }

    /// Reads every calendar of `[context] calendars`. A file is read each time; a URL is fetched
    /// (10 s) into `cache/calendars/`, and the cached copy is used when the fetch fails.
    public func loadCalendars() async -> CalendarLoad {
        var load = CalendarLoad(calendars: [], problems: [])
        let zone = configuration.settings.timeZone
        for source in configuration.context.calendars {
            let text: String
            let name: String
            switch source {
            case .file:
                guard let path = source.path(inWorkspace: workspace.root) else { continue }
                name = path.hasPrefix(workspace.root + "/") ? String(path.dropFirst(workspace.root.count + 1)) : path
                do {
                    load.calendars.append(try ICSCalendar.read(path: path, file: name, floatingTimeZone: zone))
                } catch {
                    load.problems.append(error.description)
                }
                continue
            case .url(let url):
                name = url.absoluteString
                guard let contents = await fetchCalendar(url) else {
                    load.problems.append("\(name): could not be fetched and there is no cached copy")
                    continue
                }
                text = contents
            }
            do {
                load.calendars.append(try ICSCalendar.parse(text, file: name, floatingTimeZone: zone))
            } catch {
                load.problems.append(error.description)
            }
        }
        return load
    }

    private func fetchCalendar(_ url: URL) async -> String? {
        let cache = "\(workspace.root)/cache/calendars/\(SHA256Hex.of(Data(url.absoluteString.utf8)).prefix(16)).ics"
        do {
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            guard (200..<300).contains(response.status.code) else { throw CancellationError() }
            let body = try await response.body.collect(upTo: 8 << 20)
            let text = String(buffer: body)
            try? FileManager.default.createDirectory(atPath: (cache as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? Data(text.utf8).write(to: URL(fileURLWithPath: cache), options: .atomic)
            return text
        } catch {
            return try? String(contentsOfFile: cache, encoding: .utf8)
        }
    }

    /// The calendars as this process last read them, read again when older than a minute. A
    /// calendar that cannot be read is left out, and the log says so whenever the set of such
    /// problems changes (`status` and `doctor` show them too).
    public func calendarLoad() async -> CalendarLoad {
        guard !configuration.context.calendars.isEmpty else { return CalendarLoad(calendars: [], problems: []) }
        return await calendarCache.calendars(maxAge: 60) { await self.loadCalendars() } report: { [logger] problems in
            for problem in problems {
                logger.info("calendar left out of the operator's context", metadata: ["nightshift.calendar.problem": "\(problem)"])
            }
        }
    }

    /// The operator's context at `now`: the override, the calendars, the routine. Unreadable
    /// calendars are skipped (``calendarLoad()`` says which).
    ///
    /// The policy gate asks on every proposal and the builder's worker on every pass, so the
    /// calendars are read (and URLs fetched) at most once a minute per process; the override,
    /// a store read, is always current.
    public func contextReading(at now: Date) async -> ContextReading {
        let detector = ContextDetector(settings: configuration.context, timeZone: configuration.settings.timeZone)
        let override = try? await contextOverride()
        let events = configuration.context.calendars.isEmpty ? [] : ICSCalendar.occurrences(
            of: await calendarLoad().calendars,
            from: now.addingTimeInterval(-ContextDetector.horizon), to: now.addingTimeInterval(ContextDetector.horizon)
        )
        return detector.detect(at: now, override: override, events: events)
    }

    /// What the operator's context allows the builder at `now`: its max concurrent builds (never
    /// above `[builder] max_concurrent`) and whether only low-risk categories run.
    ///
    /// A workspace that configures no context at all (no `[context]` calendars or routine, no
    /// override) keeps the builder's own limits: "unknown" then means "not tracked", and the
    /// conservative profile would only silently shrink what the operator set in `[builder]`.
    public func workLimits(at now: Date) async -> WorkLimits {
        let reading = await contextReading(at: now)
        let cap = builderSettings?.maxConcurrent ?? 3
        if case .default = reading.source, configuration.context.calendars.isEmpty, configuration.context.routine.isEmpty {
            return WorkLimits.unlimited(cap)
        }
        return WorkLimits(
            context: reading.context.rawValue, maxConcurrent: min(cap, reading.profile.maxConcurrentBuilds),
            lowRiskOnly: reading.profile.lowRiskOnly
        )
    }
}

/// The calendars one process read last, and when.
actor CalendarCache {
    private var loaded: (load: CalendarLoad, at: ContinuousClock.Instant)?
    private var reported: [String] = []

    /// The cached load if read less than `maxAge` seconds ago, else what `load` reads now; its
    /// problems go to `report` when they differ from the last ones reported.
    func calendars(
        maxAge: Double, load: @Sendable () async -> CalendarLoad, report: @Sendable ([String]) -> Void
    ) async -> CalendarLoad {
        let now = ContinuousClock.now
        if let loaded, loaded.at.duration(to: now) < .seconds(maxAge) { return loaded.load }
        let fresh = await load()
        loaded = (fresh, now)
        if fresh.problems != reported {
            reported = fresh.problems
            report(fresh.problems)
        }
        return fresh
    }
}
