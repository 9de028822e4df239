public import Foundation

/// Why a benchmark's setup could not prepare its fixture.
public struct BenchmarkSetupError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}

/// A folder under the system temporary directory, unique to one benchmark run.
public func scratchDirectory(_ label: String) -> URL {
    FileManager.default.temporaryDirectory
        .appending(path: "nightshift-bench-\(label)-\(UUID().uuidString)", directoryHint: .isDirectory)
}
