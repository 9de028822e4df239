import ArgumentParser
import Foundation
import NightshiftApp

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a workspace: a commented nightshift.toml, the SQLite store and its identity (.nightshift-store-id), logs/ and journal/.",
        discussion: "Refuses to overwrite an existing workspace unless --force. Examples: \(WorkspaceTemplate.names.joined(separator: ", "))."
    )

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "The example to start from: minimal, builder (with the builder policy) or sales (with the sales policy).")
    var example = "minimal"

    @Flag(help: "Overwrite the configuration of an existing workspace (the store and logs are kept).")
    var force = false

    func run() async throws {
        let target = workspace.resolved
        let written = try await WorkspaceTemplate.create(target, example: example, force: force, newStore: workspace.newStore)
        print("created workspace \(target.root) from the \(example) example:")
        for path in written { print("  \(path)") }
        print("next: nightshift config check -w \(target.root) && nightshift serve -w \(target.root)")
    }
}
