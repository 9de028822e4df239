public import Foundation

/// Why a benchmark's setup could not prepare its fixture.
public struct BenchmarkSetupError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}

/// A folder unique to one benchmark run: under `NIGHTSHIFT_BENCH_DIR` when it is set (a tmpfs
/// such as `/dev/shm/nightshift-bench`, to see the cost of a commit without the disk's fsync),
/// otherwise under the system temporary directory.
public func scratchDirectory(_ label: String) -> URL {
    benchmarkRoot.appending(path: "nightshift-bench-\(label)-\(UUID().uuidString)", directoryHint: .isDirectory)
}

/// Where the benchmarks' databases go: `NIGHTSHIFT_BENCH_DIR`, or the system temporary directory.
public var benchmarkRoot: URL {
    guard let path = ProcessInfo.processInfo.environment["NIGHTSHIFT_BENCH_DIR"], !path.isEmpty else {
        return FileManager.default.temporaryDirectory
    }
    return URL(fileURLWithPath: path, isDirectory: true)
}
