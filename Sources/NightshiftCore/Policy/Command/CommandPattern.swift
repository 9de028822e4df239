/// One pattern of a `runs` or `runs_only` comparison (docs/POLICY.md, "The commands an action runs").
///
/// Written as a prefix in the style of Claude Code's permission rules — `"npm test:*"` is `npm test`
/// followed by anything, `"git status"` is exactly that — or as a table that describes a command
/// by its meaning: `{ program = "rm", flags = ["-r|-R|--recursive"], paths = ["/", "~"] }`.
struct CommandPattern: Sendable, CustomStringConvertible {
    /// One spelling of a flag: `-r` (a letter, also inside `-rf`), `--recursive` (also
    /// `--recursive=…`), or `-delete` (a word of its own, as `find` has them).
    enum Flag: Sendable, Hashable {
        case short(Character), long(String), word(String)
    }

    /// Program names (`rm`) or paths (`./bin/deploy.sh`).
    let programs: [String]
    /// Their names as `runs` compares them: the last component, lower-cased.
    let names: Set<String>
    /// The words that must follow the program (`test` in `npm test:*`; `subcommand`), one
    /// alternative each; `[[]]` when none must.
    var words: [[String]] = [[]]
    /// Whether further arguments may follow (`:*`; always in a table).
    var more = true
    /// Every group must be present; a group is met by any of its spellings.
    var flags: [[Flag]] = []
    /// Some argument reaches one of these (it, or a folder above it), for `runs`.
    var paths: [CommandPath] = []
    /// Some argument matches one of these globs, for `runs`.
    var args: [String] = []
    /// Every argument is strictly inside one of these folders, for `runs_only`.
    var within: [String] = []
    /// The pattern as written, for `policy explain`.
    var description: String

    /// The patterns of a `runs` or `runs_only` value: one pattern, or a non-empty array of them.
    static func list(_ value: JSONValue, for op: ComparisonOperator) throws(PolicyValueError) -> [CommandPattern] {
        guard case .array(let items) = value else { return [try CommandPattern(value, for: op)] }
        guard !items.isEmpty else { throw PolicyValueError("\(op.rawValue) needs at least one command pattern") }
        var patterns: [CommandPattern] = []
        for (index, item) in items.enumerated() {
            do {
                patterns.append(try CommandPattern(item, for: op))
            } catch {
                throw error.inside(.index(index))
            }
        }
        return patterns
    }

    init(_ value: JSONValue, for op: ComparisonOperator) throws(PolicyValueError) {
        switch value {
        case .string(let text): try self.init(prefix: text)
        case .object(let members): try self.init(table: members, for: op)
        default:
            throw PolicyValueError("a command pattern is a string such as \"npm test:*\" or a table such as { program = \"rm\", flags = [\"-r\"] }")
        }
    }

    /// `"prog word …"` or `"prog word …:*"`.
    private init(prefix text: String) throws(PolicyValueError) {
        description = "\"\(text)\""
        var line = Substring(text)
        if line.hasSuffix(":*") {
            line = line.dropLast(2)
        } else {
            more = false
        }
        let words = Self.plainWords(String(line))
        guard let words, let program = words.first else {
            throw PolicyValueError(
                "\"\(text)\" is not a command of plain words: write the program and its first words, and \":*\" at the end for any further arguments")
        }
        programs = [program]
        names = [program.basename.lowercased()]
        self.words = [Array(words.dropFirst())]
    }

    private static let tableKeys: [ComparisonOperator: [String]] = [
        .runs: ["program", "subcommand", "flags", "paths", "args"],
        .runsOnly: ["program", "subcommand", "flags", "within"],
    ]

