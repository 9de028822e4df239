extension ShellParser {
    /// A word: unquoted, `'…'`, `"…"` and `\x` pieces and expansions up to a blank or an operator.
    mutating func word() throws(ShellParseError) -> ShellWord {
        var builder = WordBuilder()
        if peek == UInt8(ascii: "~") { tilde(&builder) }
        while let byte = peek, !isBlank(byte), !isOperatorStart(byte) {
            switch byte {
            case UInt8(ascii: "\\"):
                if peek(1) == UInt8(ascii: "\n") {
                    index += 2
                    continue
                }
                guard peek(1) != nil else { throw error("a backslash ends the command") }
                index += 1
                builder.append(scalar(), quoted: true)
            case UInt8(ascii: "'"):
                index += 1
                let start = index
                while let next = peek, next != UInt8(ascii: "'") { index += 1 }
                guard !atEnd else {
                    index = start - 1
                    throw error("a ' is never closed")
                }
                builder.append(Array(bytes[start..<index]), quoted: true)
                index += 1
            case UInt8(ascii: "\""):
                try doubleQuoted(&builder)
            case UInt8(ascii: "$"):
                try dollar(&builder, quoted: false)
            case UInt8(ascii: "`"):
                builder.add(.substitution(try backquoted()))
            default:
                builder.scanBraces(byte, next: peek(1))
                builder.append([byte], quoted: false)
                index += 1
            }
        }
        return builder.word()
    }

    /// The bytes of one UTF-8 scalar at the position (an escaped character stays whole).
    private mutating func scalar() -> [UInt8] {
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        let end = min(index + length, bytes.count)
        defer { index = end }
        return Array(bytes[index..<end])
    }

    /// `~` or `~name` at the start of a word: the home folder, or one Nightshift cannot know.
    private mutating func tilde(_ builder: inout WordBuilder) {
        var end = index + 1
        while end < bytes.count, Self.isNameByte(bytes[end]) || ".-+".utf8.contains(bytes[end]) { end += 1 }
        let after = end < bytes.count ? bytes[end] : nil
        guard after == nil || after == UInt8(ascii: "/") || isBlank(after) || isOperatorStart(after) else { return }
        if end == index + 1 {
            builder.add(.home)
        } else {
            builder.add(.unknown(String(decoding: bytes[index..<end], as: UTF8.self)))
        }
        index = end
    }

    private mutating func doubleQuoted(_ builder: inout WordBuilder) throws(ShellParseError) {
        let open = index
        index += 1
        builder.markQuoted()
        while true {
            guard let byte = peek else {
                index = open
                throw error("a \" is never closed")
            }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                let next = peek(1)
                if next == UInt8(ascii: "\n") {
                    index += 2
                } else if let next, "$`\"\\".utf8.contains(next) {
                    builder.append([next], quoted: true)
                    index += 2
                } else {
                    builder.append([byte], quoted: true)
                    index += 1
                }
            case UInt8(ascii: "$"):
                try dollar(&builder, quoted: true)
            case UInt8(ascii: "`"):
                builder.add(.substitution(try backquoted()))
            default:
                builder.append([byte], quoted: true)
                index += 1
            }
        }
    }

    /// `$…` at the position.
    private mutating func dollar(_ builder: inout WordBuilder, quoted: Bool) throws(ShellParseError) {
        let start = index
        guard let next = peek(1) else {
            builder.append([UInt8(ascii: "$")], quoted: quoted)
            index += 1
            return
        }
        switch next {
        case UInt8(ascii: "'") where !quoted:
            // $'…': backslash escapes Nightshift does not decode, so its value is unknown.
            index += 2
            while let byte = peek, byte != UInt8(ascii: "'") { index += byte == UInt8(ascii: "\\") ? 2 : 1 }
            guard index < bytes.count else {
                index = start
                throw error("a $' is never closed")
            }
            index += 1
            builder.add(.unknown("$'…'"))
        case UInt8(ascii: "\"") where !quoted:
            index += 1 // $"…" is "…" translated: read it as "…"
        case UInt8(ascii: "(") where peek(2) == UInt8(ascii: "("):
            index += 3
            var open = 2
            let contentStart = index
            while open > 0, let byte = peek {
                if byte == UInt8(ascii: "(") { open += 1 } else if byte == UInt8(ascii: ")") { open -= 1 }
                index += 1
            }
            let content = bytes[contentStart..<index]
            guard open == 0 else {
                index = start
                throw error("a $(( is never closed")
            }
            if content.contains(UInt8(ascii: "`")) || content.contains(UInt8(ascii: "$")) && hasSubstitution(content) {
                index = start
                throw error("a command inside $(( … )) is not understood")
            }
            builder.add(.unknown("$((…))"))
        case UInt8(ascii: "("):
            index += 2
            try enter()
            let script = try script(until: .parenthesis)
            depth -= 1
            guard peek == UInt8(ascii: ")") else {
                index = start
                throw error("a $( is never closed")
            }
            index += 1
            builder.add(.substitution(script))
        case UInt8(ascii: "{"):
            index += 2
            let contentStart = index
            var open = 1
            while let byte = peek {
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "{") { open += 1 } else if byte == UInt8(ascii: "}") {
                    open -= 1
                    if open == 0 { break }
                }
                index += 1
            }
            guard open == 0, index < bytes.count else {
                index = start
                throw error("a ${ is never closed")
            }
            let content = bytes[contentStart..<index]
            index += 1
            if content.contains(UInt8(ascii: "`")) || hasSubstitution(content) {
                index = start
                throw error("a command inside ${ … } is not understood")
            }
            let name = String(decoding: content, as: UTF8.self)
            builder.add(Self.isParameterName(content) ? .parameter(name) : .unknown("${" + name + "}"))
        case let byte where Self.isNameStart(byte):
            index += 1
            let nameStart = index
            while let byte = peek, Self.isNameByte(byte) { index += 1 }
            builder.add(.parameter(String(decoding: bytes[nameStart..<index], as: UTF8.self)))
        case let byte where (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "@*#?$!-".utf8.contains(byte):
            index += 2
            builder.add(.parameter(String(decoding: [byte], as: UTF8.self)))
        case UInt8(ascii: "["):
            throw error("$[ … ] is not understood")
        default:
            builder.append([UInt8(ascii: "$")], quoted: quoted)
            index += 1
        }
    }

    /// `` `…` ``: its text with `\``, `\\` and `\$` unescaped, parsed as a script of its own.
    private mutating func backquoted() throws(ShellParseError) -> ShellScript {
        let start = index
        index += 1
        var content: [UInt8] = []
        while true {
            guard let byte = peek else {
                index = start
                throw error("a ` is never closed")
            }
            index += 1
            if byte == UInt8(ascii: "`") { break }
            if byte == UInt8(ascii: "\\"), let next = peek, "`\\$".utf8.contains(next) {
                content.append(next)
                index += 1
            } else {
                content.append(byte)
            }
        }
        try enter()
        defer { depth -= 1 }
        var inner = ShellParser(content)
        inner.depth = depth
        do throws(ShellParseError) {
            let script = try inner.script(until: .end)
            guard inner.atEnd else { throw inner.error("unexpected \"\(inner.character)\"") }
            return script
        } catch {
            throw ShellParseError(message: "inside ` … `: \(error.message)", offset: start)
        }
    }

    /// Whether `$(` occurs in `content`.
    private func hasSubstitution(_ content: ArraySlice<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in content {
            if previous == UInt8(ascii: "$") && byte == UInt8(ascii: "(") { return true }
            previous = byte
        }
        return false
    }

    /// A name, a positional parameter or a special parameter: what `${…}` may hold without an operator.
    private static func isParameterName(_ content: ArraySlice<UInt8>) -> Bool {
        guard let first = content.first else { return false }
        if isNameStart(first) { return content.allSatisfy(isNameByte) }
        if content.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return true }
        return content.count == 1 && "@*#?$!-".utf8.contains(first)
    }
}

