extension OutgoingMail {
    /// The message as RFC 5322 text with CRLF line endings, all ASCII: the bytes to hand to SMTP.
    ///
    /// Throws when a value cannot be written safely: a CR or LF in any header value (header
    /// injection), an address that is not `local@domain` in ASCII, an id with white space or angle
    /// brackets, an extra header the writer writes itself. The error names the field.
    public func rendered() throws(MailWriterError) -> String {
        var writer = MailWriter(encoding: headerEncoding)
        writer.header("Date", [MailDate.format(date, secondsFromGMT: secondsFromGMT)])
        try writer.addresses("From", [from], field: "from", single: true)
        if !to.isEmpty { try writer.addresses("To", to, field: "to") }
        if !cc.isEmpty { try writer.addresses("Cc", cc, field: "cc") }
        if !replyTo.isEmpty { try writer.addresses("Reply-To", replyTo, field: "replyTo") }
        try writer.unstructured("Subject", subject, field: "subject")
        try writer.header("Message-ID", [MailWriter.checkedID(messageID, field: "messageID")])
        if !inReplyTo.isEmpty {
            try writer.header(
                "In-Reply-To",
                inReplyTo.enumerated().map { (index, id) throws(MailWriterError) in
                    try MailWriter.checkedID(id, field: "inReplyTo[\(index)]")
                })
        }
        if !references.isEmpty {
            try writer.header(
                "References",
                references.enumerated().map { (index, id) throws(MailWriterError) in
                    try MailWriter.checkedID(id, field: "references[\(index)]")
                })
        }
        for header in extraHeaders { try writer.extra(header) }
        writer.header("MIME-Version", ["1.0"])
        guard let html else {
            writer.textPart(text)
            return writer.output
        }
        let boundary = "=_nightshift_" + MailWriter.fingerprint(messageID)
        writer.header("Content-Type", ["multipart/alternative;", "boundary=\"\(boundary)\""])
        writer.output += "\r\n"
        writer.output += "--\(boundary)\r\n"
        writer.textPart(text)
        writer.output += "\r\n--\(boundary)\r\n"
        writer.textPart(html, subtype: "html")
        writer.output += "\r\n--\(boundary)--\r\n"
        return writer.output
    }
}

/// Writes header fields (folded, encoded) and quoted-printable text parts.
struct MailWriter {
    static let maximumLineLength = 78
    /// The longest display-name word or quoted name written as it is; longer ones are encoded
    /// words, which can be folded.
    static let maximumPlainWord = 60

    var output = ""
    let encoding: EncodedWords.Encoding

    init(encoding: EncodedWords.Encoding) {
        self.encoding = encoding
    }

    // MARK: Fields

    /// `Name: word word…` folded before a word where a line would pass 78 characters. Words
    /// are joined by one space; no fold goes next to an empty word, so runs of spaces stay on one
    /// line and no line is white space only. A single word longer than a line stays whole.
    mutating func header(_ name: String, _ words: [String]) {
        var line = name + ":"
        var length = line.utf8.count
        for (index, word) in words.enumerated() {
            let foldable = index > 0 && !word.isEmpty && !words[index - 1].isEmpty
            if foldable, length + 1 + word.utf8.count > MailWriter.maximumLineLength {
                line += "\r\n " + word
                length = 1 + word.utf8.count
            } else {
                line += " " + word
                length += 1 + word.utf8.count
            }
        }
        output += line + "\r\n"
    }

    /// An unstructured field (`Subject`, a non-ASCII extra header): as written when it is
    /// printable ASCII that folds well, else encoded words.
    mutating func unstructured(_ name: String, _ value: String, field: String) throws(MailWriterError) {
        try MailWriter.refuseLineBreaks(value, field: field)
        if value.isEmpty {
            header(name, [])
            return
        }
        let room = MailWriter.maximumLineLength - name.utf8.count - 2
        let words = value.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        // Runs of spaces would leave no place to fold; encoded words keep them and fold anywhere.
        let plain =
            value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !value.contains("=?") && !value.contains("  ")
            && value.first != " " && value.last != " " && words.allSatisfy { $0.utf8.count <= room }
        header(name, plain ? words : EncodedWords.encode(value, encoding: encoding, firstWordLimit: room))
    }

    /// An address field: `Name <address>` or `address` per mailbox, comma-separated. Errors
    /// name the mailbox as `field[index]`, or as `field` for a `single` one.
    mutating func addresses(_ name: String, _ mailboxes: [MailAddress], field: String, single: Bool = false) throws(MailWriterError) {
        let room = MailWriter.maximumLineLength - name.utf8.count - 2
        var words: [String] = []
        for (index, mailbox) in mailboxes.enumerated() {
            let place = single ? field : "\(field)[\(index)]"
            let address = try MailWriter.checkedAddress(mailbox.address, field: place + ".address")
            var mailboxWords: [String] = []
            if let display = mailbox.name, !display.isEmpty {
                try MailWriter.refuseLineBreaks(display, field: place + ".name")
                mailboxWords = phrase(display, firstWordLimit: words.isEmpty ? room : EncodedWords.maximumWordLength)
                mailboxWords.append("<\(address)>")
            } else {
                mailboxWords = [address]
            }
            if index < mailboxes.count - 1 { mailboxWords[mailboxWords.count - 1] += "," }
            words += mailboxWords
        }
        header(name, words)
    }

