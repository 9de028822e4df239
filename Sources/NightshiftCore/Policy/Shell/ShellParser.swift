/// Why a shell command line could not be read with confidence.
struct ShellParseError: Error, Sendable, CustomStringConvertible {
    var message: String
    /// Byte offset in the line where the parser gave up.
    var offset: Int

    var description: String { "\(message) (at byte \(offset))" }
}

/// A parser for the part of the POSIX shell language that command lines are made of: simple
/// commands with assignments and redirections, joined by `&&`, `||`, `;`, `&`, `|` and newlines,
/// in subshells `( … )` and groups `{ …; }`; words quoted with `'`, `"` and `\`, with `$NAME`,
/// `${…}`, `$( … )`, backquotes, `$(( … ))` and `~`.
///
/// What it does not understand — compound commands (`if`, `for`, `while`, `case`), function
/// definitions, here-documents, process substitution, unbalanced quotes, anything nested deeper
/// than ``maxDepth`` — is an error: the policy then treats the command as one it cannot judge.
/// Works on UTF-8 bytes (every byte the shell treats specially is ASCII), in time linear in the
/// length of the line times its nesting.
public struct ShellParser {
    /// How deeply subshells, groups and substitutions may nest.
    static let maxDepth = 32
    /// Longer lines are not read (an agent's command is rarely more than a few kilobytes).
    static let maxLength = 256 * 1024

    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses a whole command line.
    static func parse(_ text: String) throws(ShellParseError) -> ShellScript {
        guard text.utf8.count <= maxLength else { throw ShellParseError(message: "the command is longer than \(maxLength) bytes", offset: 0) }
        var parser = ShellParser(Array(text.utf8))
        let script = try parser.script(until: .end)
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected \"\(parser.character)\"") }
        return script
    }

    /// Parses `text` and throws the result away: the entry point of a libFuzzer harness, which
    /// only cares that the parser returns (no crash, no hang) whatever it is given.
    public static func fuzz(_ text: String) {
        _ = try? parse(text)
    }

    // MARK: Lists

    enum Terminator { case end, parenthesis, brace }

    mutating func script(until terminator: Terminator) throws(ShellParseError) -> ShellScript {
        var items: [ShellAndOr] = []
        while true {
            skipBlanks(newlines: true)
            if index == bytes.count {
                if terminator == .end { break }
                throw error(terminator == .parenthesis ? "a \"(\" is never closed" : "a \"{\" is never closed")
            }
            if terminator == .parenthesis, peek == UInt8(ascii: ")") { break }
            if terminator == .brace, atReservedWord("}") { break }
            var item = try andOr()
            skipBlanks(newlines: false)
            if index < bytes.count {
                switch peek {
                case UInt8(ascii: ";"):
                    guard peek(1) != UInt8(ascii: ";"), peek(1) != UInt8(ascii: "&") else { throw error("\";;\" outside a case is not understood") }
                    index += 1
                case UInt8(ascii: "&"):
                    index += 1
                    item.background = true
                case UInt8(ascii: "\n"):
                    index += 1
                case UInt8(ascii: ")") where terminator == .parenthesis:
                    break
                default:
                    if !(terminator == .brace && atReservedWord("}")) { throw error("unexpected \"\(character)\"") }
                }
            }
            items.append(item)
        }
        if items.isEmpty && terminator != .end { throw error("an empty ( ) or { } is not a command") }
        return ShellScript(items: items)
    }

    private mutating func andOr() throws(ShellParseError) -> ShellAndOr {
        var result = ShellAndOr(first: try pipeline(), rest: [], background: false)
        while true {
            skipBlanks(newlines: false)
            let op: ShellAndOr.Operator
            if peek == UInt8(ascii: "&"), peek(1) == UInt8(ascii: "&") { op = .and } else if peek == UInt8(ascii: "|"), peek(1) == UInt8(ascii: "|") { op = .or } else { break }
            index += 2
            skipBlanks(newlines: true)
            result.rest.append((op, try pipeline()))
        }
        return result
    }

    private mutating func pipeline() throws(ShellParseError) -> ShellPipeline {
        skipBlanks(newlines: false)
        var negated = false
        if atReservedWord("!") {
            index += 1
            negated = true
        }
        var commands = [try command()]
        while true {
            skipBlanks(newlines: false)
            guard peek == UInt8(ascii: "|"), peek(1) != UInt8(ascii: "|") else { break }
            index += peek(1) == UInt8(ascii: "&") ? 2 : 1
            skipBlanks(newlines: true)
            commands.append(try command())
        }
        return ShellPipeline(negated: negated, commands: commands)
    }

    private mutating func command() throws(ShellParseError) -> ShellCommand {
        skipBlanks(newlines: false)
        if peek == UInt8(ascii: "(") {
            guard peek(1) != UInt8(ascii: "(") else { throw error("an arithmetic command (( … )) is not understood") }
            index += 1
            try enter()
            let inner = try script(until: .parenthesis)
            depth -= 1
            guard peek == UInt8(ascii: ")") else { throw error("a \"(\" is never closed") }
            index += 1
            return .subshell(inner, try trailingRedirections())
        }
        if atReservedWord("{") {
            index += 1
            try enter()
            let inner = try script(until: .brace)
            depth -= 1
            guard atReservedWord("}") else { throw error("a \"{\" is never closed") }
            index += 1
            return .group(inner, try trailingRedirections())
        }
        return .simple(try simpleCommand())
    }

    /// Redirections after `)` or `}`.
    private mutating func trailingRedirections() throws(ShellParseError) -> [ShellRedirection] {
        var redirections: [ShellRedirection] = []
        while true {
            skipBlanks(newlines: false)
            guard let redirection = try redirection() else { break }
            redirections.append(redirection)
        }
        if index < bytes.count, !isOperatorStart(peek) { throw error("unexpected \"\(character)\" after ) or }") }
        return redirections
    }

    private static let reservedWords: Set<String> = [
        "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "select", "function",
        "coproc", "[[", "]]", "}",
    ]

    private mutating func simpleCommand() throws(ShellParseError) -> ShellSimpleCommand {
        var command = ShellSimpleCommand(assignments: [], words: [], redirections: [])
        while true {
            skipBlanks(newlines: false)
            guard index < bytes.count else { break }
            if let redirection = try redirection() {
                command.redirections.append(redirection)
                continue
            }
            if isOperatorStart(peek) { break }
            if command.words.isEmpty, let assignment = try assignment() {
                command.assignments.append(assignment)
                continue
            }
            let start = index
            let word = try word()
            if command.words.isEmpty, let text = word.literal, Self.reservedWords.contains(text), !word.quotedAnywhere {
                index = start
                throw error("\"\(text)\" (a compound command or function) is not understood")
            }
            command.words.append(word)
        }
        if command.words.isEmpty && command.assignments.isEmpty && command.redirections.isEmpty {
            throw error(index < bytes.count ? "unexpected \"\(character)\"" : "a command is missing")
        }
        return command
    }

    /// `NAME=value` or `NAME+=value` at the position, or nil (nothing consumed).
    private mutating func assignment() throws(ShellParseError) -> ShellAssignment? {
        var end = index
        guard end < bytes.count, Self.isNameStart(bytes[end]) else { return nil }
        while end < bytes.count, Self.isNameByte(bytes[end]) { end += 1 }
        var valueStart = end
        if valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: "+") { valueStart += 1 }
        guard valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: "=") else { return nil }
        let name = String(decoding: bytes[index..<end], as: UTF8.self)
        index = valueStart + 1
        if peek == UInt8(ascii: "(") { throw error("an array assignment is not understood") }
        let value = index < bytes.count && !isBlank(peek) && !isOperatorStart(peek) ? try word() : ShellWord([])
        return ShellAssignment(name: name, value: value)
    }

    /// A redirection at the position, or nil (nothing consumed).
    private mutating func redirection() throws(ShellParseError) -> ShellRedirection? {
        let bytes = self.bytes
        var at = index
        while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { at += 1 }
        let kind: ShellRedirection.Kind
        var length: Int
        func byte(_ offset: Int) -> UInt8? { at + offset < bytes.count ? bytes[at + offset] : nil }
        switch byte(0) {
        case UInt8(ascii: "<"):
            switch byte(1) {
            case UInt8(ascii: "<"):
                guard byte(2) == UInt8(ascii: "<") else {
                    index = at
                    throw error("a here-document (<<) is not understood")
                }
                (kind, length) = (.hereString, 3)
            case UInt8(ascii: ">"): (kind, length) = (.readWrite, 2)
            case UInt8(ascii: "&"): (kind, length) = (.duplicate, 2)
            case UInt8(ascii: "("):
                index = at
                throw error("process substitution <( … ) is not understood")
            default: (kind, length) = (.input, 1)
            }
        case UInt8(ascii: ">"):
            switch byte(1) {
            case UInt8(ascii: ">"), UInt8(ascii: "|"): (kind, length) = (.output, 2)
            case UInt8(ascii: "&"): (kind, length) = (.duplicate, 2)
            case UInt8(ascii: "("):
                index = at
                throw error("process substitution >( … ) is not understood")
            default: (kind, length) = (.output, 1)
            }
        case UInt8(ascii: "&") where at == index && byte(1) == UInt8(ascii: ">"):
            (kind, length) = (.output, byte(2) == UInt8(ascii: ">") ? 3 : 2)
        default:
            return nil
        }
        index = at + length
        skipBlanks(newlines: false)
        guard index < bytes.count, !isOperatorStart(peek) else { throw error("a redirection has no target") }
        return ShellRedirection(kind: kind, target: try word())
    }

    // MARK: Helpers

    /// Goes one level deeper (the caller comes back with `depth -= 1`), or fails when that is
    /// too deep. A failure ends the whole parse, so an unbalanced depth never matters.
    mutating func enter() throws(ShellParseError) {
        guard depth < Self.maxDepth else { throw error("the command is nested more than \(Self.maxDepth) levels deep") }
        depth += 1
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
    mutating func advance() -> UInt8 {
        defer { index += 1 }
        return bytes[index]
    }
    var atEnd: Bool { index >= bytes.count }
    var position: Int { index }
    func slice(from start: Int) -> [UInt8] { Array(bytes[start..<index]) }

    /// The character at the position, for messages.
    var character: String {
        guard index < bytes.count else { return "end of the command" }
        return String(decoding: [bytes[index]], as: UTF8.self)
    }

    func error(_ message: String) -> ShellParseError { ShellParseError(message: message, offset: index) }

    func isBlank(_ byte: UInt8?) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// `|`, `&`, `;`, `(`, `)`, `<`, `>` or a newline: where a word ends.
    func isOperatorStart(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return "|&;()<>\n".utf8.contains(byte)
    }

    /// Skips blanks, comments, line continuations and (with `newlines`) newlines.
    mutating func skipBlanks(newlines: Bool) {
        while let byte = peek {
            if isBlank(byte) || (newlines && byte == UInt8(ascii: "\n")) {
                index += 1
            } else if byte == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "\n") {
                index += 2
            } else if byte == UInt8(ascii: "#") {
                while let next = peek, next != UInt8(ascii: "\n") { index += 1 }
            } else {
                break
            }
        }
    }

    /// Whether the word at the position is exactly `word`, unquoted, followed by a blank, an
    /// operator or the end (`{`, `}`, `!`).
    func atReservedWord(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else { return false }
        let after = index + utf8.count < bytes.count ? bytes[index + utf8.count] : nil
        return after == nil || isBlank(after) || isOperatorStart(after)
    }

    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

extension ShellWord {
    /// Whether any part was quoted (a quoted `if` is a command named if, not the keyword).
    var quotedAnywhere: Bool {
        parts.contains { if case .text(_, quoted: true) = $0 { true } else { false } }
    }
}
