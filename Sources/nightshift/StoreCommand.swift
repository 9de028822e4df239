import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

/// `nightshift store …`: the workspace's store as a whole.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "The workspace's store as a whole: copy it to PostgreSQL or to another SQLite file.",
        subcommands: [Migrate.self]
    )

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the store, row for row, into an empty PostgreSQL database or a new SQLite file, and check the copy.",
            discussion: """
                The copy keeps everything as it is: ids, times, the store's identity and the audit chain, \
                which is verified again on the target and must end at the same head; every table must hold \
                the same number of rows. The daemon must be stopped. The workspace goes on using its store \
                until you point it at the copy: for PostgreSQL, add to nightshift.toml

                  [store]
                  url = "env:NIGHTSHIFT_DATABASE_URL"

                and set NIGHTSHIFT_DATABASE_URL where the daemon runs; for a SQLite copy, put the file in \
                place of the workspace's nightshift.sqlite. Examples:

                  nightshift store migrate --to env:NIGHTSHIFT_DATABASE_URL
                  nightshift store migrate --to sqlite:/srv/backup/nightshift-copy.sqlite

                Exit 0 when the copy checks out, 1 when it cannot be made or does not check out (a new \
                SQLite file is removed again), 2 for a target that cannot be read.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp(
            "postgres://USER:PASSWORD@HOST[:PORT]/DATABASE[?schema=NAME], env:NAME (keeps the password out of the process list), or sqlite:PATH.",
            valueName: "target"
        ))
        var to: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let target = try StoreMigration.Target(
                parsing: to, environment: app.environment, relativeTo: FileManager.default.currentDirectoryPath
            )
            let report = try await StoreMigration.run(app, to: target)
            if output.json { return try Output.json(report) }
            let total = report.rows.values.reduce(0, +)
            print("copied \(total) rows of \(report.rows.filter { $0.value > 0 }.count) tables from \(report.from) to \(report.to)")
            print("store identity \(report.store); audit chain verified again on the copy: \(report.auditRecords) records, head \(report.auditHead?.prefix(16) ?? "none")…")
            for (table, count) in report.rows.sorted(by: { $0.key < $1.key }) where count > 0 { print("  \(table): \(count)") }
        }
    }
}
