import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

/// `nightshift metrics`: the success metrics against the reference's targets.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Builds completed, hours shipped, fixes, patterns, autonomous against operator hours: each against its target.",
        discussion: """
            Over the last day, week (the default) or month. Targets are the reference's, scaled to the period: \
            2–3 builds and 6–8 hours shipped a night, 1–2 problems fixed a day, a pattern learned a week, \
            126–133 autonomous hours a week (the builder's windows open) against the operator's available \
            hours (the [context] routine) for a 3.5–4× multiplier, 2–4 weekend projects and 5–10 \
            self-improvements (improve accept tasks) a month, 3–5 high-confidence patterns. Needs [builder].

            Example: nightshift metrics --period month --json
            """
    )
    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: ArgumentHelp("day, week or month.", valueName: "PERIOD")) var period = "week"
    @OptionGroup var output: OutputOptions

    func run() async throws {
        guard let period = SuccessMetrics.Period(rawValue: period) else {
            throw AppError.usage("--period must be day, week or month, found \"\(period)\"")
        }
        let app = try await workspace.load()
        _ = try app.requireBuilder()
        let metrics = try await SuccessMetrics.measure(app, period: period, at: app.clock.now())
        let zone = app.configuration.settings.timeZone
        if output.json { return Output.printJSON(metrics.json(zone: zone)) }
        print(metrics.text(zone: zone))
    }
}
