public import Foundation
public import NightshiftCore

/// One of the sales pack's steps (`sales.NAME`): the nightly cycle's, each also run alone by
/// `nightshift steps run sales.NAME` or its `prospects` command. It prints what it did and a
/// `NIGHTSHIFT_OUTPUT` line with the same as JSON.
struct SalesStep: PackStep {
    let name: String
    let summary: String
    let body: @Sendable (StepContext) async throws -> (lines: [String], json: [String: JSONValue])

    /// How many lines (and JSON items) a step's output lists; the rest are counted.
    static let listed = 50

    /// `items` cut to ``listed``, with a line saying how many more there are.
    static func capped(_ lines: [String]) -> [String] {
        lines.count <= listed ? lines : Array(lines.prefix(listed)) + ["… and \(lines.count - listed) more"]
    }

    /// The first ``listed`` of `items`, as JSON.
    static func first(_ items: [JSONValue]) -> JSONValue { .array(Array(items.prefix(listed))) }

    func run(_ context: StepContext) async -> ActionResult {
        do {
            let (lines, json) = try await body(context)
            return StepText.result(Self.capped(lines), json)
        } catch {
            return .failure("\(name): \(error)")
        }
    }
}

/// The nightly cycle's steps, in order, with the reference's duration target as each one's budget.
public enum SalesNightly {
    public static let steps: [(name: String, budget: Duration, condensed: Bool)] = [
        ("backup", .seconds(30), true), ("pull", .seconds(120), false), ("dedupe", .seconds(60), false), ("assess", .seconds(30), false),
        ("research", .seconds(1800), false), ("groundskeeper", .seconds(300), false), ("rescore", .seconds(300), false),
        ("buckets", .seconds(30), true), ("nurture", .seconds(600), false), ("brief", .seconds(300), true), ("intel", .seconds(300), false),
    ]

    /// The steps of the hourly jobs (`sales-calendar-sync`, `sales-demo-prep`).
    public static let hourlySteps = ["calendar", "prep"]

    /// The `nightly` cycle: 02:00 (`[sales.nightly] schedule`), the steps in order, each with its
    /// budget, a deadline (07:00) after which unstarted steps wait, and a condensed catch-up of
    /// backup, buckets and brief when the night was missed (the rest runs after it).
    public static func cycle(settings: SalesSettings, timeZone: TimeZone) throws -> Cycle {
        let job = Job(
            name: "nightly", description: "The sales night: backup, pull, dedupe, assess, research, groundskeeper, rescore, buckets, nurture, brief, intel",
            schedule: try Schedule.cron(parsing: settings.nightlySchedule), timeZone: timeZone, action: .cycle("nightly"),
            overlap: .skip, missed: .once, grace: .seconds(20 * 3600)
        )
        let cycleSteps = steps.map { name, budget, condensed in
            CycleStep(
                name: name, action: .step("sales.\(name)"), budget: budget, hardTimeout: budget * 4 + .seconds(60), condensed: condensed,
                onFailure: .continue
            )
        }
        return Cycle(name: "nightly", job: job, budget: .seconds(3600), deadline: settings.nightlyDeadline, leaseTTL: .seconds(15), steps: cycleSteps)
    }
}
