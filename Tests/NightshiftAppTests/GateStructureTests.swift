import Foundation
import Logging
import NightshiftApp
import NightshiftBuilder
import NightshiftCore
import NightshiftTesting
import Testing

/// The shape issue 12 asks for, held by tests: every action type Nightshift and its packs propose
/// is executed by a handler through the gate, and no pack target reaches the executors.
@Suite("Gate structure: every built-in and pack action type has a handler; packs do not import NightshiftExec")
struct GateStructureTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The builder example in a new folder (removed by the caller), loaded on `clock`.
    static func builderApp(clock: any WallClock = SystemWallClock()) async throws -> (NightshiftApplication, folder: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("structure-\(UUID().uuidString)").path
        let workspace = Workspace(root: folder)
        _ = try await WorkspaceTemplate.create(workspace, example: "builder", force: false)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return (try await buildApplication(workspace: workspace, environment: ["PATH": "/usr/bin:/bin"], clock: clock, logger: logger), folder)
    }

    @Test("the built-in catalog, the health fixes, anchors and the builder's spawns all execute through a handler of the gate")
    func everyTypeHasAHandler() async throws {
        let (app, folder) = try await Self.builderApp()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let handlers = app.gate.handlers
        let types = Set(Policy.builtinCatalog.keys).union(["spawn_subagent"]).union(FixKind.allCases.map(\.actionType))
        for type in types.sorted() {
            // An empty payload: the handler is found by its type, not by a command in the payload.
            #expect(handlers.handler(type: type, payload: .object([:])) != nil, "nothing executes \(type)")
        }
        #expect(Set(handlers.types).isSuperset(of: types))
    }

    @Test("one gate and one cycle engine per application, all on the clock it was built with")
    func oneGatePerApplication() async throws {
        let clock = TestClock(now: ISO8601.parse("2026-11-21T03:00:00Z")!)
        let (app, folder) = try await Self.builderApp(clock: clock)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let copy = app
        #expect(app.gate === copy.gate)
        #expect(app.cycleEngine.gate === app.gate)
        #expect(app.gate.clock as? TestClock === clock)
        // The builder's worker and the packs' steps decide through the same gate on the same clock.
        let worker = try app.makeBuildWorker()
        #expect(worker.gate === app.gate)
        #expect(app.packContext().clock as? TestClock === clock)
        // Copies made concurrently still share the one gate.
        let gates = await withTaskGroup(of: ObjectIdentifier.self) { group in
            for _ in 0..<8 { group.addTask { ObjectIdentifier(copy.gate) } }
            return await group.reduce(into: Set<ObjectIdentifier>()) { $0.insert($1) }
        }
        #expect(gates == [ObjectIdentifier(app.gate)])
    }

    @Test("a step no pack provides is refused when the workspace loads, naming the cycle, the step and what the packs provide")
    func unknownStepIsRefused() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("structure-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            [cycles.nightly]
            schedule = "0 2 * * *"

            [[cycles.nightly.steps]]
            name = "count"
            run = { step = "demo.count" }
            """.write(toFile: "\(folder)/nightshift.toml", atomically: true, encoding: .utf8)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        do {
            _ = try await buildApplication(workspace: Workspace(root: folder), environment: ["PATH": "/usr/bin:/bin"], newStore: true, logger: logger)
            Issue.record("a step no pack provides was accepted")
        } catch let error as AppError {
            #expect("\(error)".contains("cycle nightly, step count: no step demo.count; the packs provide: brief.deliver, health.fix"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/nightshift.sqlite"), "a refused configuration creates no store")
    }

    @Test("the CLI calls use cases: no command reads or writes the store itself")
    func cliHasNoStore() throws {
        let folder = Self.repository.appendingPathComponent("Sources/nightshift")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let uses = text.split(separator: "\n").filter { $0.contains("app.store") }
            #expect(uses.isEmpty, "nightshift/\(file): \(uses.joined(separator: " | "))")
        }
    }

    @Test("pack targets depend on NightshiftCore, never on NightshiftExec")
    func packsDoNotImportTheExecutors() throws {
        for pack in ["NightshiftBuilder"] {
            let folder = Self.repository.appendingPathComponent("Sources/\(pack)")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
            #expect(!files.isEmpty, "no sources found for \(pack) at \(folder.path)")
            for file in files {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                let imports = text.split(separator: "\n").filter { $0.contains("import NightshiftExec") || $0.contains("import NightshiftApp") }
                #expect(imports.isEmpty, "\(pack)/\(file) imports \(imports.joined(separator: ", "))")
            }
            let manifest = try String(contentsOf: Self.repository.appendingPathComponent("Package.swift"), encoding: .utf8)
            let target = try #require(manifest.range(of: "name: \"\(pack)\""))
            let declaration = manifest[target.upperBound...].prefix(while: { _ in true }).components(separatedBy: "swiftSettings").first ?? ""
            #expect(!declaration.contains("NightshiftExec"), "Package.swift gives \(pack) NightshiftExec")
        }
    }
}
