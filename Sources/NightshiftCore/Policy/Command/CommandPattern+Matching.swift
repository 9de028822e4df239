/// How a pattern meets a command. `runs` reads it generously, to catch: the program by its name
/// wherever it lives and in any case (`/bin/RM`), inside wrappers, a git subcommand after git's
/// own options, long flags abbreviated; what it cannot tell is unknown. `runs_only` reads it
/// strictly, to allow: the program exactly as written, no environment assignments, no file
/// written by a redirection, every word known.
extension CommandPattern {
    /// Options of a program that come before its subcommand and take a value.
    static let globalOptions: [String: Set<String>] = [
        "git": ["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--config-env", "--exec-path"],
    ]

    /// Builtins that change only the folder; `runs_only` allows them without a pattern.
    static let folderCommands: Set<String> = ["cd", "pushd", "popd"]

    /// Whether `invocation` is a command this pattern describes (for `runs`).
    func catches(_ invocation: Invocation) -> Truth {
        if invocation.problem != nil { return .unknown }
        guard let first = invocation.words.first else { return .no }
        guard first.literal != nil else { return .unknown }
        guard let name = invocation.name, names.contains(name) else { return .no }
        var arguments = invocation.arguments
        if let valued = Self.globalOptions[name] {
            while let word = arguments.first, let text = word.literal, text.hasPrefix("-"), text != "--" {
                arguments = arguments.dropFirst(valued.contains(text) ? 2 : 1)
            }
        }
        var truth = Truth.any(words.map { alternative in Self.prefix(alternative, of: arguments, strict: false) })
        let rest = arguments.dropFirst(words.map(\.count).max() ?? 0)
        if !more { truth = Truth.all([truth, Truth(rest.isEmpty)]) }
        return Truth.all([truth] + flags.map { Self.flag($0, in: invocation.arguments, strict: false) } + [caughtArguments(rest, cwd: invocation.cwd)])
    }

    /// Whether this pattern allows `invocation` (for `runs_only`); `executable` is Nightshift's own.
    func allows(_ invocation: Invocation, executable: String? = nil) -> Truth {
        if invocation.problem != nil { return .unknown }
        if !invocation.assignments.isEmpty || invocation.writesFile { return .no }
        if invocation.transparent { return .yes }
        guard let first = invocation.words.first else { return .yes }
        guard let program = first.literal else { return .unknown }
        // cd only moves where the next commands run, and they are judged from there.
        if !invocation.derived && Self.folderCommands.contains(program) { return .yes }
        guard programs.contains(where: { isProgram(program, $0, invocation) || ($0 == "nightshift" && program == executable) }) else { return .no }
        let arguments = invocation.arguments
        guard let alternative = words.first(where: { Self.prefix($0, of: arguments, strict: true) == .yes }) else { return .no }
        let rest = arguments.dropFirst(alternative.count)
        if !more && !rest.isEmpty { return .no }
        for group in flags where Self.flag(group, in: arguments, strict: true) != .yes { return .no }
        return Truth(within.isEmpty || allInside(rest, invocation))
    }

    /// A pattern's program and a command's, strictly: a name is a name looked up in PATH; a path
    /// is the same file from the folder the command runs in.
    private func isProgram(_ program: String, _ pattern: String, _ invocation: Invocation) -> Bool {
        guard pattern.contains("/") else { return program == pattern }
        guard program.contains("/") else { return false }
        let expected = Self.path(pattern, from: invocation.origin)
        return invocation.cwd.allSatisfy { CommandPath.resolve(program, in: $0) == expected }
    }

    /// Whether `arguments` start with `words`.
    private static func prefix(_ words: [String], of arguments: ArraySlice<ShellWord>, strict: Bool) -> Truth {
        guard arguments.count >= words.count else { return .no }
        return Truth.all(zip(words, arguments).map { word, argument in
            guard let literal = argument.literal else { return strict ? .no : .unknown }
            return Truth(literal == word)
        })
    }

    /// Whether one of the spellings is among the options (before `--`).
    private static func flag(_ spellings: [Flag], in arguments: ArraySlice<ShellWord>, strict: Bool) -> Truth {
        var unknown = false
        for argument in arguments {
            let text: String
            switch argument.role {
            case .operand: continue
            case .unknown:
                unknown = true
                continue
            case .option(let option): text = option
            }
            if text == "--" { break }
            for spelling in spellings {
                switch spelling {
                case .short(let letter):
                    if !text.hasPrefix("--") && text.dropFirst().contains(letter) { return .yes }
                case .long(let name):
                    guard text.hasPrefix("--"), text.count > 2 else { continue }
                    let given = text.dropFirst(2).prefix { $0 != "=" }
                    // GNU and git accept any unambiguous abbreviation: --rec is --recursive.
                    if given == name || (!strict && name.hasPrefix(given)) { return .yes }
                case .word(let word):
                    if text == word { return .yes }
                }
            }
        }
        return unknown && !strict ? .unknown : .no
    }

