/// What an action runs, read once per decision for the `runs` and `runs_only` operators: every
/// simple command in it, in every shape the command comes in.
///
/// The shapes: the `command` attribute (a shell line or an argv array, with the `cwd` attribute:
/// the Claude Code hook, `nightshift propose`), `payload.shell` and `payload.command` (an argv array,
/// or a shell line; with `payload.cwd`: a job's or step's command). An action that has several is
/// judged on all of them: what it says it runs and what it would execute.
struct CommandAnalysis: Sendable {
    /// Every simple command, the ones inside substitutions, `sh -c`, `eval` and wrappers included.
    var invocations: [Invocation] = []
    /// Why some part could not be read with confidence (a parse error, a shape that is not a
    /// command); empty when everything was.
    var problems: [String] = []

    /// The command `action` runs, or nil when it has none.
    init?(_ action: ProposedAction) {
        let attribute = action.attributes["command"]
        let shapes: [(JSONValue, JSONValue?, String)] = [
            attribute.map { ($0, action.attributes["cwd"], "attributes.command") },
            action.payload["shell"].map { ($0, action.payload["cwd"], "payload.shell") },
            action.payload["command"].map { ($0, action.payload["cwd"], "payload.command") },
        ].compactMap { $0 }
        guard !shapes.isEmpty else { return nil }
        var walker = CommandWalker()
        for (value, cwd, name) in shapes {
            let folder: Set<CommandPath>
            switch cwd {
            case nil: folder = [.start]
            case .string(let text)?: folder = [CommandPath.resolve(text, in: .start)]
            default:
                walker.problems.append("\(name): its cwd is not a string")
                folder = [.unknown]
            }
            walker.origin = folder.first ?? .start
            switch value {
            case .string(let line):
                do {
                    _ = walker.script(try ShellParser.parse(line), cwd: folder)
                } catch {
                    walker.problems.append("\(name) cannot be read: \(error.message)")
                }
            case .array(let items):
                let argv = items.compactMap(\.stringValue)
                guard argv.count == items.count, !argv.isEmpty else {
                    walker.problems.append("\(name) is not an array of strings")
                    continue
                }
                walker.simple(ShellSimpleCommand(assignments: [], words: argv.map(ShellWord.init(literal:)), redirections: []), cwd: folder, derived: false)
            default:
                walker.problems.append("\(name) is neither a command line nor an array of words")
            }
        }
        invocations = walker.invocations
        problems = walker.problems
        for (index, invocation) in invocations.enumerated() {
            if let name = invocation.name, invocation.problem == nil {
                byName[name, default: []].append(index)
            } else if !invocation.words.isEmpty {
                unsure.append(index)
            }
        }
    }

    /// Positions of the invocations by program name, so that `runs` looks only at the commands
    /// its patterns name, plus those whose program or reading is unsure (`unsure`).
    private(set) var byName: [String: [Int]] = [:]
    private(set) var unsure: [Int] = []

    /// The positions of the invocations a pattern with these names may catch, ascending.
    func candidates(_ names: Set<String>) -> [Int] {
        var positions = unsure
        for name in names { positions += byName[name] ?? [] }
        return positions.sorted()
    }
}

/// One simple command as it would run: its words, environment assignments, whether it writes a
/// file, and the folders it may run in.
struct Invocation: Sendable {
    /// The program and its arguments, before expansion (empty for `NAME=value` alone).
    var words: [ShellWord] {
        didSet { name = Self.name(of: words) }
    }
    /// The program's name as `runs` compares it: its last component, lower-cased; nil when the
    /// program is an expansion.
    private(set) var name: String?
    /// Names assigned for it (`NAME=value cmd`, `env NAME=value cmd`) or, alone, for the shell.
    var assignments: [String]
    /// A redirection may write a file (anything but `/dev/null` and descriptor moves).
    var writesFile: Bool
    /// The folders it may run in: more than one when an earlier `cd` may have failed.
    var cwd: Set<CommandPath>
    /// The folder its command line starts in (the shape's `cwd`): relative paths in patterns are
    /// read against it.
    var origin: CommandPath
    /// Found inside another command: `sudo X`, `env X`, `xargs X`, `find -exec X`.
    var derived: Bool
    /// `sh -c SCRIPT` or `eval …`: its script is judged instead of it, as commands of their own.
    var transparent = false
    /// Why it cannot be judged (a script of `sh -c` that is not literal or does not parse).
    var problem: String?

    init(words: [ShellWord], assignments: [String], writesFile: Bool, cwd: Set<CommandPath>, origin: CommandPath, derived: Bool) {
        self.words = words
        self.name = Self.name(of: words)
        self.assignments = assignments
        self.writesFile = writesFile
        self.cwd = cwd
        self.origin = origin
        self.derived = derived
    }

    private static func name(of words: [ShellWord]) -> String? { words.first?.literal?.basename.lowercased() }

    /// The program word's value: nil when it is an expansion or a glob.
    var program: String? { words.first?.literal }

    /// The words after the program.
    var arguments: ArraySlice<ShellWord> { words.dropFirst() }

    /// The command for messages.
    var display: String {
        let text = (assignments.map { "\($0)=…" } + words.map(\.display)).joined(separator: " ")
        return text.isEmpty ? "(nothing)" : text
    }
}

extension String {
    /// The last component of a path (`/bin/rm` → `rm`).
    var basename: String {
        guard let slash = lastIndex(of: "/") else { return self }
        return String(self[index(after: slash)...])
    }
}
