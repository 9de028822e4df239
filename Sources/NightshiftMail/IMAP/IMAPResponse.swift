/// One response from an IMAP server (RFC 3501 §7), as ``IMAPResponseParser`` reads it.
enum IMAPResponse: Sendable, Hashable {
    /// `+ text`: the server waits for the rest of the command (a literal, an AUTHENTICATE step),
    /// or has entered IDLE.
    case continuation(String)
    /// `* …`: data or a status not tied to a command.
    case untagged(IMAPUntagged)
    /// `TAG OK|NO|BAD …`: the end of the command with that tag.
    case tagged(String, IMAPStatusResponse)
}

/// `OK`, `NO`, `BAD`, `PREAUTH` or `BYE`, with its optional `[CODE]` and its text.
struct IMAPStatusResponse: Sendable, Hashable {
    enum Status: String, Sendable, Hashable {
        case ok = "OK"
        case no = "NO"
        case bad = "BAD"
        case preauth = "PREAUTH"
        case bye = "BYE"
    }

    var status: Status
    var code: IMAPResponseCode?
    var text: String
}

/// The bracketed code at the start of a status response's text (RFC 3501 §7.1).
enum IMAPResponseCode: Sendable, Hashable {
    /// `[ALERT]`: the text must be shown to the operator.
    case alert
    /// `[UIDVALIDITY n]`: UIDs seen before are void unless this number is unchanged.
    case uidValidity(UInt32)
    /// `[UIDNEXT n]`: the UID the next message will get, at least.
    case uidNext(UInt32)
    /// `[CAPABILITY …]`: the capabilities, sparing a CAPABILITY command.
    case capability([String])
    /// `[READ-ONLY]`, the mailbox was opened read-only.
    case readOnly
    /// `[READ-WRITE]`.
    case readWrite
    /// `[APPENDUID validity uid]` (UIDPLUS, RFC 4315): where an APPEND put the message.
    case appendUID(uidValidity: UInt32, uid: UInt32)
    /// Any other code, by its name in upper case.
    case other(String)
}

/// The untagged responses the client reads; anything else is ``other(_:)``.
enum IMAPUntagged: Sendable, Hashable {
    case status(IMAPStatusResponse)
    case capability([String])
    case exists(UInt32)
    case recent(UInt32)
    case expunge(UInt32)
    /// `* n FETCH (NAME value …)`: the message's sequence number and its items in order.
    case fetch(UInt32, [IMAPFetchItem])
    case search([UInt32])
    /// `* LIST (attributes) "delimiter" name`, the name still in modified UTF-7.
    case list(attributes: [String], delimiter: String?, name: [UInt8])
    case flags([String])
    /// A response the client has no use for (STATUS, ENABLED, ESEARCH…), by its name.
    case other(String)
}

/// One `NAME value` pair of a FETCH response. Names are in upper case with their section as
/// sent (`BODY[]<0>`, `BODY[HEADER.FIELDS (SUBJECT)]`).
struct IMAPFetchItem: Sendable, Hashable {
    var name: String
    var value: IMAPValue
}

/// A value in a response's data: an atom (numbers included), a string (quoted or literal), NIL,
/// or a parenthesised list of values.
indirect enum IMAPValue: Sendable, Hashable {
    case atom(String)
    case string([UInt8])
    case nilValue
    case list([IMAPValue])

    /// The value as a 32-bit number, if it is an atom of digits that fits.
    var number: UInt32? {
        guard case .atom(let text) = self, !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return UInt32(text)
    }

    /// The value as a 64-bit number (sizes), if it is an atom of digits that fits.
    var bigNumber: UInt64? {
        guard case .atom(let text) = self, !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return UInt64(text)
    }

    /// The bytes of a string or an atom; empty for NIL; nil for a list.
    var bytes: [UInt8]? {
        switch self {
        case .atom(let text): Array(text.utf8)
        case .string(let bytes): bytes
        case .nilValue: []
        case .list: nil
        }
    }

    /// ``bytes`` as UTF-8 text.
    var text: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    /// The atoms and strings of a list, as text (flags, capabilities).
    var words: [String]? {
        guard case .list(let items) = self else { return nil }
        return items.compactMap(\.text)
    }
}
