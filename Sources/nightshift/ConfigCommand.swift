import ArgumentParser
import Foundation
import NightshiftApp
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
            var jobs: [String]
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
            if output.json {
                try Output.json(Report(
                    file: target.configPath,
                    valid: configuration != nil,
                    jobs: configuration?.jobs.map(\.name) ?? [],
                    problems: diagnostics.map {
                        Problem(file: $0.file, line: $0.location.line, column: $0.location.column, severity: $0.severity.rawValue, message: $0.message)
                    }
                ))
            } else {
                for diagnostic in diagnostics {
                    FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
                }
                if let configuration {
                    print("\(target.configPath): ok (\(configuration.jobs.count - configuration.cycles.count) jobs, \(configuration.cycles.count) cycles, \(configuration.notifiers.count) notifiers)")
                }
            }
            if configuration == nil {
                if !output.json {
                    let count = diagnostics.filter { $0.severity == .error }.count
                    FileHandle.standardError.write(Data("\(count) error\(count == 1 ? "" : "s") in \(target.configPath)\n".utf8))
                }
                throw ExitCode(2)
            }
        }
    }
}
