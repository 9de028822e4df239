import Foundation
@testable import NightshiftApp
import Testing

/// `WorkspaceTemplate+Files.swift` is generated from examples/ by scripts/generate-templates; these
/// tests fail when the two drift apart, and say how to bring them together again.
@Suite("The embedded example workspaces")
struct WorkspaceTemplateTests {
    static let regenerate = "run scripts/generate-templates to regenerate Sources/NightshiftApp/WorkspaceTemplate+Files.swift from examples/"
    static let examples = WorkspaceTests.packageRoot.appendingPathComponent("examples")

    /// The examples `init --example` offers: the folders of examples/ holding a nightshift.toml.
    static func exampleNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted()
            .filter { FileManager.default.fileExists(atPath: examples.appendingPathComponent("\($0)/nightshift.toml").path) }
    }

    /// Every file under examples/NAME (hidden ones too), relative to it.
    static func files(of name: String) -> [String] {
        let folder = examples.appendingPathComponent(name)
        return (FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    @Test("the embedded examples are those of examples/")
    func sameExamples() throws {
        #expect(WorkspaceTemplate.names == (try Self.exampleNames()), "\(Self.regenerate)")
    }

    @Test("each embedded file is the example's file, byte for byte, with its executable bit", arguments: try WorkspaceTemplateTests.exampleNames())
    func sameFiles(_ name: String) throws {
        let embedded = WorkspaceTemplate.files[name] ?? []
        #expect(embedded.map(\.path).sorted() == Self.files(of: name), "examples/\(name) has other files: \(Self.regenerate)")
        for file in embedded {
            let path = Self.examples.appendingPathComponent("\(name)/\(file.path)").path
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            #expect(Data(file.contents.utf8) == bytes, "examples/\(name)/\(file.path) differs from its embedded copy: \(Self.regenerate)")
            #expect(file.executable == FileManager.default.isExecutableFile(atPath: path), "examples/\(name)/\(file.path): executable bit: \(Self.regenerate)")
        }
    }
}
