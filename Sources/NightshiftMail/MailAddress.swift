import Foundation

/// A mailbox: an address with an optional display name, as in `From`, `To`, `Cc` and `Reply-To`.
///
/// ```swift
/// let list = MailAddress.parseList(#""Doe, Jane" <jane@example.com>, team: a@example.com, b@example.com;"#)
/// list.addresses[0].name      // "Doe, Jane"
/// list.addresses[1].group     // "team"
/// ```
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name, decoded (quotes and escapes undone, encoded words decoded) and trimmed;
    /// nil when there is none. A name given only as an old-style comment (`a@b.example (Ann)`) is
    /// taken as the display name.
    public var name: String?

    /// The address `local@domain` as written, white space and comments removed and nothing else
    /// changed (no case folding); a quoted local part keeps its quotes.
    public var address: String

    /// The name of the RFC 5322 group the mailbox was listed in, when it was in one.
    public var group: String?

    /// A mailbox for `address` with an optional display `name`.
    public init(name: String? = nil, address: String, group: String? = nil) {
        self.name = name
        self.address = address
        self.group = group
    }

    /// `Name <address>`, or the bare address when there is no name; for people, not for headers
    /// (``OutgoingMail`` writes headers).
    public var description: String {
        guard let name, !name.isEmpty else { return address }
        return "\(name) <\(address)>"
    }

    /// What ``parseList(_:)`` read from an address field.
    public struct List: Sendable, Hashable {
        /// The mailboxes, in order; the members of a group are listed in place, each naming the
        /// group.
        public var addresses: [MailAddress]
        /// What was wrong, in lower case; empty when the field was well-formed.
        public var problems: [String]
    }

    /// The mailboxes of an address field's value (`rawValue`, with encoded words still encoded),
    /// read as RFC 5322 §3.4 says: display names that are atoms, quoted strings or encoded words,
    /// angle addresses, bare addresses, groups (`name: a, b;`), comments, the obsolete route syntax.
    ///
    /// Nothing in the field can make it fail: what cannot be read is reported and the rest kept.
    public static func parseList(_ rawValue: String) -> List {
        var parser = AddressListParser(tokens: AddressTokenizer.tokens(of: rawValue))
        parser.run()
        return List(addresses: parser.addresses, problems: parser.problems)
    }
}

/// A lexical token of an address field (RFC 5322 §3.2).
enum AddressToken: Equatable {
    case atom(String)
    case quoted(String)
    case comment(String)
    case domainLiteral(String)
    case special(Unicode.Scalar)
}

enum AddressTokenizer {
    private static let specials: Set<Unicode.Scalar> = ["<", ">", "@", ",", ":", ";"]

    /// The tokens of `text`, in one pass. Unclosed quotes, comments and literals run to the end
    /// (and yield a `problem` token for the parser to report).
    static func tokens(of text: String) -> (tokens: [AddressToken], problems: [String]) {
        let scalars = Array(text.unicodeScalars)
        var tokens: [AddressToken] = []
        var problems: [String] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t", "\r", "\n":
                index += 1
            case "\"":
                var value = String.UnicodeScalarView()
                index += 1
                var closed = false
                while index < scalars.count {
                    let inner = scalars[index]
                    if inner == "\"" {
                        closed = true
                        index += 1
                        break
                    }
                    if inner == "\\", index + 1 < scalars.count {
                        value.append(scalars[index + 1])
                        index += 2
                        continue
                    }
                    if inner != "\r", inner != "\n" { value.append(inner) }
                    index += 1
                }
                if !closed { problems.append("a quoted string without its closing quote") }
                tokens.append(.quoted(String(value)))
            case "(":
                var value = String.UnicodeScalarView()
                var depth = 1
                index += 1
                while index < scalars.count, depth > 0 {
                    let inner = scalars[index]
                    if inner == "\\", index + 1 < scalars.count {
                        value.append(scalars[index + 1])
                        index += 2
                        continue
                    }
                    if inner == "(" { depth += 1 }
                    if inner == ")" { depth -= 1 }
                    if depth > 0 { value.append(inner) }
                    index += 1
                }
                if depth > 0 { problems.append("a comment without its closing parenthesis") }
                tokens.append(.comment(String(value)))
            case "[":
                var value = String.UnicodeScalarView()
                index += 1
                var closed = false
                while index < scalars.count {
                    let inner = scalars[index]
                    index += 1
                    if inner == "]" {
                        closed = true
                        break
                    }
                    if inner != " ", inner != "\t" { value.append(inner) }
                }
                if !closed { problems.append("a domain literal without its closing bracket") }
                tokens.append(.domainLiteral(String(value)))
            default:
                if specials.contains(scalar) {
                    tokens.append(.special(scalar))
                    index += 1
                    continue
                }
                var value = String.UnicodeScalarView()
                while index < scalars.count {
                    let inner = scalars[index]
                    if inner == " " || inner == "\t" || inner == "\r" || inner == "\n" || inner == "\"" || inner == "(" || inner == ")"
                        || inner == "["
                        || inner == "]" || specials.contains(inner)
                    {
                        break
                    }
                    value.append(inner)
                    index += 1
                }
                if value.isEmpty {
                    // A lone `)` or `]`: not part of anything.
                    problems.append("a stray \"\(scalar)\"")
                    index += 1
                } else {
                    tokens.append(.atom(String(value)))
                }
            }
        }
        return (tokens, problems)
    }
}

/// Turns address tokens into mailboxes, one pass, never failing.
struct AddressListParser {
    private let tokens: [AddressToken]
    private(set) var addresses: [MailAddress] = []
    private(set) var problems: [String]

    private var phrase: [AddressToken] = []
    private var angle: [AddressToken]?
    private var angleAddress: String?
    private var comments: [String] = []
    private var group: String?

