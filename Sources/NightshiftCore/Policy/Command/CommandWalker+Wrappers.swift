/// Commands that run other commands. Their inner command is listed as an invocation of its own
/// (derived), so a pattern that catches `rm` catches `sudo rm`, `env X=1 rm`, `xargs rm` and
/// `find … -exec rm`; a shell's `-c SCRIPT` and `eval` are parsed and walked like the line itself.
extension CommandWalker {
    /// The options of a wrapper that take a value (short letters, long names), and how many
    /// operands come before its command (`timeout DURATION cmd`, `chroot DIR cmd`).
    struct Wrapper {
        var short: Set<Character> = []
        var long: Set<String> = []
        var operands = 0
    }

    static let wrappers: [String: Wrapper] = [
        "sudo": Wrapper(
            short: ["C", "D", "g", "p", "R", "r", "t", "T", "U", "u"],
            long: ["chdir", "close-from", "group", "host", "prompt", "chroot", "role", "type", "command-timeout", "other-user", "user"]),
        "doas": Wrapper(short: ["u", "C"]),
        "env": Wrapper(short: ["u", "C", "S"], long: ["unset", "chdir", "split-string"]),
        "nice": Wrapper(short: ["n"], long: ["adjustment"]),
        "nohup": Wrapper(),
        "timeout": Wrapper(short: ["k", "s"], long: ["kill-after", "signal"], operands: 1),
        "command": Wrapper(),
        "builtin": Wrapper(),
        "exec": Wrapper(short: ["a"]),
        "time": Wrapper(short: ["o", "f"], long: ["output", "format"]),
        "stdbuf": Wrapper(short: ["i", "o", "e"], long: ["input", "output", "error"]),
        "setsid": Wrapper(),
        "ionice": Wrapper(short: ["c", "n"], long: ["class", "classdata"]),
        "chroot": Wrapper(long: ["userspec", "groups"], operands: 1),
        "busybox": Wrapper(),
        "xargs": Wrapper(
            short: ["a", "d", "E", "I", "L", "n", "P", "s"],
            long: ["arg-file", "delimiter", "eof", "replace", "max-lines", "max-args", "max-procs", "max-chars", "process-slot-var"]),
        "su": Wrapper(short: ["c", "g", "G", "s", "w"], long: ["command", "session-command", "group", "supp-group", "shell", "whitelist-environment"]),
        "watch": Wrapper(short: ["n", "d", "q"], long: ["interval", "differences", "equexit", "chgexit"]),
    ]

    static let shells: Set<String> = ["sh", "bash", "dash", "zsh", "ksh", "mksh", "lksh", "ash", "yash", "posh", "rbash"]

    /// Lists what the invocation at `index` runs.
    mutating func expand(_ index: Int) {
        let invocation = invocations[index]
        guard let name = invocation.program?.basename.lowercased() else { return }
        guard depth < Self.maxDepth else {
            invocations[index].problem = "commands nested more than \(Self.maxDepth) levels deep"
            return
        }
        depth += 1
        defer { depth -= 1 }
        if Self.shells.contains(name) {
            shell(index)
        } else if name == "eval" {
            let arguments = invocation.arguments.map(\.literal)
            guard arguments.allSatisfy({ $0 != nil }) else {
                invocations[index].problem = "eval runs a value no one knows before it runs"
                return
            }
            walk(arguments.compactMap { $0 }.joined(separator: " "), from: index, transparent: true)
        } else if name == "find" {
            find(index)
        } else if let wrapper = Self.wrappers[name] {
            wrap(index, name: name, wrapper)
        }
    }

    /// `sh [options] -c SCRIPT`: the script instead of the shell. Without `-c` the shell runs a
    /// file or what it reads, which the policy cannot see; it stays a command of its own.
    private mutating func shell(_ index: Int) {
        var arguments = invocations[index].arguments
        var script = false
        while let word = arguments.first {
            guard let option = word.literal else {
                invocations[index].problem = "cannot tell what \(invocations[index].program ?? "the shell") runs: \(word.display)"
                return
            }
            guard option.count > 1, option.hasPrefix("-") || option.hasPrefix("+") else { break }
            arguments = arguments.dropFirst()
            if option == "--" { break }
            if option.hasPrefix("--") {
                if option == "--rcfile" || option == "--init-file" { arguments = arguments.dropFirst() }
                continue
            }
            if option.dropFirst().contains("c") { script = true }
            if option.dropFirst().contains("o") || option.dropFirst().contains("O") { arguments = arguments.dropFirst() }
        }
        guard script else { return }
        guard let word = arguments.first else { return }
        guard let text = word.literal else {
            invocations[index].problem = "the script of \(invocations[index].program ?? "sh") -c is not literal: \(word.display)"
            return
        }
        walk(text, from: index, transparent: true)
    }

    /// Parses `text` and walks it in the folders of the invocation at `index`.
    private mutating func walk(_ text: String, from index: Int, transparent: Bool) {
        do {
            let parsed = try ShellParser.parse(text)
            if transparent { invocations[index].transparent = true }
            script(parsed, cwd: invocations[index].cwd)
        } catch {
            invocations[index].problem = "\(invocations[index].program ?? "its script") runs a script that cannot be read: \(error.message)"
        }
    }

