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

        func run() async throws {
            let target = workspace.resolved
            let check = try ConfigCheck.run(target, environment: ProcessInfo.processInfo.environment)
            if output.json {
                try Output.json(check)
            } else {
                for diagnostic in check.diagnostics {
                    FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
                }
                if check.valid {
                    let added = Set(check.fromPacks)
                    let jobs = check.jobs.filter { !check.cycles.contains($0) }
                    let counts = [Self.count(jobs, "job", added), Self.count(check.cycles, "cycle", added), Self.count(check.notifiers, "notifier", [])]
                    print("\(target.configPath): ok (\(counts.joined(separator: ", ")))")
                }
            }
            if !check.valid {
                if !output.json {
                    let count = check.diagnostics.filter { $0.severity == .error }.count
                    FileHandle.standardError.write(Data("\(count) error\(count == 1 ? "" : "s") in \(target.configPath)\n".utf8))
                }
                throw ExitCode(2)
            }
        }

        /// `3 jobs (1 from packs)`, `1 cycle (from packs)`, `0 notifiers`: what the packs added
        /// (the builder's overnight cycle, the sales pack's nightly one) beside what the file declares.
        static func count(_ names: [String], _ noun: String, _ fromPack: Set<String>) -> String {
            let packs = names.filter(fromPack.contains).count
            let origin = packs == 0 ? "" : packs == names.count ? " (from packs)" : " (\(packs) from packs)"
            return "\(names.count) \(noun)\(names.count == 1 ? "" : "s")\(origin)"
        }
    }
}
