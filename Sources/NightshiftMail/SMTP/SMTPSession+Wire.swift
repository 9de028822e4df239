/// Commands and replies on the channel, and what a failure of either does to the session.
extension SMTPSession {
    /// Claims the session for one call; see ``SMTPError/Kind/sessionBusy``.
    func begin(_ stage: SMTPError.Stage) throws(SMTPError) {
        if let closedReason {
            throw SMTPError(.sessionClosed, stage: stage, "\(closedReason); open a new session")
        }
        if busy {
            throw SMTPError(.sessionBusy, stage: stage, "another call on this session is still running; a session does one thing at a time")
        }
        busy = true
    }

    /// Writes `line` and CRLF, then reads the reply.
    func command(_ line: String, _ stage: SMTPError.Stage) async throws(SMTPError) -> SMTPReply {
        try await write(Array((line + "\r\n").utf8), stage)
        return try await readReply(stage)
    }

    /// Writes `bytes`; a failure closes the session.
    func write(_ bytes: [UInt8], _ stage: SMTPError.Stage, outcomeUnknown: Bool = false) async throws(SMTPError) {
        guard closedReason == nil else {
            throw SMTPError(.sessionClosed, stage: stage, "\(closedReason ?? "closed"); open a new session")
        }
        do {
            try await channel.write(bytes)
        } catch {
            throw await broken(Self.channelFailure(error, stage: stage, doing: "writing", outcomeUnknown: outcomeUnknown))
        }
    }

    /// Reads one reply; a failure closes the session.
    func readReply(_ stage: SMTPError.Stage, outcomeUnknown: Bool = false) async throws(SMTPError) -> SMTPReply {
        guard closedReason == nil else {
            throw SMTPError(.sessionClosed, stage: stage, "\(closedReason ?? "closed"); open a new session")
        }
        do {
            return try await Self.readReply(from: channel, configuration: configuration, stage: stage, outcomeUnknown: outcomeUnknown)
        } catch {
            throw await broken(error)
        }
    }

    /// Closes the channel after a failure that leaves the client out of step with the server, and
    /// returns the failure to throw.
    func broken(_ error: SMTPError) async -> SMTPError {
        if closedReason == nil {
            closedReason = "the session was closed after a failure (\(error.message))"
            await channel.close()
        }
        return error
    }

    /// Reads the lines of one reply from `channel`.
    static func readReply(
        from channel: any MailChannel, configuration: Configuration, stage: SMTPError.Stage, outcomeUnknown: Bool = false
    ) async throws(SMTPError) -> SMTPReply {
        var parser = SMTPReplyParser(maximumLines: configuration.maximumReplyLines)
        while true {
            let line: [UInt8]
            do {
                line = try await channel.readLine(limit: configuration.maximumReplyLineLength)
            } catch {
                throw channelFailure(error, stage: stage, doing: "waiting for the server's reply", outcomeUnknown: outcomeUnknown)
            }
            do {
                if let reply = try parser.consume(line) { return reply }
            } catch {
                throw SMTPError(
                    .malformedReply, stage: stage, "the server's reply is malformed: \(error.problem)", outcomeUnknown: outcomeUnknown)
            }
        }
    }

    /// The error for what the channel threw.
    static func channelFailure(_ error: any Error, stage: SMTPError.Stage, doing: String, outcomeUnknown: Bool = false) -> SMTPError {
        guard let transport = error as? MailTransportError else {
            return SMTPError(.transport, stage: stage, "the connection failed while \(doing): \(error)", outcomeUnknown: outcomeUnknown)
        }
        if case .lineTooLong(let limit) = transport {
            return SMTPError(
                .malformedReply, stage: stage, "the server's reply is malformed: a line longer than \(limit) bytes", transportError: transport,
                outcomeUnknown: outcomeUnknown)
        }
        return SMTPError(.transport, stage: stage, "\(transport) while \(doing)", transportError: transport, outcomeUnknown: outcomeUnknown)
    }

    /// The error for a reply that is not the one wanted: a refusal for 4xx and 5xx, else a reply
    /// out of place.
    static func failure(_ reply: SMTPReply, stage: SMTPError.Stage, _ message: String) -> SMTPError {
        if reply.isTransientFailure || reply.isPermanentFailure {
            return SMTPError(.rejected, stage: stage, message, reply: reply)
        }
        return SMTPError(.unexpectedReply, stage: stage, "\(message): the reply \(reply.code) makes no sense here", reply: reply)
    }

    /// What is wrong with a name for EHLO, if anything: it must be a domain or an address literal
    /// (`[192.0.2.1]`), printable ASCII without spaces.
    static func hostnameProblem(_ hostname: String) -> String? {
        if hostname.isEmpty { return "is empty" }
        if hostname.utf8.count > 255 { return "is longer than 255 bytes" }
        let allowed = hostname.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
        return allowed ? nil : "\(String(reflecting: hostname)) has a space, control character, angle bracket or non-ASCII character"
    }

    /// What is wrong with an address for MAIL FROM or RCPT TO, if anything: a space, a control
    /// character (a line break would let it add commands) or an angle bracket.
    static func addressProblem(_ address: String) -> String? {
        let unsafe = address.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" }
        if unsafe { return "the address \(String(reflecting: address)) has a space, control character or angle bracket" }
        if address.utf8.count > 256 { return "the address is longer than 256 bytes (RFC 5321 §4.5.3.1.3)" }
        return nil
    }
}