    /// `find … -exec CMD … ;` (and `-execdir`, `-ok`, `-okdir`): CMD on files no one can list.
    private mutating func find(_ index: Int) {
        let invocation = invocations[index]
        var words = invocation.arguments
        while let start = words.firstIndex(where: { ["-exec", "-execdir", "-ok", "-okdir"].contains($0.literal ?? "") }) {
            let inDirectory = words[start].literal?.hasSuffix("dir") == true
            let rest = words[(start + 1)...]
            let end = rest.firstIndex { $0.literal == ";" || $0.literal == "+" } ?? rest.endIndex
            let command = rest[..<end].map { word in
                word.display.contains("{}") ? ShellWord([.unknown("{}")]) : word
            }
            if !command.isEmpty {
                derive(from: invocation, words: command, cwd: inDirectory ? [.unknown] : invocation.cwd)
            }
            words = rest[end...].dropFirst()
        }
    }

    /// A wrapper: skips its options and operands, and lists its command.
    private mutating func wrap(_ index: Int, name: String, _ wrapper: Wrapper) {
        let invocation = invocations[index]
        guard let (options, rest) = Self.options(of: invocation.arguments, wrapper) else {
            invocations[index].problem = "cannot tell which command \(name) runs"
            return
        }
        var command = Array(rest.dropFirst(wrapper.operands))
        var cwd = invocation.cwd
        var assignments = invocation.assignments
        switch name {
        case "command":
            if options.contains(where: { $0.name == "v" || $0.name == "V" }) { return }
        case "sudo", "env":
            for option in options where option.name == (name == "sudo" ? "D" : "C") || option.name == "chdir" {
                cwd = option.value?.paths(in: cwd) ?? [.unknown]
            }
            if name == "env" {
                while let literal = command.first?.literal, let equals = literal.firstIndex(of: "="), literal[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                    assignments.append(String(literal[..<equals]))
                    command.removeFirst()
                }
                if let split = options.first(where: { $0.name == "S" || $0.name == "split-string" }) {
                    guard let text = split.value?.literal, let words = Self.words(of: text) else {
                        invocations[index].problem = "cannot tell which command env -S runs"
                        return
                    }
                    command = words + command
                }
            }
        case "chroot":
            cwd = [.root]
        case "xargs":
            if command.isEmpty { command = [ShellWord(literal: "echo")] }
            let replace = options.first { ["I", "i", "replace"].contains($0.name) }
            if let replace {
                let marker = replace.value?.literal ?? "{}"
                command = command.map { $0.display.contains(marker) ? ShellWord([.unknown("input of xargs")]) : $0 }
            } else {
                command.append(ShellWord([.unknown("input of xargs")]))
            }
        case "su":
            if let script = options.first(where: { ["c", "command", "session-command"].contains($0.name) }) {
                guard let text = script.value?.literal else {
                    invocations[index].problem = "the command of su -c is not literal"
                    return
                }
                walk(text, from: index, transparent: false)
            }
            return
        case "watch":
            if !options.contains(where: { $0.name == "x" || $0.name == "exec" }) {
                let texts = command.map(\.literal)
                guard texts.allSatisfy({ $0 != nil }) else {
                    invocations[index].problem = "watch runs a value no one knows before it runs"
                    return
                }
                walk(texts.compactMap { $0 }.joined(separator: " "), from: index, transparent: false)
                return
            }
        default:
            break
        }
        guard !command.isEmpty else { return }
        derive(from: invocation, words: command, cwd: cwd, assignments: assignments)
    }

    /// Lists `words`, run by `invocation`, as a derived invocation.
    private mutating func derive(from invocation: Invocation, words: [ShellWord], cwd: Set<CommandPath>, assignments: [String]? = nil) {
        var derived = invocation
        derived.words = words
        derived.cwd = cwd
        derived.assignments = assignments ?? invocation.assignments
        derived.derived = true
        derived.transparent = false
        derived.problem = nil
        record(derived)
    }

    /// The options of a wrapper (name and value) and the words after them; nil when a word
    /// that might be an option is an expansion (then no one can tell where the command starts).
    static func options(of arguments: ArraySlice<ShellWord>, _ wrapper: Wrapper) -> ([(name: String, value: ShellWord?)], ArraySlice<ShellWord>)? {
        var options: [(name: String, value: ShellWord?)] = []
        var rest = arguments
        while let word = rest.first {
            guard let text = word.literal else { return nil }
            guard text.count > 1, text.hasPrefix("-") else { break }
            rest = rest.dropFirst()
            if text == "--" { break }
            if text.hasPrefix("--") {
                let body = text.dropFirst(2)
                if let equals = body.firstIndex(of: "=") {
                    options.append((String(body[..<equals]), ShellWord(literal: String(body[body.index(after: equals)...]))))
                } else if wrapper.long.contains(String(body)) {
                    options.append((String(body), rest.first))
                    rest = rest.dropFirst()
                } else {
                    options.append((String(body), nil))
                }
                continue
            }
            var letters = text.dropFirst()
            while let letter = letters.first {
                letters = letters.dropFirst()
                guard wrapper.short.contains(letter) else {
                    options.append((String(letter), nil))
                    continue
                }
                if letters.isEmpty {
                    options.append((String(letter), rest.first))
                    rest = rest.dropFirst()
                } else {
                    options.append((String(letter), ShellWord(literal: String(letters))))
                }
                break
            }
        }
        return (options, rest)
    }

    /// The words of a one-command line (`env -S '…'`); nil when it is anything else.
    private static func words(of text: String) -> [ShellWord]? {
        guard let script = try? ShellParser.parse(text), script.items.count == 1, script.items[0].rest.isEmpty,
            script.items[0].first.commands.count == 1, case .simple(let simple) = script.items[0].first.commands[0],
            simple.assignments.isEmpty, simple.redirections.isEmpty
        else { return nil }
        return simple.words
    }
}