    private init(table members: [String: JSONValue], for op: ComparisonOperator) throws(PolicyValueError) {
        description = JSONValue.object(members).canonical
        let known = Self.tableKeys[op] ?? []
        for key in members.keys.sorted() where !known.contains(key) {
            let hint = key == "within" ? " (within is for runs_only)" : ["paths", "args"].contains(key) ? " (\(key) is for runs; runs_only uses within)" : ""
            throw PolicyValueError("unknown key \"\(key)\" in a command pattern\(hint); known: \(known.joined(separator: ", "))").inside(.key(key))
        }
        guard let program = members["program"] else { throw PolicyValueError("a command pattern table needs program = \"NAME\"") }
        programs = try Self.strings(program, key: "program")
        names = Set(programs.map { $0.basename.lowercased() })
        if let subcommand = members["subcommand"] {
            words = try Self.strings(subcommand, key: "subcommand").map { $0.split(separator: " ").map(String.init) }
        }
        if let flags = members["flags"] {
            for (index, text) in try Self.strings(flags, key: "flags").enumerated() {
                do { self.flags.append(try Self.flagGroup(text)) } catch { throw error.inside(.index(index)).inside(.key("flags")) }
            }
        }
        if let paths = members["paths"] {
            for (index, text) in try Self.strings(paths, key: "paths").enumerated() {
                let path = Self.path(text, from: .start)
                guard path.base == .root || path.base == .home else {
                    throw PolicyValueError("\"\(text)\" is relative: paths are absolute, or start with ~ or $HOME").inside(.index(index)).inside(.key("paths"))
                }
                self.paths.append(path)
            }
        }
        if let args = members["args"] { self.args = try Self.strings(args, key: "args") }
        if let within = members["within"] { self.within = try Self.strings(within, key: "within") }
    }

    /// A non-empty string, or a non-empty array of them.
    private static func strings(_ value: JSONValue, key: String) throws(PolicyValueError) -> [String] {
        let items: [JSONValue]
        if case .array(let array) = value { items = array } else { items = [value] }
        let strings = items.compactMap(\.stringValue).filter { !$0.isEmpty }
        guard !strings.isEmpty, strings.count == items.count else {
            throw PolicyValueError("\(key) must be a non-empty string or an array of them").inside(.key(key))
        }
        return strings
    }

    /// `"-r|-R|--recursive"`.
    private static func flagGroup(_ text: String) throws(PolicyValueError) -> [Flag] {
        try text.split(separator: "|", omittingEmptySubsequences: false).map { (spelling) throws(PolicyValueError) -> Flag in
            let body = spelling.drop { $0 == "-" }
            let dashes = spelling.count - body.count
            guard dashes == 1 || dashes == 2, !body.isEmpty, !body.contains(where: { $0 == "=" || $0.isWhitespace }) else {
                throw PolicyValueError("\"\(spelling)\" is not a flag: write -x, --name or -name, alternatives joined by |")
            }
            if dashes == 2 { return .long(String(body)) }
            return body.count == 1 ? .short(body.first!) : .word(String(spelling))
        }
    }

    /// The words of `text` when it is one command of literal words, else nil.
    private static func plainWords(_ text: String) -> [String]? {
        guard let script = try? ShellParser.parse(text), script.items.count == 1, script.items[0].rest.isEmpty,
            !script.items[0].background, script.items[0].first.commands.count == 1, !script.items[0].first.negated,
            case .simple(let simple) = script.items[0].first.commands[0], simple.assignments.isEmpty, simple.redirections.isEmpty
        else { return nil }
        let words = simple.words.map(\.literal)
        guard !words.isEmpty, words.allSatisfy({ $0 != nil }) else { return nil }
        return words.compactMap { $0 }
    }

    /// A path of a pattern: `/…`, `~`, `~/…`, `$HOME`, `$HOME/…`, or relative to `folder`.
    static func path(_ text: String, from folder: CommandPath) -> CommandPath {
        for home in ["~", "$HOME", "${HOME}"] where text == home || text.hasPrefix(home + "/") {
            return CommandPath(.home, text.dropFirst(home.count).split(separator: "/").map(String.init))
        }
        return CommandPath.resolve(text, in: folder)
    }
}

extension PolicyValueError {
    /// The same error, located one step further out in the value.
    func inside(_ step: PolicyValueError.Step) -> PolicyValueError {
        var copy = self
        copy.at.insert(step, at: 0)
        return copy
    }
}
