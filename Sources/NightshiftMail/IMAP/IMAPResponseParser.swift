/// Parses one ``IMAPRawResponse`` into an ``IMAPResponse`` (RFC 3501 §9's grammar, read as
/// leniently as real servers need and no more).
///
/// It never traps on input: every index is checked, lists nest at most ``maxDepth`` deep, and
/// anything that does not fit throws ``IMAPError/Kind/malformedResponse`` naming what was
/// expected, where, and the bytes around it.
struct IMAPResponseParser {
    /// How deep parenthesised lists may nest (a BODYSTRUCTURE needs a handful).
    static let maxDepth = 32

    // The cursor: a line of `raw` and a byte in it (internal for the token readers' file).
    let raw: IMAPRawResponse
    var line = 0
    var offset = 0
    var depth = 0

    private init(_ raw: IMAPRawResponse) {
        self.raw = raw
    }

    /// The response `raw` holds.
    static func parse(_ raw: IMAPRawResponse) throws(IMAPError) -> IMAPResponse {
        var parser = IMAPResponseParser(raw)
        return try parser.response()
    }

    private mutating func response() throws(IMAPError) -> IMAPResponse {
        switch peek() {
        case UInt8(ascii: "+"):
            offset += 1
            if peek() == UInt8(ascii: " ") { offset += 1 }
            return .continuation(try restOfLine())
        case UInt8(ascii: "*"):
            offset += 1
            try space()
            let untagged = try untaggedResponse()
            return .untagged(untagged)
        case nil:
            throw failure("a response, not an empty line")
        default:
            let tag = try atom()
            try space()
            let status = try statusResponse()
            guard [.ok, .no, .bad].contains(status.status) else { throw failure("OK, NO or BAD after a tag") }
            return .tagged(tag, status)
        }
    }

    private mutating func untaggedResponse() throws(IMAPError) -> IMAPUntagged {
        if let first = peek(), isDigit(first) {
            let number = try self.number()
            try space()
            let kind = try atom().uppercased()
            let result: IMAPUntagged
            switch kind {
            case "EXISTS": result = .exists(number)
            case "RECENT": result = .recent(number)
            case "EXPUNGE": result = .expunge(number)
            case "FETCH":
                try space()
                result = .fetch(number, try fetchItems())
            default: return .other(kind)
            }
            try end()
            return result
        }
        let start = offset
        let name = try atom().uppercased()
        let result: IMAPUntagged
        switch name {
        case "OK", "NO", "BAD", "PREAUTH", "BYE":
            offset = start
            return .status(try statusResponse())
        case "CAPABILITY":
            var words: [String] = []
            while peek() == UInt8(ascii: " ") {
                offset += 1
                if atLineEnd { break }
                words.append(try atom())
            }
            result = .capability(words)
        case "FLAGS":
            try space()
            result = .flags(try list().words ?? [])
        case "LIST", "LSUB":
            try space()
            let attributes = try list().words ?? []
            try space()
            let delimiter: String?
            switch try value() {
            case .nilValue: delimiter = nil
            case .string(let bytes): delimiter = String(decoding: bytes, as: UTF8.self)
            default: throw failure("a quoted hierarchy delimiter or NIL")
            }
            try space()
            let mailbox = try value(mailboxName: true)
            if case .list = mailbox { throw failure("a mailbox name") }
            result = .list(attributes: attributes, delimiter: delimiter, name: mailbox.bytes ?? [])
        case "SEARCH":
            var numbers: [UInt32] = []
            while peek() == UInt8(ascii: " ") {
                offset += 1
                // CONDSTORE's `(MODSEQ n)` may close the list; it is not needed.
                if peek() == UInt8(ascii: "(") || atLineEnd { offset = raw.lines[line].count; break }
                numbers.append(try number())
            }
            result = .search(numbers)
        default:
            return .other(name)
        }
        try end()
        return result
    }

    /// `STATUS [SP "[" code "]"] [SP text]`: the text runs to the end of the line.
    private mutating func statusResponse() throws(IMAPError) -> IMAPStatusResponse {
        let word = try atom().uppercased()
        guard let status = IMAPStatusResponse.Status(rawValue: word) else { throw failure("OK, NO, BAD, PREAUTH or BYE") }
        var code: IMAPResponseCode?
        if peek() == UInt8(ascii: " ") { offset += 1 }
        if peek() == UInt8(ascii: "[") {
            code = try responseCode()
            if peek() == UInt8(ascii: " ") { offset += 1 }
        }
        let text = try restOfLine()
        return IMAPStatusResponse(status: status, code: code, text: text)
    }

    private mutating func responseCode() throws(IMAPError) -> IMAPResponseCode {
        let bytes = raw.lines[line]
        offset += 1
        guard let close = bytes[offset...].firstIndex(of: UInt8(ascii: "]")) else { throw failure("a response code closed by ]") }
        let inside = String(decoding: bytes[offset..<close], as: UTF8.self)
        offset = close + 1
        let words = inside.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let name = words.first?.uppercased() else { throw failure("a response code's name") }
        func number(_ index: Int) throws(IMAPError) -> UInt32 {
            guard index < words.count, words[index].utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = UInt32(words[index]) else {
                throw failure("a number in the response code \(name)")
            }
            return value
        }
        switch name {
        case "ALERT": return .alert
        case "UIDVALIDITY": return .uidValidity(try number(1))
        case "UIDNEXT": return .uidNext(try number(1))
        case "CAPABILITY": return .capability(Array(words.dropFirst()))
        case "READ-ONLY": return .readOnly
        case "READ-WRITE": return .readWrite
        case "APPENDUID": return .appendUID(uidValidity: try number(1), uid: try number(2))
        default: return .other(name)
        }
    }

    /// `(NAME value NAME value …)`.
    private mutating func fetchItems() throws(IMAPError) -> [IMAPFetchItem] {
        try expect(UInt8(ascii: "("), "( opening the FETCH data")
        var items: [IMAPFetchItem] = []
        while peek() != UInt8(ascii: ")") {
            if !items.isEmpty { try space() }
            let name = try atom().uppercased()
            try space()
            items.append(IMAPFetchItem(name: name, value: try value()))
        }
        offset += 1
        return items
    }
}
