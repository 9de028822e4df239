import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore
import NightshiftSales

/// `nightshift outbox …`: the mails the sales pack drafted (docs/SALES.md, "Nurture").
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "The mails the sales pack drafted, waiting to be sent.",
        discussion: """
            The nightly nurture step drafts each due step of the [sales.nurture.NAME] sequences here (a draft_nurture_email \
            action through the policy, never for a do-not-contact prospect). States: draft, sent, discarded.

              nightshift outbox list
              nightshift outbox show o_…
            """,
        subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the outbox, newest first.")
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("Only these states (draft, sent, discarded), comma-separated.", valueName: "STATES")) var state: String?
        @Option(help: ArgumentHelp("Only this prospect's.", valueName: "ID")) var prospect: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("At most this many (default 100).", valueName: "N"), transform: NumberArgument.integer())
        var limit = 100
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard (1...100_000).contains(limit) else { throw AppError.usage("--limit must be between 1 and 100000, found \(limit)") }
            let states: Set<OutboxItem.State> = try StateOption.parse(state ?? "")
            let app = try await workspace.load()
            let items = try await app.outbox(states: states, prospect: prospect, limit: limit)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(.array(items.map { $0.json(zone: zone) })) }
            if items.isEmpty { return print("The outbox is empty\(states.isEmpty ? "" : " in that state").") }
            for item in items {
                print("\(item.id)  \(item.state.rawValue)  \(ISO8601.format(item.createdAt, in: zone))  \(item.sequence) #\(item.step + 1)  \(item.recipient)  \(item.subject)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one drafted mail in full.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The item's id (o_…).") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let item = try await app.outboxItem(id)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(item.json(zone: zone)) }
            print("""
                \(item.id) (\(item.state.rawValue), \(item.sequence) step \(item.step + 1), prospect \(item.prospectID), \(ISO8601.format(item.createdAt, in: zone)))
                To: \(item.recipient)
                Subject: \(item.subject)

                \(item.body)
                """)
        }
    }
}
