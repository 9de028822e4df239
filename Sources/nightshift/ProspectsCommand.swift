import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore
import NightshiftSales

/// `nightshift prospects …`: the sales pack's prospects (docs/SALES.md).
struct ProspectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prospects",
        abstract: "Import and look at the sales pack's prospects.",
        discussion: """
            States: unengaged, broken (a record that lacks a valid email or a name), engaged, parked, customer, \
            do_not_contact.

              nightshift prospects import leads.csv --map "E-mail Address=email" --source webinar
              nightshift prospects list --state broken
            """,
        subcommands: [Import.self, List.self, Show.self, Park.self, Activate.self, DoNotContact.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import prospects from a CSV file.",
            discussion: """
                The file is RFC 4180 CSV with a header (a UTF-8 byte-order mark, `;` or tab separators are fine). A column \
                fills the field its name says (Email, First Name, Company …), or the one [sales.import] or --map gives it; \
                the fields are \(ProspectImportReader.fieldList). A file with any malformed row imports nothing and lists \
                every bad line as FILE:LINE: message (exit 2); with --skip-bad the good rows are imported and the bad ones \
                written to imports/rejected-TIMESTAMP.csv. A row without a valid email or a name is imported as broken, with \
                the reason. A prospect whose main address is stored already is left as it is.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(name: .customLong("map"), help: ArgumentHelp("Which field a column fills (repeat it).", valueName: "COLUMN=FIELD"))
        var maps: [String] = []
        @Option(help: ArgumentHelp("Where the prospects came from (default csv), for rows without a source column.", valueName: "NAME"))
        var source: String?
        @Flag(name: .customLong("skip-bad"), help: "Import the good rows of a file with malformed rows; write the bad ones aside.")
        var skipBad = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let mapping: [String: ProspectField]
            do { mapping = try ProspectImportReader.mapping(arguments: maps) } catch { throw AppError.usage(error.description) }
            let app = try await workspace.load()
            let summary = try await app.importProspects(path: file, mapping: mapping, source: source, skipBad: skipBad)
            if output.json { return Output.printJSON(summary.json) }
            print("\(summary.inserted) prospect\(summary.inserted == 1 ? "" : "s") imported (\(summary.broken.count) broken), "
                + "\(summary.alreadyStored) already stored, \(summary.rejected.count) rejected")
            for row in summary.broken { print("  \(file):\(row.line): broken: \(row.reason)") }
            for problem in summary.rejected { print("  rejected \(problem)") }
            if let path = summary.rejectedFile { print("rejected rows written to \(path)") }
            if !summary.ignoredColumns.isEmpty { print("columns not imported: \(summary.ignoredColumns.joined(separator: ", "))") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List prospects, oldest first.")
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("Only these states, comma-separated.", valueName: "STATES")) var state: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("At most this many (default 100).", valueName: "N"), transform: NumberArgument.integer())
        var limit = 100
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard (1...100_000).contains(limit) else { throw AppError.usage("--limit must be between 1 and 100000, found \(limit)") }
            let states: Set<ProspectState> = try StateOption.parse(state ?? "")
            let app = try await workspace.load()
            let prospects = try await app.listProspects(states: states, limit: limit)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(.array(prospects.map { $0.json(zone: zone) })) }
            if prospects.isEmpty { return print("No prospects\(states.isEmpty ? "" : " in that state"); nightshift prospects import FILE.csv adds some.") }
            for prospect in prospects {
                let reason = prospect.stateReason.map { " — \($0)" } ?? ""
                print("\(prospect.id)  \(prospect.state.rawValue)  \(prospect.name ?? "(no name)")  \(prospect.emails.first ?? "(no email)")  \(prospect.company ?? "")\(reason)")
            }
        }
    }

    struct Park: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a prospect aside until a month: it comes back on that month's first business day.",
            discussion: "Business days skip Saturdays, Sundays and [sales] holidays, in the workspace's zone. Example: nightshift prospects park p_01… --until 2027-03 --reason \"budget in spring\""
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The prospect's id (p_…).") var id: String
        @Option(help: ArgumentHelp("The month it comes back, YYYY-MM.", valueName: "MONTH")) var until: String
        @Option(help: ArgumentHelp("Why, kept with it.", valueName: "TEXT")) var reason: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let prospect = try await app.parkProspect(id, until: until, reason: reason)
            if output.json { return Output.printJSON(prospect.json(zone: app.configuration.settings.timeZone)) }
            print("\(prospect.id) parked until \(until)")
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring back the parked prospects whose month has come (the nightly buckets step does it too).",
            discussion: "With --month, those parked until that month or earlier, whatever the day. Running it again changes nothing."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("Bring back the buckets up to this month, YYYY-MM.", valueName: "MONTH")) var month: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let back = try await app.activateProspects(month: month)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(.array(back.map { $0.json(zone: zone) })) }
            print(back.isEmpty ? "No parked prospect is due." : "\(back.count) prospect\(back.count == 1 ? "" : "s") back: \(back.map(\.id).joined(separator: ", "))")
        }
    }

    struct DoNotContact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dnc",
            abstract: "Mark a prospect do-not-contact: never drafted, never parked, never brought back.",
            discussion: "Marking one that is marked already changes nothing (exit 0). Example: nightshift prospects dnc p_01… --reason \"asked to be removed\""
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The prospect's id (p_…).") var id: String
        @Option(help: ArgumentHelp("Why, kept with it.", valueName: "TEXT")) var reason: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let (prospect, changed) = try await app.markDoNotContact(id, reason: reason)
            if output.json { return Output.printJSON(prospect.json(zone: app.configuration.settings.timeZone)) }
            print(changed ? "\(prospect.id) is do-not-contact" : "\(prospect.id) was do-not-contact already")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one prospect in full.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The prospect's id (p_…).") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let prospect = try await app.prospect(id)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(prospect.json(zone: zone)) }
            var lines = ["\(prospect.id): \(prospect.name ?? "(no name)")", "state: \(prospect.state.rawValue)\(prospect.stateReason.map { " — \($0)" } ?? "")"]
            if !prospect.emails.isEmpty { lines.append("email: \(prospect.emails.joined(separator: ", "))") }
            for (label, value) in [("company", prospect.company), ("domain", prospect.domain), ("title", prospect.title), ("phone", prospect.phone), ("source", prospect.source)] {
                if let value { lines.append("\(label): \(value)") }
            }
            if !prospect.externalIDs.isEmpty { lines.append("external ids: \(prospect.externalIDs.joined(separator: ", "))") }
            for key in prospect.custom.keys.sorted() { lines.append("custom.\(key): \(prospect.custom[key]!)") }
            lines.append("created: \(ISO8601.format(prospect.createdAt, in: zone))")
            print(lines.joined(separator: "\n"))
        }
    }
}
