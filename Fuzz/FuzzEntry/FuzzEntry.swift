// SwiftPM links an executable target's entry point as MODULE_main (`--defsym main=MODULE_main`), so a
// harness without one does not link. Each harness defines MODULE_main with `@_cdecl` and hands the
// process to libFuzzer's own driver here, which then calls LLVMFuzzerInitialize and runs the
// options and corpora of the command line as libFuzzer's `main` would.

/// What libFuzzer calls for each input: LLVMFuzzerTestOneInput.
public typealias FuzzTest = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

@_extern(c, "LLVMFuzzerRunDriver")
func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ test: FuzzTest
) -> Int32

/// Runs libFuzzer with the process's arguments and `test` for each input; returns its exit status.
public func runLibFuzzer(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ test: FuzzTest) -> Int32 {
    var count = argc
    var vector = argv
    return llvmFuzzerRunDriver(&count, &vector, test)
}
