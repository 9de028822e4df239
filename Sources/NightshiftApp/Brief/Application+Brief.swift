public import Foundation
public import NightshiftCore

extension NightshiftApplication {
    static let lastBriefKey = "brief.last_delivered"

    /// The brief builder with this workspace's zone, cycle budgets and pack contributions.
    public func makeBriefBuilder() -> BriefBuilder {
        var briefConfiguration = BriefBuilder.Configuration()
        for cycle in cycles { if let budget = cycle.budget { briefConfiguration.cycleBudgets[cycle.name] = budget.inSeconds } }
        let context = packContext()
        let contributors = Self.packs.flatMap { $0.briefContributors(context) }
        return BriefBuilder(
            store: store, contributors: contributors, timeZone: configuration.settings.timeZone,
            workspaceName: workspaceName, clock: clock,
            configuration: briefConfiguration
        )
    }

    /// The brief of the period from `since` (by default the last delivered brief, else 24 hours
    /// before) to `now`.
    ///
    /// - Throws: ``AppError/usage(_:)`` when `since` is not before `now`.
    public func brief(since: Date?, until now: Date) async throws -> Brief {
        let start: Date
        if let since { start = since } else { start = try await defaultBriefSince(now: now) }
        guard start < now else { throw AppError.usage("--since is in the future") }
        return try await makeBriefBuilder().build(since: start, until: now)
    }

    /// Where the brief's period starts by default: the last delivered brief, else 24 hours ago.
    public func defaultBriefSince(now: Date = Date()) async throws -> Date {
        if let value = try await store.stateValue(Self.lastBriefKey)?.stringValue, let date = ISO8601.parse(value) { return date }
        return now.addingTimeInterval(-24 * 3600)
    }

    /// Writes `reports/brief/YYYY-MM-DD.md` (the day the period ends). Returns its path.
    @discardableResult
    public func saveBrief(_ brief: Brief) throws -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = configuration.settings.timeZone
        let day = calendar.dateComponents([.year, .month, .day], from: brief.period.until)
        let directory = "\(workspace.reportsDirectory)/brief"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/" + String(format: "%04d-%02d-%02d.md", day.year ?? 0, day.month ?? 0, day.day ?? 0)
        try Data(BriefRenderer.markdown(brief).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    /// Sends the brief to every notifier (webhooks get a body Slack and Discord both accept;
    /// commands get it on `NIGHTSHIFT_ALERT_TEXT`) and, when at least one took it, marks it
    /// delivered, so the next brief starts where this one ended; then anchors the audit trail
    /// (docs/RELIABILITY.md). A brief nobody received (no notifier configured, or every one
    /// failed) is not marked: the next one covers its period again.
    public func deliverBrief(_ brief: Brief) async throws -> BriefDelivery {
        var delivery = BriefDelivery()
        for notifier in configuration.notifiers {
            let problem: String?
            switch notifier.kind {
            case .webhook(let webhook):
                problem = await WebhookNotifier(name: notifier.name, webhook: webhook, executor: executor).send(BriefRenderer.webhookBody(brief))
            case .command(let command):
                let message = AlertMessage(
                    job: "brief", kind: .brief, runID: nil, consecutiveFailures: 0, error: nil, text: BriefRenderer.chatText(brief), at: brief.generatedAt
                )
                problem = await CommandNotifier(name: notifier.name, command: command, executor: executor, logDirectory: workspace.logsDirectory)
                    .deliver(message)
            }
            if let problem { delivery.problems.append("\(notifier.name): \(problem)") } else { delivery.deliveredTo.append(notifier.name) }
        }
        if delivery.delivered {
            try await store.setStateValue(Self.lastBriefKey, .string(ISO8601.format(brief.period.until, in: TimeZone(identifier: "UTC")!)), at: brief.generatedAt)
        }
        do { _ = try await writeAnchor(reason: "brief", onlyIfMoved: false) } catch {
            delivery.anchorProblem = "\(error)"
        }
        return delivery
    }
}

/// What became of a brief's delivery (``NightshiftApplication/deliverBrief(_:)``).
public struct BriefDelivery: Sendable {
    /// The notifiers that took it.
    public var deliveredTo: [String] = []
    /// `NAME: problem`, one per notifier that did not.
    public var problems: [String] = []
    /// Why no anchor was written, if none was.
    public var anchorProblem: String?

    /// Whether anyone received it; only then is it marked delivered.
    public var delivered: Bool { !deliveredTo.isEmpty }

    /// One line per thing that did not happen: notifiers that failed, no notifier at all, the anchor.
    public var shortfalls: [String] {
        var lines = problems.map { "brief not delivered to \($0)" }
        if deliveredTo.isEmpty, problems.isEmpty {
            lines.append("brief not delivered: no notifier is configured ([[notifiers]] in nightshift.toml); the next brief covers this period again")
        }
        if let anchorProblem { lines.append("the audit trail was not anchored: \(anchorProblem)") }
        return lines
    }

    /// A failure: a notifier or the anchor failed. Having no notifier at all is said, not failed.
    public var failed: Bool { !problems.isEmpty || anchorProblem != nil }
}