/// Collects the parts of one word.
struct WordBuilder {
    private var parts: [ShellWord.Part] = []
    private var pending: [UInt8] = []
    private var pendingQuoted = false
    /// A word that is only `""` is an empty word, not no word.
    private var sawQuotes = false
    /// Unquoted `{`, `,` or `..`, `}`: a brace expansion (bash), whose words no one can list ahead.
    private var openBraces = 0
    private var braceSeparator = false
    private var braceExpansion = false

    mutating func append(_ bytes: [UInt8], quoted: Bool) {
        if quoted != pendingQuoted { flush() }
        pendingQuoted = quoted
        if quoted { sawQuotes = true }
        pending += bytes
    }

    mutating func add(_ part: ShellWord.Part) {
        flush()
        parts.append(part)
    }

    mutating func markQuoted() { sawQuotes = true }

    mutating func scanBraces(_ byte: UInt8, next: UInt8?) {
        switch byte {
        case UInt8(ascii: "{"): openBraces += 1
        case UInt8(ascii: ","): if openBraces > 0 { braceSeparator = true }
        case UInt8(ascii: "."): if openBraces > 0, next == UInt8(ascii: ".") { braceSeparator = true }
        case UInt8(ascii: "}"):
            if openBraces > 0 {
                openBraces -= 1
                if braceSeparator { braceExpansion = true }
            }
        default: break
        }
    }

    private mutating func flush() {
        guard !pending.isEmpty else { return }
        parts.append(.text(String(decoding: pending, as: UTF8.self), quoted: pendingQuoted))
        pending = []
    }

    mutating func word() -> ShellWord {
        flush()
        if braceExpansion { return ShellWord([.unknown("{…,…}")]) }
        if parts.isEmpty && sawQuotes { return ShellWord([.text("", quoted: true)]) }
        return ShellWord(parts)
    }
}
