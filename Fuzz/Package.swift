// swift-tools-version: 6.1
import PackageDescription

// libFuzzer harnesses for long fuzz runs; build and run them with `scripts/fuzz PARSER`, which
// compiles with `-sanitize=fuzzer` into `.build-fuzz`. Separate from the parent package so that
// `swift build` / `swift test` of Nightshift never build them (they have no `main` of their own:
// libFuzzer provides it).

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// SwiftPM names a path dependency after its folder, so the parent's identity is the name of the
// folder this repository was cloned into, not the manifest's `name`.
let parent = Context.packageDirectory.split(separator: "/").dropLast().last.map { String($0).lowercased() } ?? "nightshift"

let package = Package(
    name: "nightshift-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The entry point both harnesses hand to libFuzzer's driver.
        .target(
            name: "FuzzEntry",
            path: "FuzzEntry",
            swiftSettings: swiftSettings + [.enableExperimentalFeature("Extern")]
        ),
        // cron, toml, policy, ics, json, shell: one binary, the parser chosen by NIGHTSHIFT_FUZZ_TARGET.
        .executableTarget(
            name: "FuzzParsers",
            dependencies: [
                "FuzzEntry",
                .product(name: "NightshiftTesting", package: parent),
                .product(name: "NightshiftCore", package: parent),
            ],
            path: "FuzzParsers",
            swiftSettings: swiftSettings
        ),
        // The command line: the CLI's own command types (Commands links to Sources/nightshift, less
        // the file holding @main) parsing random argv in-process.
        .executableTarget(
            name: "FuzzCLI",
            dependencies: [
                "FuzzEntry",
                .product(name: "NightshiftApp", package: parent),
                .product(name: "NightshiftTesting", package: parent),
                .product(name: "NightshiftBuilder", package: parent),
                .product(name: "NightshiftCore", package: parent),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "FuzzCLI",
            exclude: ["Commands/NightshiftMain.swift"],
            swiftSettings: swiftSettings
        ),
    ]
)
