import Foundation
import Logging
import NightshiftApp
import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("Workspaces and their examples")
struct WorkspaceTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("init writes exactly the files of examples/NAME, and they pass config check", arguments: WorkspaceTemplate.names)
    func examplesMatchTemplates(_ name: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-template-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let workspace = Workspace(root: folder.path)
        let written = try await WorkspaceTemplate.create(workspace, example: name, force: false)
        let example = Self.packageRoot.appendingPathComponent("examples/\(name)")
        let files = FileManager.default.enumerator(atPath: example.path)!.compactMap { $0 as? String }
            .filter { !$0.hasPrefix(".") }
            .filter { var isDirectory: ObjCBool = false; FileManager.default.fileExists(atPath: example.appendingPathComponent($0).path, isDirectory: &isDirectory); return !isDirectory.boolValue }
        #expect(Set(written.dropLast(2)) == Set(files), "run scripts/generate-templates after editing examples/")
        for file in files {
            let expected = try String(contentsOf: example.appendingPathComponent(file), encoding: .utf8)
            let actual = try String(contentsOfFile: "\(workspace.root)/\(file)", encoding: .utf8)
            #expect(actual == expected, "\(name)/\(file) differs from its template: run scripts/generate-templates")
        }
        for directory in [workspace.logsDirectory, workspace.journalDirectory, workspace.reportsDirectory] {
            #expect(FileManager.default.fileExists(atPath: directory))
        }
        var configuration = try ConfigLoader.load(path: workspace.configPath, environment: [:], sections: NightshiftApplication.packSections)
        #expect(!configuration.jobs.isEmpty)
        let declared = configuration.jobs.map(\.name)
        let app = try await buildApplication(workspace: workspace, environment: [:], logger: Logger(label: "test"))
        // The store knows every declared job, and the packs' cycles and jobs too.
        for pack in NightshiftApplication.packs { try pack.install(into: &configuration) }
        let expected = configuration.jobs.map(\.name)
        if name == "builder" {
            #expect(Set(expected).subtracting(declared) == [
                "overnight", "morning-brief", "checkin-tonight", "checkin-weekend", "window-quick_win", "window-work_hours", "window-weekend",
            ])
        }
        if name == "sales" { #expect(Set(expected).subtracting(declared) == ["nightly", "sales-nurture"]) }
        let stored = try await app.store.jobStates().map(\.name)
        #expect(stored.sorted() == expected.sorted())
    }

    @Test("an existing workspace is refused without --force")
    func refusesOverwrite() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-template-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let workspace = Workspace(root: folder.path)
        try await WorkspaceTemplate.create(workspace, example: "minimal", force: false)
        await #expect(throws: AppError.self) { try await WorkspaceTemplate.create(workspace, example: "minimal", force: false) }
        try await WorkspaceTemplate.create(workspace, example: "builder", force: true)
        #expect(try String(contentsOfFile: workspace.configPath, encoding: .utf8).contains("builder"))
    }

    @Test("the workspace is --workspace, else NIGHTSHIFT_WORKSPACE, else the nearest folder with nightshift.toml, else ~/.nightshift")
    func resolution() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ns-resolve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let nested = folder.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder.appendingPathComponent("nightshift.toml").path, contents: Data())
        let root = Workspace(root: folder.path).root
        #expect(Workspace.resolve(explicit: "/x/y", environment: ["NIGHTSHIFT_WORKSPACE": "/e"], currentDirectory: nested.path).root == "/x/y")
        #expect(Workspace.resolve(explicit: nil, environment: ["NIGHTSHIFT_WORKSPACE": "/e"], currentDirectory: nested.path).root == "/e")
        #expect(Workspace.resolve(explicit: nil, environment: [:], currentDirectory: nested.path).root == root)
        #expect(Workspace.resolve(explicit: nil, environment: ["HOME": "/home/op"], currentDirectory: "/").root == "/home/op/.nightshift")
        #expect(Workspace.resolve(explicit: "rel", environment: [:], currentDirectory: "/base").root == "/base/rel")
    }
}