    /// A display name as words: atoms when it is ASCII words of `atext`, a quoted string when it
    /// is other printable ASCII, encoded words otherwise or when too long to fold.
    private func phrase(_ name: String, firstWordLimit: Int) -> [String] {
        let isPrintableASCII = name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if isPrintableASCII, !name.contains("=?"), name.first != " ", name.last != " " {
            let words = name.split(separator: " ", omittingEmptySubsequences: false)
            if words.allSatisfy({ !$0.isEmpty && $0.utf8.count <= MailWriter.maximumPlainWord && $0.utf8.allSatisfy(MailWriter.isAtext) }) {
                return words.map(String.init)
            }
            let quoted = "\"" + name.replacingBackslashAndQuote() + "\""
            if quoted.utf8.count <= MailWriter.maximumPlainWord { return [quoted] }
        }
        return EncodedWords.encode(name, encoding: encoding, firstWordLimit: firstWordLimit)
    }

    mutating func extra(_ header: OutgoingMail.Header) throws(MailWriterError) {
        let field = "header \(header.name)"
        guard !header.name.isEmpty, header.name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
            throw MailWriterError(.invalidHeaderName, field: field, "a header name must be printable ASCII without spaces or \":\"")
        }
        if MailWriter.reservedNames.contains(header.name.lowercased()) {
            throw MailWriterError(.reservedHeader, field: field, "the writer writes \(header.name) itself; set the matching property instead")
        }
        try MailWriter.refuseLineBreaks(header.value, field: field)
        let isASCII = header.value.unicodeScalars.allSatisfy { ($0.value >= 0x20 && $0.value < 0x7F) || $0 == "\t" }
        guard isASCII else {
            try unstructured(header.name, header.value, field: field)
            return
        }
        let words = header.value.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if let long = words.first(where: { $0.utf8.count > 998 - header.name.utf8.count - 2 }) {
            throw MailWriterError(.lineTooLong, field: field, "a word of \(long.utf8.count) characters cannot fit a header line (998)")
        }
        self.header(header.name, header.value.isEmpty ? [] : words)
    }

    private static let reservedNames: Set<String> = [
        "from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "in-reply-to", "references", "mime-version",
        "content-type", "content-transfer-encoding",
    ]

    // MARK: Body

    /// A `text/SUBTYPE; charset=utf-8` entity in quoted-printable: its header, a blank line, the
    /// encoded text.
    mutating func textPart(_ text: String, subtype: String = "plain") {
        header("Content-Type", ["text/\(subtype);", "charset=utf-8"])
        header("Content-Transfer-Encoding", ["quoted-printable"])
        output += "\r\n"
        output += TransferCoding.encodeQuotedPrintable(text)
    }

    // MARK: Checks

    static func refuseLineBreaks(_ value: String, field: String) throws(MailWriterError) {
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            throw MailWriterError(.lineBreak, field: field, "a line break (CR or LF) in a header value is refused: it could add header fields")
        }
    }

    /// `id` when it can be written as `<id>`: printable ASCII without white space or brackets.
    static func checkedID(_ id: String, field: String) throws(MailWriterError) -> String {
        try refuseLineBreaks(id, field: field)
        guard !id.isEmpty, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }) else {
            throw MailWriterError(
                .invalidMessageID, field: field, "\"\(id.prefix(60))\" is not a message id; give it without <>, white space or non-ASCII")
        }
        return "<\(id)>"
    }

    /// `address` when it is `local@domain` in ASCII: a dot-atom or quoted local part, a domain of
    /// letters, digits, dots and hyphens or a `[literal]`.
    static func checkedAddress(_ address: String, field: String) throws(MailWriterError) -> String {
        try refuseLineBreaks(address, field: field)
        let bytes = Array(address.utf8)
        func refuse() -> MailWriterError {
            MailWriterError(.invalidAddress, field: field, "\"\(address.prefix(80))\" is not an address local@domain in ASCII")
        }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1 else { throw refuse() }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        let localIsValid: Bool
        if local.first == UInt8(ascii: "\""), local.count >= 2, local.last == UInt8(ascii: "\"") {
            var escaped = false
            var valid = true
            for byte in local.dropFirst().dropLast() {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") || byte < 0x20 || byte >= 0x7F {
                    valid = false
                }
            }
            localIsValid = valid && !escaped
        } else {
            localIsValid = isDotAtom(local)
        }
        let domainIsValid: Bool
        if domain.first == UInt8(ascii: "["), domain.last == UInt8(ascii: "]") {
            domainIsValid = domain.dropFirst().dropLast().allSatisfy {
                $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: "]") && $0 != UInt8(ascii: "\\")
            }
        } else {
            domainIsValid = isDotAtom(domain) && domain.allSatisfy(OutgoingMail.isDomainByte)
        }
        guard localIsValid, domainIsValid else { throw refuse() }
        return address
    }

    private static func isDotAtom(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last, first != UInt8(ascii: "."), last != UInt8(ascii: ".") else { return false }
        var previousDot = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if previousDot { return false }
                previousDot = true
            } else {
                guard isAtext(byte) else { return false }
                previousDot = false
            }
        }
        return true
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    /// A boundary part derived from the message id (FNV-1a), so the same message renders the same
    /// bytes. Any value is safe: `=_` cannot occur in quoted-printable, so the boundary cannot
    /// occur in the parts.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension String {
    /// The text with `\` and `"` escaped for a quoted string.
    fileprivate func replacingBackslashAndQuote() -> String {
        var result = ""
        for character in self {
            if character == "\\" || character == "\"" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
