extension IMAPClient {
    /// Sends `command` and reads until its tagged response, handing each untagged response to
    /// `untagged` after the client's own bookkeeping. Literals wait for the server's `+` unless
    /// it has LITERAL+. Returns the tagged `OK`; throws ``IMAPError`` for `NO` and `BAD`.
    ///
    /// With `expectingBye` (LOGOUT) the server's BYE and close are the normal end. A `+` after
    /// the command was sent goes to `continuation`, whose bytes are sent back (AUTHENTICATE).
    @discardableResult
    func run(
        _ command: IMAPCommand,
        expectingBye: Bool = false,
        untagged: (IMAPUntagged) async throws -> Void = { _ in },
        continuation: ((String) async throws -> [UInt8])? = nil
    ) async throws -> IMAPStatusResponse {
        let tag = makeTag()
        for segment in command.segments(tag: tag, literalPlus: capabilities.contains("LITERAL+")) {
            try await channel.write(segment.text)
            guard let literal = segment.literal else { continue }
            if segment.waitsForContinuation {
                if let refusal = try await awaitContinuation(tag: tag, command: command, untagged: untagged) {
                    return try check(refusal, command: command)
                }
            }
            try await channel.write(literal)
        }
        while true {
            let response: IMAPResponse
            do {
                response = try await nextResponse()
            } catch let error as IMAPError where expectingBye && error.kind == .bye {
                return IMAPStatusResponse(status: .ok, code: nil, text: byeText ?? "")
            }
            switch response {
            case .untagged(let data):
                absorb(data)
                try await untagged(data)
            case .tagged(let got, let status):
                guard got == tag else {
                    throw IMAPError(.unexpectedResponse, command: command.name, "a reply tagged \(got) came while \(tag) was waiting")
                }
                return try check(status, command: command)
            case .continuation(let text):
                guard let continuation else {
                    throw IMAPError(.unexpectedResponse, command: command.name, "the server asked for more (+) where the command had nothing to send")
                }
                try await channel.write(try await continuation(text))
            }
        }
    }

    /// The next tag: `A1`, `A2`…
    func makeTag() -> String {
        defer { nextTag += 1 }
        return "A\(nextTag)"
    }

    /// Reads until the server's `+`; returns the tagged reply instead when the server refuses
    /// the literal.
    private func awaitContinuation(
        tag: String,
        command: IMAPCommand,
        untagged: (IMAPUntagged) async throws -> Void
    ) async throws -> IMAPStatusResponse? {
        while true {
            switch try await nextResponse() {
            case .continuation: return nil
            case .untagged(let data):
                absorb(data)
                try await untagged(data)
            case .tagged(let got, let status):
                guard got == tag else {
                    throw IMAPError(.unexpectedResponse, command: command.name, "a reply tagged \(got) came while \(tag) was waiting")
                }
                return status
            }
        }
    }

    /// `status` when it is OK; the server's refusal as an error otherwise.
    func check(_ status: IMAPStatusResponse, command: IMAPCommand) throws -> IMAPStatusResponse {
        record(status.code, text: status.text)
        switch status.status {
        case .ok: return status
        case .no: throw IMAPError(.no, command: command.name, serverText: status.text, "the server refused \(command.name)")
        default:
            throw IMAPError(.bad, command: command.name, serverText: status.text, "the server rejected \(command.name) as malformed or not allowed now")
        }
    }

    /// The next response, read and parsed. A connection that closes after the server's BYE
    /// throws ``IMAPError/Kind/bye`` with its text, so the operator sees why.
    func nextResponse(firstLine: [UInt8]? = nil) async throws -> IMAPResponse {
        let raw: IMAPRawResponse
        do {
            raw = try await reader.read(firstLine: firstLine)
        } catch {
            throw explainingClose(error)
        }
        return try IMAPResponseParser.parse(raw)
    }

    /// `error`, or the server's BYE when the error is the close that followed it.
    func explainingClose(_ error: any Error) -> any Error {
        guard case MailTransportError.closed = error, let byeText else { return error }
        return IMAPError(.bye, serverText: byeText, "the server said goodbye and closed the connection")
    }

    /// The client's own bookkeeping for an untagged response: the mailbox's counts, the
    /// capabilities, alerts, a BYE's text.
    func absorb(_ data: IMAPUntagged) {
        switch data {
        case .exists(let count):
            mailbox?.exists = count
        case .recent(let count):
            mailbox?.recent = count
        case .expunge:
            if let exists = mailbox?.exists, exists > 0 { mailbox?.exists = exists - 1 }
            sawExpunge = true
        case .capability(let words):
            capabilities = Set(words.map { $0.uppercased() })
        case .status(let status):
            if status.status == .bye { byeText = status.text }
            record(status.code, text: status.text)
        default:
            break
        }
    }

    private func record(_ code: IMAPResponseCode?, text: String) {
        switch code {
        case .alert:
            alerts.append(IMAPError.clean(text))
            if alerts.count > 16 { alerts.removeFirst(alerts.count - 16) }
        case .capability(let words):
            capabilities = Set(words.map { $0.uppercased() })
        default:
            break
        }
    }
}
