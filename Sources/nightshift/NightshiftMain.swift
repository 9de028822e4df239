/// The process's entry point, ``Nightshift/main()``, alone in its file: the fuzz harness
/// (Fuzz/FuzzCLI) compiles every command but this, and libFuzzer brings its own `main`.
@main
extension Nightshift {}
