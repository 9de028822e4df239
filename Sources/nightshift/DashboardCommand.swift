import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

/// `nightshift dashboard`: the builder's state at a glance, once or refreshed.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The operator's context, active builds, queue totals, next tasks, approvals waiting and open problems.",
        discussion: """
            Reads only. --watch N redraws it every N seconds until Ctrl-C (not with --json). Needs [builder].

            Example: nightshift dashboard --watch 5
            """
    )
    @OptionGroup var workspace: WorkspaceOptions
    @Option(parsing: .unconditional, help: ArgumentHelp("Redraw every N seconds (1–3600).", valueName: "N"), transform: NumberArgument.integer())
    var watch: Int?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let watch, !(1...3600).contains(watch) { throw ValidationError("--watch must be between 1 and 3600 seconds, found \(watch)") }
        if watch != nil, output.json { throw ValidationError("--watch redraws the text dashboard; leave out --json") }
    }

    func run() async throws {
        let app = try await workspace.load()
        let zone = app.configuration.settings.timeZone
        while true {
            let dashboard = try await Dashboard.read(app, at: app.clock.now())
            if output.json { return Output.printJSON(dashboard.json(zone: zone, logsDirectory: app.workspace.logsDirectory)) }
            guard let watch else { return print(dashboard.text(zone: zone)) }
            // Clear the screen and go home, then draw.
            print("\u{1B}[2J\u{1B}[H" + dashboard.text(zone: zone) + "\n(refreshing every \(watch) s; Ctrl-C stops)")
            try await Task.sleep(for: .seconds(watch))
        }
    }
}
