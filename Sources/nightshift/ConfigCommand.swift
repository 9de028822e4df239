import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Inspect the workspace's configuration.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate nightshift.toml and print every problem as FILE:LINE:COL: message.",
            discussion: "Exit status 0 when the file is valid (warnings may still print), 2 when it has errors."
        )

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        struct Report: Encodable {
            var file: String
            var valid: Bool
            /// Every job `jobs list` shows: declared ones, cycles' and the packs'.
            var jobs: [String]
            var cycles: [String]
            /// The jobs and cycles a pack added (the builder pack's `overnight` and `morning-brief`).
            var fromPacks: [String]
            var problems: [Problem]
        }

        struct Problem: Encodable {
            var file: String
            var line: Int
            var column: Int
            var severity: String
            var message: String
        }

        func run() async throws {
            let target = workspace.resolved
            let file = "nightshift.toml"
            guard FileManager.default.isReadableFile(atPath: target.configPath) else {
                throw AppError.usage("\(target.configPath): cannot read the file (create a workspace with nightshift init)")
            }
            let configuration: WorkspaceConfiguration?
            let diagnostics: [ConfigDiagnostic]
            do throws(ConfigError) {
                let text = try ConfigLoader.readText(path: target.configPath, file: file)
                (configuration, diagnostics) = ConfigLoader.parse(
                    text, file: file, environment: ProcessInfo.processInfo.environment, directory: target.root,
                    sections: NightshiftApplication.packSections, readCalendars: true
                )
            } catch {
                (configuration, diagnostics) = (nil, error.diagnostics)
            }
            // What the workspace runs: the file's jobs and cycles plus what its packs add.
            let installed = try configuration.map { declared in
                var whole = declared
                do {
                    try NightshiftApplication.installPacks(into: &whole)
                } catch {
                    throw AppError.usage("\(target.configPath): \(error)")
                }
                return whole
            }
            let added = Set(installed?.jobs.map(\.name) ?? []).subtracting(configuration?.jobs.map(\.name) ?? [])
            if output.json {
                try Output.json(Report(
                    file: target.configPath,
                    valid: configuration != nil,
                    jobs: installed?.jobs.map(\.name) ?? [],
                    cycles: installed?.cycles.map(\.name) ?? [],
                    fromPacks: installed?.jobs.map(\.name).filter(added.contains) ?? [],
                    problems: diagnostics.map {
                        Problem(file: $0.file, line: $0.location.line, column: $0.location.column, severity: $0.severity.rawValue, message: $0.message)
                    }
                ))
            } else {
                for diagnostic in diagnostics {
                    FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
                }
                if let installed {
                    let cycles = installed.cycles.map(\.name)
                    let jobs = installed.jobs.map(\.name).filter { !cycles.contains($0) }
                    let counts = [Self.count(jobs, "job", added), Self.count(cycles, "cycle", added), Self.count(installed.notifiers.map(\.name), "notifier", [])]
                    print("\(target.configPath): ok (\(counts.joined(separator: ", ")))")
                }
            }
            if installed == nil {
                if !output.json {
                    let count = diagnostics.filter { $0.severity == .error }.count
                    FileHandle.standardError.write(Data("\(count) error\(count == 1 ? "" : "s") in \(target.configPath)\n".utf8))
                }
                throw ExitCode(2)
            }
        }

        /// `3 jobs (1 from the builder pack)`, `1 cycle (from the builder pack)`, `0 notifiers`.
        static func count(_ names: [String], _ noun: String, _ fromPack: Set<String>) -> String {
            let packs = names.filter(fromPack.contains).count
            let origin = packs == 0 ? "" : packs == names.count ? " (from the builder pack)" : " (\(packs) from the builder pack)"
            return "\(names.count) \(noun)\(names.count == 1 ? "" : "s")\(origin)"
        }
    }
}
