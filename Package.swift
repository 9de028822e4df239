// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "nightshift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nightshift", targets: ["nightshift"]),
        .library(name: "NightshiftCore", targets: ["NightshiftCore"]),
        .library(name: "NightshiftSQLite", targets: ["NightshiftSQLite"]),
        .library(name: "NightshiftPostgres", targets: ["NightshiftPostgres"]),
        .library(name: "NightshiftExec", targets: ["NightshiftExec"]),
        .library(name: "NightshiftApp", targets: ["NightshiftApp"]),
        .library(name: "NightshiftBuilder", targets: ["NightshiftBuilder"]),
        .library(name: "NightshiftSales", targets: ["NightshiftSales"]),
        .library(name: "NightshiftTesting", targets: ["NightshiftTesting"]),
        .library(name: "NightshiftMail", targets: ["NightshiftMail"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .target(
            name: "NightshiftCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NightshiftSQLite",
            dependencies: [
                "NightshiftCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The multi-node driver: PostgreSQL through PostgresNIO's pooled client (docs/POSTGRES.md).
        .target(
            name: "NightshiftPostgres",
            dependencies: [
                "NightshiftCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NightshiftExec",
            dependencies: [
                "NightshiftCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NightshiftBuilder",
            dependencies: [
                "NightshiftCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The sales pack (docs/SALES.md): prospects, the nightly cycle, the CRM pull (AsyncHTTPClient).
        .target(
            name: "NightshiftSales",
            dependencies: [
                "NightshiftCore",
                "NightshiftMail",
                "NightshiftSQLite",
                "NightshiftPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // zlib from the system (Debian's zlib1g-dev), for gzipping large logs.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc's <malloc.h> (mallopt, malloc_trim), for the daemon's memory; empty elsewhere.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(
            name: "NightshiftApp",
            dependencies: [
                "CMalloc",
                "CZlib",
                "NightshiftCore",
                "NightshiftBuilder",
                "NightshiftSales",
                "NightshiftSQLite",
                "NightshiftPostgres",
                "NightshiftExec",
                "NightshiftMail",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "nightshift",
            dependencies: [
                "NightshiftApp",
                "NightshiftBuilder",
                "NightshiftSales",
                "NightshiftCore",
                "NightshiftExec",
                "NightshiftMail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Mail (issue 16): messages parsed and written, IMAP and SMTP on SwiftNIO and NIOSSL, Maildir.
        .target(
            name: "NightshiftMail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NightshiftTesting",
            dependencies: ["NightshiftCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NightshiftCoreTests",
            dependencies: ["NightshiftCore", "NightshiftTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NightshiftSQLiteTests",
            dependencies: ["NightshiftSQLite", "NightshiftCore", "NightshiftTesting"],
            swiftSettings: swiftSettings
        ),
        // Runs against a real server: NIGHTSHIFT_TEST_POSTGRES_URL, or scripts/postgres-test-cluster.
        .testTarget(
            name: "NightshiftPostgresTests",
            dependencies: ["NightshiftPostgres", "NightshiftCore", "NightshiftTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NightshiftExecTests",
            dependencies: ["NightshiftExec", "NightshiftCore", "NightshiftTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NightshiftBuilderTests",
            dependencies: ["NightshiftBuilder", "NightshiftCore", "NightshiftTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NightshiftSalesTests",
            dependencies: [
                "NightshiftSales", "NightshiftCore", "NightshiftSQLite", "NightshiftPostgres", "NightshiftTesting", "NightshiftMail",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NightshiftAppTests",
            dependencies: ["NightshiftApp", "NightshiftBuilder", "NightshiftSales", "NightshiftCore", "NightshiftTesting"],
            swiftSettings: swiftSettings
        ),
        // The CLI's argument parsing in-process (the executable's module, @testable): its fuzz suite.
        .testTarget(
            name: "NightshiftCLITests",
            dependencies: ["nightshift", "NightshiftTesting", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NightshiftMailTests",
            dependencies: [
                "NightshiftMail", "NightshiftTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("Resources/python-email-view.py"), .copy("Resources/replies")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NightshiftEndToEndTests",
            dependencies: ["NightshiftCore", "NightshiftTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
