import Foundation

/// A fresh folder under the system's temporary directory, removed when `body` ends.
func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("nightshift-sqlite-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

extension URL {
    /// The path of `name` inside this folder.
    func file(_ name: String) -> String { appendingPathComponent(name).path }
}
