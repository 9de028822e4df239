import Foundation
import FuzzEntry
import NightshiftTesting

// libFuzzer harness for the command line: each input is an argv (arguments separated by NUL
// bytes) parsed by the CLI's own command types, in-process; nothing is run.

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    if let folder = ProcessInfo.processInfo.environment["NIGHTSHIFT_FUZZ_SEEDS"] {
        FuzzSeedWriter.write(seeds: CommandLineFuzzing.seeds, dictionary: CommandLineFuzzing.dictionary, to: folder)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    let arguments = CommandLineFuzzing.arguments(input)
    if let broken = Nightshift.checkParsing(arguments) {
        fatalError("cli \(arguments): \(broken)")
    }
    return 0
}

/// The entry point SwiftPM links (see FuzzEntry): libFuzzer's driver.
@_cdecl("FuzzCLI_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzzerTestOneInput)
}
