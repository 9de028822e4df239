/// A POSIX shell command line as ``ShellParser`` reads it: lists of and-or lists of pipelines of
/// commands. Only what the policy needs to find every simple command is kept; anything the parser
/// does not understand is an error, never a guess (docs/POLICY.md, "The commands an action runs").
struct ShellScript: Sendable {
    /// The and-or lists, separated by `;`, `&` or newlines.
    var items: [ShellAndOr]
}

/// Pipelines joined by `&&` and `||`; `background` when the list ends with `&`.
struct ShellAndOr: Sendable {
    enum Operator: Sendable { case and, or }
    var first: ShellPipeline
    var rest: [(Operator, ShellPipeline)]
    var background: Bool
}

/// Commands joined by `|`, each in a subshell of its own; `!` negates its status.
struct ShellPipeline: Sendable {
    var negated: Bool
    var commands: [ShellCommand]
}

/// A simple command, a subshell `( … )` or a group `{ …; }`.
indirect enum ShellCommand: Sendable {
    case simple(ShellSimpleCommand)
    case subshell(ShellScript, [ShellRedirection])
    case group(ShellScript, [ShellRedirection])
}

/// `NAME=value … word … redirection …`.
struct ShellSimpleCommand: Sendable {
    var assignments: [ShellAssignment]
    /// The program and its arguments, as written (before expansion).
    var words: [ShellWord]
    var redirections: [ShellRedirection]
}

/// `NAME=value` before a command (its environment) or alone (a shell variable).
struct ShellAssignment: Sendable {
    var name: String
    var value: ShellWord
}

/// `[n]<`, `>`, `>>`, `>|`, `<>`, `>&`, `<&`, `&>`, `&>>` or `<<<` and its target.
struct ShellRedirection: Sendable {
    enum Kind: Sendable { case input, output, readWrite, duplicate, hereString }
    var kind: Kind
    var target: ShellWord

    /// Whether it may write a file: output to anything but `/dev/null`, or read-write.
    var writesFile: Bool {
        switch kind {
        case .input, .hereString: return false
        case .readWrite: return true
        case .output: return target.literal != "/dev/null"
        case .duplicate:
            // `>&2`, `2>&1`, `>&-` move descriptors; `>&file` is bash for `&>file`.
            guard let literal = target.literal else { return true }
            return !(literal == "-" || (!literal.isEmpty && literal.allSatisfy(\.isASCII) && literal.allSatisfy(\.isNumber)))
        }
    }
}

/// One word as written, in parts: quoted and unquoted text, `~`, `$NAME`, `$( … )` and what
/// Nightshift cannot know before the shell runs it.
struct ShellWord: Sendable {
    enum Part: Sendable {
        /// Text after quote removal; unquoted text may hold glob characters.
        case text(String, quoted: Bool)
        /// `~` at the start: the operator's home folder.
        case home
        /// `$NAME` or `${NAME}`.
        case parameter(String)
        /// `$( … )` or `` ` … ` ``.
        case substitution(ShellScript)
        /// A value no one knows before the shell runs: `${x:-y}`, `$(( … ))`, `$'…'`, `~user`, a
        /// brace expansion, what `xargs` reads. The text says which.
        case unknown(String)
    }
    let parts: [Part]
    /// Whether unquoted text holds `*`, `?` or a `[` closed later in the word: the shell would
    /// replace the word with the names of files.
    let hasGlob: Bool
    /// The word's value when it has no expansion and no glob; nil otherwise.
    let literal: String?

    init(_ parts: [Part]) {
        self.parts = parts
        var open = false, glob = false
        var text: String? = ""
        for part in parts {
            guard case .text(let piece, let quoted) = part else {
                text = nil
                continue
            }
            text? += piece
            if quoted || glob { continue }
            for character in piece {
                if character == "*" || character == "?" || (character == "]" && open) { glob = true }
                if character == "[" { open = true }
            }
        }
        hasGlob = glob
        literal = glob ? nil : text
    }

    /// A word with exactly this text, nothing expanded (an argv element).
    init(literal: String) { self.init([.text(literal, quoted: true)]) }

    /// How the word reads in an argument list.
    enum Role {
        /// `-x`, `--name`, `--`: a literal word starting with `-`.
        case option(String)
        /// Not an option, whatever it expands to: `/*`, `~/x`, `"$HOME"/x`.
        case operand
        /// An expansion that may be an option or not: `$OPTS`, `-$X`.
        case unknown
    }

    var role: Role {
        if let literal { return literal.count > 1 && literal.hasPrefix("-") ? .option(literal) : .operand }
        for part in parts {
            switch part {
            case .home, .parameter("HOME"): return .operand
            case .text(let piece, _) where !piece.isEmpty: return piece.hasPrefix("-") ? .unknown : .operand
            case .text: continue
            default: return .unknown
            }
        }
        return .operand
    }

    /// The scripts of its `$( … )` and backquotes.
    var substitutions: [ShellScript] {
        parts.compactMap { if case .substitution(let script) = $0 { script } else { nil } }
    }

    /// The word for messages: text as is, `$NAME`, `$(…)`, `…` for the unknown.
    var display: String {
        parts.map { part in
            switch part {
            case .text(let text, _): text
            case .home: "~"
            case .parameter(let name): "$" + name
            case .substitution: "$(…)"
            case .unknown(let what): what
            }
        }.joined()
    }
}