    init(tokens: (tokens: [AddressToken], problems: [String])) {
        self.tokens = tokens.tokens
        self.problems = tokens.problems
    }

    mutating func run() {
        for token in tokens {
            if angle != nil {
                if token == .special(">") {
                    angleAddress = AddressListParser.addrSpec(angle!, route: true)
                    angle = nil
                } else if case .comment = token {
                    continue
                } else {
                    angle!.append(token)
                }
                continue
            }
            switch token {
            case .special(","):
                finishMailbox()
            case .special(";"):
                finishMailbox()
                if group == nil { problems.append("a \";\" outside a group") }
                group = nil
            case .special(":"):
                if group == nil, angleAddress == nil, !phrase.isEmpty, !phrase.contains(.special("@")) {
                    group = AddressListParser.displayText(phrase) ?? ""
                    phrase = []
                    comments = []
                } else {
                    phrase.append(token)
                }
            case .special("<"):
                if angleAddress != nil { problems.append("a second <address> in one mailbox ignored") }
                angle = []
            case .special(">"):
                problems.append("a \">\" without its \"<\"")
            case .comment(let text):
                comments.append(text)
            default:
                if angleAddress != nil {
                    problems.append("text after an <address> ignored")
                } else {
                    phrase.append(token)
                }
            }
        }
        if let open = angle {
            problems.append("an <address> without its closing \">\"")
            angleAddress = AddressListParser.addrSpec(open, route: true)
            angle = nil
        }
        finishMailbox()
        if group != nil { problems.append("a group without its closing \";\"") }
    }

    private mutating func finishMailbox() {
        defer {
            phrase = []
            angleAddress = nil
            comments = []
        }
        if let address = angleAddress {
            var name = AddressListParser.displayText(phrase)
            if name == nil, let comment = comments.last { name = AddressListParser.cleanComment(comment) }
            if address.isEmpty {
                // `<>` is the null return path; it names no mailbox.
                return
            }
            addresses.append(MailAddress(name: name, address: address, group: group))
            return
        }
        guard !phrase.isEmpty else { return }
        guard let at = phrase.firstIndex(of: .special("@")) else {
            let address = AddressListParser.addrSpec(phrase, route: false)
            problems.append("\"\(address.prefix(60))\" is not an address (no @)")
            addresses.append(MailAddress(name: comments.last.flatMap(AddressListParser.cleanComment), address: address, group: group))
            return
        }
        // The address is the dotted word before the @ and the one after it; words before it
        // are a display name someone forgot to put the address in <> after.
        var localStart = at
        while localStart > 0, AddressListParser.isWord(phrase[localStart - 1]),
            localStart == at || AddressListParser.joinedByDot(phrase[localStart - 1], phrase[localStart])
        {
            localStart -= 1
        }
        var domainEnd = at + 1
        while domainEnd < phrase.count, AddressListParser.isWord(phrase[domainEnd]),
            domainEnd == at + 1 || AddressListParser.joinedByDot(phrase[domainEnd - 1], phrase[domainEnd])
        {
            domainEnd += 1
        }
        let address = AddressListParser.addrSpec(Array(phrase[localStart..<domainEnd]), route: false)
        if localStart > 0 {
            problems.append("a display name without <> around the address \"\(address.prefix(60))\"")
        }
        if domainEnd < phrase.count {
            problems.append("text after the address \"\(address.prefix(60))\" ignored (a missing comma?)")
        }
        let name = AddressListParser.displayText(Array(phrase[..<localStart])) ?? comments.last.flatMap(AddressListParser.cleanComment)
        addresses.append(MailAddress(name: name, address: address, group: group))
    }

    private static func isWord(_ token: AddressToken) -> Bool {
        switch token {
        case .atom, .quoted, .domainLiteral: true
        case .special, .comment: false
        }
    }

    /// Whether two words of an address belong together: a dot between them (`john . doe` is
    /// obsolete but one word; `John Doe` is two).
    private static func joinedByDot(_ left: AddressToken, _ right: AddressToken) -> Bool {
        if case .atom(let text) = left, text.hasSuffix(".") { return true }
        if case .atom(let text) = right, text.hasPrefix(".") { return true }
        return false
    }

    /// `local@domain` from the tokens of an address, white space and comments dropped. Inside
    /// angle brackets an obsolete route (`@a,@b:`) before the address is dropped.
    private static func addrSpec(_ tokens: [AddressToken], route: Bool) -> String {
        var tokens = tokens[...]
        if route, let colon = tokens.lastIndex(of: .special(":")) { tokens = tokens[(colon + 1)...] }
        var text = ""
        for token in tokens {
            switch token {
            case .atom(let value): text += value
            case .quoted(let value):
                text += "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            case .domainLiteral(let value): text += "[" + value + "]"
            case .special(let scalar): text.unicodeScalars.append(scalar)
            case .comment: break
            }
        }
        return text.trimmingASCIIWhitespace()
    }

    /// A display name from phrase tokens: words joined by single spaces, then encoded words
    /// decoded (also inside quoted strings, as mail programs write them); nil when empty.
    private static func displayText(_ tokens: [AddressToken]) -> String? {
        var words: [String] = []
        for token in tokens {
            switch token {
            case .atom(let value), .quoted(let value): words.append(value)
            case .special(let scalar): words.append(String(scalar))
            case .domainLiteral(let value): words.append("[" + value + "]")
            case .comment: break
            }
        }
        let text = EncodedWords.decode(words.joined(separator: " ")).trimmingASCIIWhitespace()
        return text.isEmpty ? nil : text
    }

    private static func cleanComment(_ comment: String) -> String? {
        let text = EncodedWords.decode(comment).trimmingASCIIWhitespace()
        return text.isEmpty ? nil : text
    }
}
