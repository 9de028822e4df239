import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CommandExecutor {
    /// The resolved executable and its arguments.
    struct LaunchPlan: Sendable {
        var executablePath: String
        /// What the child sees as `argv[0]`.
        var argv0: String
        var arguments: [String]
    }

    /// Why a command could not be started; becomes ``CommandResult/launchError``.
    struct LaunchError: Error, Sendable {
        var message: String
    }

    /// Checks the working directory and finds the program before anything is spawned, so
    /// that the common mistakes get a message naming what is wrong.
    ///
    /// Names without a `/` are looked up in the spec's own `PATH` (or
    /// `Configuration.fallbackSearchPath`), never in the daemon's, because the child
    /// must not depend on the daemon's environment.
    func plan(for spec: CommandSpec) -> Result<LaunchPlan, LaunchError> {
        if let directory = spec.workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
                return .failure(LaunchError(message: "working directory \(directory) does not exist"))
            }
            guard isDirectory.boolValue else {
                return .failure(LaunchError(message: "working directory \(directory) is not a directory"))
            }
        }
        let argv: [String]
        switch spec.program {
        case .shell(let line):
            argv = [configuration.shellPath, "-c", line]
        case .argv(let values):
            argv = values
        }
        guard let program = argv.first, !program.isEmpty else {
            return .failure(LaunchError(message: "no program given: the argument list is empty"))
        }
        let arguments = Array(argv.dropFirst())
        if program.contains("/") {
            var path = program
            if !path.hasPrefix("/") {
                let base = spec.workingDirectory ?? FileManager.default.currentDirectoryPath
                path = (base as NSString).appendingPathComponent(path)
            }
            if let problem = Self.executableProblem(at: path) {
                return .failure(LaunchError(message: "program \(program) \(problem)"))
            }
            return .success(LaunchPlan(executablePath: path, argv0: program, arguments: arguments))
        }
        let searchPath = spec.environment["PATH"] ?? configuration.fallbackSearchPath
        for directory in searchPath.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = (String(directory) as NSString).appendingPathComponent(program)
            if Self.executableProblem(at: candidate) == nil {
                return .success(LaunchPlan(executablePath: candidate, argv0: program, arguments: arguments))
            }
        }
        return .failure(LaunchError(message: "program \"\(program)\" not found in PATH (\(searchPath))"))
    }

    /// Why `spec` could not be launched (no working directory, no such program), or nil if it
    /// could: the same resolution ``run(_:onSpawn:)`` does, without spawning anything.
    public func launchProblem(_ spec: CommandSpec) -> String? {
        switch plan(for: spec) {
        case .success: nil
        case .failure(let error): error.message
        }
    }

    /// Why `path` cannot be executed, or `nil` if it can.
    static func executableProblem(at path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "does not exist"
        }
        if isDirectory.boolValue {
            return "is a directory"
        }
        guard access(path, X_OK) == 0 else {
            return "is not executable"
        }
        return nil
    }
}
