extension IMAPClient {
    /// The messages with these UIDs in the selected mailbox, in the order the server sends them;
    /// UIDs that no longer exist are left out.
    ///
    /// Asks `UID FETCH … (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]<0.maxBytes>)`: PEEK, so
    /// nothing is marked `\Seen`, and a partial fetch, so a message larger than `maxBytes` (or
    /// than ``Configuration/maxLiteralSize``) comes cut and marked ``IMAPMessage/truncated``.
    public func fetch(uids: [UInt32], maxBytes: Int) async throws -> [IMAPMessage] {
        var messages: [IMAPMessage] = []
        let failure = try await exclusive {
            try await fetchMessages(uids: uids, maxBytes: maxBytes) { messages.append($0) }
        }
        if let failure { throw failure }
        return messages
    }

    /// As ``fetch(uids:maxBytes:)``, handing each message to `each` as soon as it is read, before
    /// the next is read: what `each` stored stays stored when the connection drops mid-fetch.
    ///
    /// When `each` throws, no message after that one is handed over; the fetch's replies are
    /// read to their end (so the client stays usable) and `each`'s error is thrown. `each` must
    /// not call this client: the fetch is still running (``IMAPError/Kind/busy``).
    public func fetch(uids: [UInt32], maxBytes: Int, each: @Sendable (IMAPMessage) async throws -> Void) async throws {
        let failure = try await exclusive {
            try await fetchMessages(uids: uids, maxBytes: maxBytes, handler: each)
        }
        if let failure { throw failure }
    }

    /// Fetches in batches of ``Configuration/fetchBatchSize``; returns what `handler` threw, if anything.
    private func fetchMessages(
        uids: [UInt32],
        maxBytes: Int,
        handler: (IMAPMessage) async throws -> Void
    ) async throws -> (any Error)? {
        try require([.selected], for: "UID FETCH")
        guard maxBytes > 0 else {
            throw IMAPError(.invalidArgument, command: "UID FETCH", "maxBytes must be at least 1")
        }
        let limit = min(maxBytes, configuration.maxLiteralSize)
        let wanted = Set(uids).sorted()
        var delivered: Set<UInt32> = []
        var failure: (any Error)?
        var start = 0
        while start < wanted.count, failure == nil {
            let batch = Array(wanted[start..<min(start + max(configuration.fetchBatchSize, 1), wanted.count)])
            start += batch.count
            let asked = Set(batch)
            let command = IMAPCommand(
                "UID FETCH",
                .raw(IMAPCommand.uidSet(batch)),
                .raw("(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]<0.\(limit)>)")
            )
            try await run(command) { data in
                guard failure == nil, case .fetch(_, let items) = data, let message = Self.message(from: items, limit: limit),
                    asked.contains(message.uid), !delivered.contains(message.uid)
                else { return }
                delivered.insert(message.uid)
                do {
                    try await handler(message)
                } catch {
                    failure = error
                }
            }
        }
        return failure
    }

    /// The message a FETCH response carries, or nil when it has no UID or no body (a flag
    /// change the server reports on its own).
    static func message(from items: [IMAPFetchItem], limit: Int) -> IMAPMessage? {
        var uid: UInt32?
        var flags: [String] = []
        var date: String?
        var size: UInt64?
        var body: [UInt8]?
        for item in items {
            switch item.name {
            case "UID": uid = item.value.number
            case "FLAGS": flags = item.value.words ?? []
            case "INTERNALDATE": date = item.value.text
            case "RFC822.SIZE": size = item.value.bigNumber
            case "RFC822", "BODY[]", "BODY[]<0>":
                if item.value != .nilValue { body = item.value.bytes }
            default: break
            }
        }
        guard let uid, let body else { return nil }
        let fullSize = size.map { Int(clamping: $0) } ?? body.count
        return IMAPMessage(
            uid: uid,
            flags: flags,
            internalDate: date.flatMap(IMAPDate.parse),
            size: fullSize,
            bytes: body,
            truncated: fullSize > body.count && body.count >= limit
        )
    }

    /// Adds `message` (RFC 5322 bytes, CRLF line ends) to `mailbox` with `flags` (`\Seen` for
    /// a copy of sent mail), and returns its UID when the server says (UIDPLUS's APPENDUID).
    @discardableResult
    public func append(mailbox: String, message: [UInt8], flags: [String] = []) async throws -> UInt32? {
        for flag in flags {
            let bytes = Array(flag.utf8)
            let forbidden: Set<UInt8> = [0x20, 0x28, 0x29, 0x7B, 0x22, 0x25, 0x2A, 0x5D]
            guard !bytes.isEmpty, bytes.allSatisfy({ (0x21...0x7E).contains($0) && !forbidden.contains($0) }) else {
                throw IMAPError(.invalidArgument, command: "APPEND", "the flag \(flag.debugDescription) is not a flag (an atom, maybe after \\)")
            }
        }
        return try await exclusive {
            try require([.authenticated, .selected], for: "APPEND")
            var arguments: [IMAPCommand.Piece] = [.string(Array(ModifiedUTF7.encode(mailbox).utf8))]
            if !flags.isEmpty { arguments.append(.raw("(\(flags.joined(separator: " ")))")) }
            arguments.append(.literal(message))
            let status = try await run(IMAPCommand("APPEND", arguments: arguments))
            if case .appendUID(_, let uid) = status.code { return uid }
            return nil
        }
    }
}
