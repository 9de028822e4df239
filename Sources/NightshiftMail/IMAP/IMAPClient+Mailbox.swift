extension IMAPClient {
    /// Every mailbox's name (`LIST "" "*"`), decoded from modified UTF-7 (`Entw&APw-rfe` is
    /// `Entwürfe`); a name that is not valid modified UTF-7 is returned as the server sent it.
    public func list() async throws -> [String] {
        try await exclusive {
            try require([.authenticated, .selected], for: "LIST")
            var names: [String] = []
            try await run(IMAPCommand("LIST", .string([]), .string(Array("*".utf8)))) { data in
                guard case .list(_, _, let name) = data else { return }
                let wire = String(decoding: name, as: UTF8.self)
                let decoded = ModifiedUTF7.decode(wire) ?? wire
                // INBOX is INBOX however a server spells it (RFC 3501 §5.1).
                names.append(decoded.uppercased() == "INBOX" ? "INBOX" : decoded)
            }
            return names
        }
    }

    /// Opens `name` (SELECT, or EXAMINE when `readOnly`: nothing is changed, not even `\Recent`)
    /// and returns its UIDVALIDITY, UIDNEXT and message count. A server that sends no
    /// UIDVALIDITY fails the call: without it, UIDs cannot be trusted from one session to the next.
    public func select(_ name: String, readOnly: Bool = false) async throws -> IMAPMailboxStatus {
        let verb = readOnly ? "EXAMINE" : "SELECT"
        return try await exclusive {
            try require([.authenticated, .selected], for: verb)
            // A SELECT that fails leaves no mailbox selected (RFC 3501 §6.3.1).
            mailbox = nil
            state = .authenticated
            var validity: UInt32?
            var next: UInt32?
            var exists: UInt32 = 0
            var recent: UInt32 = 0
            let status = try await run(IMAPCommand(verb, .string(Array(ModifiedUTF7.encode(name).utf8)))) { data in
                switch data {
                case .exists(let count): exists = count
                case .recent(let count): recent = count
                case .status(let status):
                    if case .uidValidity(let value) = status.code { validity = value }
                    if case .uidNext(let value) = status.code { next = value }
                default: break
                }
            }
            guard let validity else {
                throw IMAPError(.unexpectedResponse, command: verb, "the server sent no UIDVALIDITY, so UIDs cannot be trusted across sessions")
            }
            let selected = IMAPMailboxStatus(
                name: name,
                uidValidity: validity,
                uidNext: next,
                exists: exists,
                recent: recent,
                readOnly: readOnly || status.code == .readOnly
            )
            mailbox = selected
            state = .selected
            return selected
        }
    }

    /// The UIDs of the selected mailbox's messages that match `criteria`, RFC 3501 §6.4.4's
    /// search keys as written (`UNSEEN SINCE 1-Jan-2025`), in ascending order.
    ///
    /// `criteria` is sent as it is: build it from trusted words, not from message text (a quote
    /// in it would change its meaning). A line break in it is refused.
    public func uidSearch(_ criteria: String) async throws -> [UInt32] {
        guard !criteria.isEmpty, !criteria.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
            throw IMAPError(.invalidArgument, command: "UID SEARCH", "search criteria must be one line of search keys")
        }
        return try await exclusive { try await search([.raw(criteria)]) }
    }

    /// The UIDs above `uid`, ascending: the messages that came since the one with that UID.
    ///
    /// Sends `UID SEARCH UID n+1:*`; a server answers `n+1:*` with the mailbox's last message
    /// even when its UID is below `n+1` (`*` is the largest UID in use), so the answer is
    /// filtered.
    public func uids(after uid: UInt32) async throws -> [UInt32] {
        guard uid < UInt32.max else { return [] }
        return try await exclusive {
            try await search([.raw("UID \(uid + 1):*")]).filter { $0 > uid }
        }
    }

    /// The UIDs of messages whose Message-ID header contains `messageID` (`<id@host>`, angle
    /// brackets included for a close match): IMAP's HEADER search matches substrings, so check
    /// the fetched header when an exact match matters. Sent quoted, or as a literal (with
    /// `CHARSET UTF-8` when it is not ASCII).
    public func uidsWithMessageID(_ messageID: String) async throws -> [UInt32] {
        let bytes = Array(messageID.utf8)
        guard !bytes.isEmpty else {
            throw IMAPError(.invalidArgument, command: "UID SEARCH", "an empty Message-ID would match every message that has one")
        }
        let charset: [IMAPCommand.Piece] = bytes.allSatisfy { $0 < 0x80 } ? [] : [.raw("CHARSET UTF-8")]
        return try await exclusive {
            try await search(charset + [.raw("HEADER Message-ID"), .string(bytes)])
        }
    }

    /// UID SEARCH with `keys`, its answers gathered, sorted and without repeats.
    private func search(_ keys: [IMAPCommand.Piece]) async throws -> [UInt32] {
        try require([.selected], for: "UID SEARCH")
        var found: Set<UInt32> = []
        try await run(IMAPCommand("UID SEARCH", arguments: keys)) { data in
            if case .search(let uids) = data { found.formUnion(uids) }
        }
        return found.sorted()
    }
}
