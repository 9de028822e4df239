import Foundation
import NightshiftCore
import Testing

@Suite struct AppendOnlyFileTests {
    @Test("appending creates the missing folders and the file, then adds to its end")
    func createsAndAppends() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("append-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = "\(root)/logs/cycles/run.log"
        try AppendOnlyFile.append("one\n", to: path)
        try AppendOnlyFile.append("two\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\n")
    }

    @Test("a folder that cannot be created fails with the errno of the open")
    func failsWithErrno() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("append-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A file where a folder should be.
        try Data("x".utf8).write(to: URL(fileURLWithPath: root))
        #expect(throws: AppendError.self) { try AppendOnlyFile.append("line\n", to: "\(root)/sub/run.log") }
    }
}
