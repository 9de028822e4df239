import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

/// `nightshift brief`: the morning brief.
struct BriefCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brief",
        abstract: "The brief of a period: what shipped, what failed and why, what waits for you.",
        discussion: """
            Built from the store alone for the period since --since (default: since the last delivered \
            brief, else the last 24 hours): builds shipped, in progress and failed (builder), failed runs, \
            missed runs and catch-ups, cycles over budget, approvals waiting (with the command that \
            approves each), goals behind pace, the queue and the next three tasks. An empty period is one line.

            Printed to stdout and written to reports/brief/YYYY-MM-DD.md. --deliver also sends it to every \
            notifier (a webhook gets a body Slack and Discord both accept) and, when one took it, marks it \
            delivered: the next brief starts where this one ended. With no notifier configured it says so \
            and marks nothing (exit 0); a notifier that fails exits 1. The builder's morning-brief job runs `brief --deliver` at 07:00.
            """
    )
    enum Format: String, ExpressibleByArgument, CaseIterable { case md, html, json }

    @OptionGroup var workspace: WorkspaceOptions
    @Option(help: ArgumentHelp("Start of the period: an ISO 8601 instant or a duration back from now (12h).", valueName: "T")) var since: String?
    @Option(help: "md, html or json.") var format: Format = .md
    @Flag(help: "Send it to the notifiers too, and mark it delivered.") var deliver = false
    @Flag(help: "Do not write reports/brief/.") var noSave = false

    func run() async throws {
        let app = try await workspace.load()
        await app.noteRequest("brief")
        let now = app.clock.now()
        let brief = try await app.brief(since: try since.map { try SinceOption.parse($0, now: now) }, until: now)
        switch format {
        case .md: print(BriefRenderer.markdown(brief))
        case .html: print(BriefRenderer.html(brief))
        case .json: print(BriefRenderer.json(brief))
        }
        if !noSave {
            let path = try app.saveBrief(brief)
            FileHandle.standardError.write(Data("brief written to \(path)\n".utf8))
        }
        if deliver {
            let delivery = try await app.deliverBrief(brief)
            for line in delivery.shortfalls { FileHandle.standardError.write(Data("nightshift: \(line)\n".utf8)) }
            if delivery.failed { throw ExitCode(1) }
        }
    }
}