    /// The arguments that are not options: everything after `--`, and every other word that does
    /// not start with `-`; nil for a word that may be either.
    private static func operands(_ arguments: ArraySlice<ShellWord>) -> [ShellWord?] {
        var operands: [ShellWord?] = []
        var options = true
        for argument in arguments {
            guard options else {
                operands.append(argument)
                continue
            }
            switch argument.role {
            case .operand: operands.append(argument)
            case .unknown: operands.append(nil)
            case .option(let text): if text == "--" { options = false }
            }
        }
        return operands
    }

    /// `paths` and `args`: some operand reaches a path, or matches a glob.
    private func caughtArguments(_ arguments: ArraySlice<ShellWord>, cwd: Set<CommandPath>) -> Truth {
        guard !paths.isEmpty || !args.isEmpty else { return .yes }
        let operands = Self.operands(arguments)
        let byPath = paths.isEmpty ? Truth.yes : Truth.any(operands.map { operand in
            guard let candidates = operand?.paths(in: cwd) else { return .unknown }
            return Truth.any(candidates.flatMap { candidate in paths.map { candidate.reaches($0) } })
        })
        let byGlob = args.isEmpty ? Truth.yes : Truth.any(operands.map { operand in
            guard let text = operand?.literal else { return .unknown }
            return Truth(args.contains { Self.glob($0, matches: text) })
        })
        return Truth.all([byPath, byGlob])
    }

    /// `within`: every operand is strictly inside one of the folders, from every folder the
    /// command may run in; an unknown word anywhere fails.
    private func allInside(_ arguments: ArraySlice<ShellWord>, _ invocation: Invocation) -> Bool {
        let folders = within.map { Self.path($0, from: invocation.origin) }
        return Self.operands(arguments).allSatisfy { operand in
            guard let candidates = operand?.paths(in: invocation.cwd) else { return false }
            return candidates.allSatisfy { candidate in folders.contains { candidate.isInside($0) } }
        }
    }

    /// `*` any run of characters, `?` one character; anything else itself.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let pattern = Array(pattern), text = Array(text)
        var p = 0, t = 0, star = -1, mark = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

extension CommandAnalysis {
    /// `runs`: whether some command is one of `patterns`; with `explain`, which one is (or why
    /// it cannot be told). Messages are built only when asked: a decision reads this once per rule.
    func runs(_ patterns: [CommandPattern], explain: Bool = false) -> (Truth, String?) {
        var unknown: String?? = problems.first.map { .some($0) }
        for position in candidates(patterns.reduce(into: Set()) { $0.formUnion($1.names) }) {
            let invocation = invocations[position]
            for pattern in patterns {
                switch pattern.catches(invocation) {
                case .yes: return (.yes, explain ? "\(invocation.display) is \(pattern)" : nil)
                case .unknown where unknown == nil:
                    unknown = .some(explain ? "cannot tell whether \(invocation.display) is \(pattern)" + (invocation.problem.map { ": \($0)" } ?? "") : nil)
                default: continue
                }
            }
        }
        if let unknown { return (.unknown, unknown) }
        return (.no, explain ? "none of " + invocations.map(\.display).joined(separator: "; ") + " is one of them" : nil)
    }

    /// `runs_only`: whether every command is allowed by one of `patterns`; with `explain`, the
    /// first that is not (or cannot be told).
    func runsOnly(_ patterns: [CommandPattern], executable: String? = nil, explain: Bool = false) -> (Truth, String?) {
        var unknown: String?? = problems.first.map { .some($0) }
        for invocation in invocations {
            switch Truth.any(patterns.lazy.map { $0.allows(invocation, executable: executable) }) {
            case .no: return (.no, explain ? "\(invocation.display) is not allowed" + Self.why(invocation) : nil)
            case .unknown where unknown == nil:
                unknown = .some(explain ? "cannot tell whether \(invocation.display) is allowed" + (invocation.problem.map { ": \($0)" } ?? "") : nil)
            default: continue
            }
        }
        if let unknown { return (.unknown, unknown) }
        return (.yes, explain ? "every command is allowed: " + invocations.map(\.display).joined(separator: "; ") : nil)
    }

    private static func why(_ invocation: Invocation) -> String {
        if !invocation.assignments.isEmpty { return " (it assigns \(invocation.assignments.joined(separator: ", ")))" }
        if invocation.writesFile { return " (a redirection writes a file)" }
        return ""
    }
}
