import Foundation
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
public func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let arguments = CommandLineFuzzing.arguments(Data(bytes: bytes, count: count))
    if let broken = Nightshift.checkParsing(arguments) {
        fatalError("cli \(arguments): \(broken)")
    }
    return 0
}
