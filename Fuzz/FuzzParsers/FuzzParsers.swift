import Foundation
import FuzzEntry
import NightshiftTesting

// libFuzzer calls LLVMFuzzerInitialize once, then LLVMFuzzerTestOneInput for every input; a trap
// (or the fatalError below, for a broken property) is recorded as a crash with its input.

/// The parser under test, named by NIGHTSHIFT_FUZZ_TARGET (cron, toml, policy, ics, json, shell).
let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["NIGHTSHIFT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("set NIGHTSHIFT_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(name)\"")
    }
    return target
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    // With NIGHTSHIFT_FUZZ_SEEDS=DIR, write the target's seeds into DIR and its dictionary next to
    // it (DIR.dict), for scripts/fuzz to start the corpus from.
    if let folder = ProcessInfo.processInfo.environment["NIGHTSHIFT_FUZZ_SEEDS"] {
        FuzzSeedWriter.write(target, to: folder)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    if let broken = target.check(input) {
        fatalError("\(target): \(broken)")
    }
    return 0
}

/// The entry point SwiftPM links (see FuzzEntry): libFuzzer's driver.
@_cdecl("FuzzParsers_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzzerTestOneInput)
}
