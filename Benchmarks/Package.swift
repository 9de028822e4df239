// swift-tools-version: 6.1
import PackageDescription

// Separate from the parent package so that `swift build` / `swift test` of Nightshift never fetch
// or build the benchmark tooling. Run with `swift package benchmark` from this folder.

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// SwiftPM names a path dependency after its folder, so the parent's identity is the name of the
// folder this repository was cloned into ("main" here), not the manifest's `name`.
let parent = Context.packageDirectory.split(separator: "/").dropLast().last.map { String($0).lowercased() } ?? "nightshift"

let package = Package(
    name: "nightshift-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The parent's SQLite library, for the commit floor next to the checkpoints.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The library `CommandExecutor` is built on, for a baseline without Nightshift's own work.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // The parent's PostgreSQL client, for the bare one-table queue next to `PostgresStore`.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // What several benchmarks' setups share: the scratch folder and the setup error.
        .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport", swiftSettings: swiftSettings),
        .executableTarget(
            name: "CronNextFire",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NightshiftCore", package: parent),
            ],
            path: "Benchmarks/CronNextFire",
            swiftSettings: swiftSettings,
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "SQLiteRuns",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "NightshiftCore", package: parent),
                .product(name: "NightshiftSQLite", package: parent),
            ],
            path: "Benchmarks/SQLiteRuns",
            swiftSettings: swiftSettings,
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "CycleCheckpoints",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NightshiftCore", package: parent),
                .product(name: "NightshiftSQLite", package: parent),
            ],
            path: "Benchmarks/CycleCheckpoints",
            swiftSettings: swiftSettings,
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "PolicyDecisions",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "NightshiftCore", package: parent),
            ],
            path: "Benchmarks/PolicyDecisions",
            swiftSettings: swiftSettings,
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "QueueClaims",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                // The raw SQLite baseline: the C API and the bare GRDB pool next to the store.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "NightshiftCore", package: parent),
                .product(name: "NightshiftSQLite", package: parent),
            ],
            path: "Benchmarks/QueueClaims",
            swiftSettings: swiftSettings,
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "SubagentSpawn",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "NightshiftCore", package: parent),
                .product(name: "NightshiftExec", package: parent),
                .product(name: "NightshiftBuilder", package: parent),
                .product(name: "NightshiftApp", package: parent),
            ],
            path: "Benchmarks/SubagentSpawn",
            swiftSettings: swiftSettings,
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // A plain executable, not a benchmark-plugin target: it measures throughput over several
        // concurrent claimers and a cross-connection latency, and prints the figures itself. It lives
        // under Tools/, not Benchmarks/: `swift package benchmark` runs every executable target whose
        // folder sits in a folder named Benchmarks. Run: see the top of Tools/PostgresQueue/main.swift,
        // or postgres-issue13.sh for the whole comparison.
        .executableTarget(
            name: "PostgresQueue",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NightshiftCore", package: parent),
                .product(name: "NightshiftPostgres", package: parent),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tools/PostgresQueue",
            swiftSettings: swiftSettings
        ),
        // Writes the sales benchmark's prospect file and its truth (Benchmarks/sales/run); a plain
        // executable under Tools/ like PostgresQueue.
        .executableTarget(
            name: "GenerateProspects",
            dependencies: [
                .product(name: "NightshiftTesting", package: parent),
            ],
            path: "Tools/GenerateProspects",
            swiftSettings: swiftSettings
        ),
    ]
)
