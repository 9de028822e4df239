/// Walks a parsed command line in the order the shell would run it, listing every simple command
/// with the folders it may run in: a `cd` moves the rest of the line (and only within its subshell,
/// group or pipeline), and may fail, so after `cd X;` the next command runs in X or where it was;
/// after `cd X &&` only in X. Commands inside `$( … )`, `sh -c`, `eval` and wrappers such as `sudo`
/// are listed too (``CommandWalker+Wrappers``).
struct CommandWalker {
    var invocations: [Invocation] = []
    var problems: [String] = []
    /// The folder of the command line being walked (its shape's `cwd`).
    var origin: CommandPath = .start
    /// How deeply `sh -c`, `eval` and wrappers nest right now.
    var depth = 0

    static let maxDepth = 16
    /// More candidate folders than this, and the folder is unknown.
    static let maxFolders = 8
    static let maxInvocations = 4096

    /// The folders after a command: when it succeeded, and when it failed.
    struct Outcome {
        var success: Set<CommandPath>
        var failure: Set<CommandPath>

        static func unchanged(_ cwd: Set<CommandPath>) -> Outcome { Outcome(success: cwd, failure: cwd) }
        var either: Set<CommandPath> { CommandWalker.limited(success.union(failure)) }
    }

    /// Walks `script` from `cwd`; returns the folders it may end in.
    @discardableResult
    mutating func script(_ script: ShellScript, cwd: Set<CommandPath>) -> Set<CommandPath> {
        var cwd = cwd
        for item in script.items {
            let outcome = andOr(item, cwd: cwd)
            // `&` runs the list in a subshell: its cd stays there.
            if !item.background { cwd = outcome.either }
        }
        return cwd
    }

    private mutating func andOr(_ list: ShellAndOr, cwd: Set<CommandPath>) -> Outcome {
        var outcome = pipeline(list.first, cwd: cwd)
        for (op, next) in list.rest {
            switch op {
            case .and:
                let after = pipeline(next, cwd: outcome.success)
                outcome = Outcome(success: after.success, failure: Self.limited(outcome.failure.union(after.failure)))
            case .or:
                let after = pipeline(next, cwd: outcome.failure)
                outcome = Outcome(success: Self.limited(outcome.success.union(after.success)), failure: after.failure)
            }
        }
        return outcome
    }

    private mutating func pipeline(_ pipeline: ShellPipeline, cwd: Set<CommandPath>) -> Outcome {
        if pipeline.commands.count == 1 {
            let outcome = command(pipeline.commands[0], cwd: cwd)
            return pipeline.negated ? Outcome(success: outcome.failure, failure: outcome.success) : outcome
        }
        // Each part of a pipeline runs in a subshell of its own.
        for command in pipeline.commands { _ = self.command(command, cwd: cwd) }
        return .unchanged(cwd)
    }

    private mutating func command(_ command: ShellCommand, cwd: Set<CommandPath>) -> Outcome {
        switch command {
        case .simple(let simple):
            return self.simple(simple, cwd: cwd, derived: false)
        case .subshell(let inner, let redirections):
            redirect(redirections, cwd: cwd)
            script(inner, cwd: cwd)
            return .unchanged(cwd)
        case .group(let inner, let redirections):
            redirect(redirections, cwd: cwd)
            let end = script(inner, cwd: cwd)
            return .unchanged(end)
        }
    }

    /// The commands in the targets of redirections after `)` or `}`; a group that writes a file
    /// counts as a command that writes one.
    private mutating func redirect(_ redirections: [ShellRedirection], cwd: Set<CommandPath>) {
        for redirection in redirections {
            for inner in redirection.target.substitutions { script(inner, cwd: cwd) }
        }
        if redirections.contains(where: \.writesFile) {
            record(Invocation(words: [], assignments: [], writesFile: true, cwd: cwd, origin: origin, derived: false))
        }
    }

    /// Lists a simple command (and what it runs); a `cd` moves the folder on success.
    @discardableResult
    mutating func simple(_ command: ShellSimpleCommand, cwd: Set<CommandPath>, derived: Bool) -> Outcome {
        let words = command.assignments.map(\.value) + command.words + command.redirections.map(\.target)
        for word in words {
            for inner in word.substitutions { script(inner, cwd: cwd) }
        }
        record(Invocation(
            words: command.words, assignments: command.assignments.map(\.name), writesFile: command.redirections.contains(where: \.writesFile),
            cwd: cwd, origin: origin, derived: derived
        ))
        var arguments = command.words[...]
        while let first = arguments.first?.literal, first == "command" || first == "builtin" { arguments = arguments.dropFirst() }
        switch arguments.first?.literal {
        case "cd"?, "pushd"?: return Outcome(success: Self.target(of: arguments.dropFirst(), from: cwd), failure: cwd)
        case "popd"?: return Outcome(success: [.unknown], failure: cwd)
        default: return .unchanged(cwd)
        }
    }

    /// Where `cd ARGS` goes from each of `cwd`.
    private static func target(of arguments: ArraySlice<ShellWord>, from cwd: Set<CommandPath>) -> Set<CommandPath> {
        var arguments = arguments
        while let option = arguments.first?.literal, option.hasPrefix("-"), option.count > 1 {
            arguments = arguments.dropFirst()
            if option == "--" { break }
        }
        guard let word = arguments.first else { return [.home] }
        if word.literal == "-" { return [.unknown] }
        return word.paths(in: cwd) ?? [.unknown]
    }

    /// Adds an invocation and what it runs in turn.
    mutating func record(_ invocation: Invocation) {
        guard invocations.count < Self.maxInvocations else {
            let message = "more than \(Self.maxInvocations) commands"
            if problems.last != message { problems.append(message) }
            return
        }
        invocations.append(invocation)
        expand(invocations.count - 1)
    }

    /// `folders`, or the unknown folder when there are too many to follow.
    static func limited(_ folders: Set<CommandPath>) -> Set<CommandPath> {
        folders.count > maxFolders ? [.unknown] : folders
    }
}

extension ShellWord {
    /// The paths the word may name, read from each of `cwd`: a glob stands for the folder it
    /// starts in (`/*` is `/`), `~` and `$HOME` for the home folder; nil when an expansion makes
    /// it unknowable.
    func paths(in cwd: Set<CommandPath>) -> Set<CommandPath>? {
        var parts = parts[...]
        var home = false
        switch parts.first {
        case .home?, .parameter("HOME")?:
            home = true
            parts = parts.dropFirst()
        default: break
        }
        let glob = hasGlob
        var text = ""
        for part in parts {
            guard case .text(let piece, let quoted) = part else { return nil }
            // Unquoted glob characters become NUL, which no path holds, to cut the path there.
            text += quoted || !glob ? piece : String(piece.map { "*?[".contains($0) ? "\0" : $0 })
        }
        if home && !(text.isEmpty || text.hasPrefix("/")) { return nil }
        var components = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let cut = components.firstIndex(where: { $0.contains("\0") }) { components = Array(components[..<cut]) }
        if home { return [CommandPath(.home, components)] }
        if text.hasPrefix("/") { return [CommandPath(.root, components)] }
        return Set(cwd.map { $0.appending(components) })
    }
}
