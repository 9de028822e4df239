extension SMTPSession {
    /// Sends one message: MAIL FROM, RCPT TO for each recipient, DATA, the message, the final dot.
    ///
    /// The message's line ends are normalised to CRLF (a bare LF or CR becomes CRLF), a line that
    /// starts with `.` gets another (dot-stuffing), and a last line without a line end gets one.
    /// MAIL FROM carries `BODY=8BITMIME` when the message has a byte of 0x80 or more (and fails
    /// with ``SMTPError/Kind/notOffered`` before sending anything when the server lacks
    /// 8BITMIME), `SMTPUTF8` when an address is not ASCII (likewise), and `SIZE=n` when the
    /// server announced SIZE; a message over the server's limit is refused before MAIL FROM.
    ///
    /// A recipient the server refuses (4xx or 5xx) is recorded in ``SMTPDelivery/rejected`` and
    /// the others still get the message. When every recipient is refused the transaction is
    /// reset (RSET) and ``SMTPError/Kind/noRecipientAccepted`` thrown; it is transient when some
    /// refusal was a 4xx.
    ///
    /// - Parameters:
    ///   - from: the envelope sender (where bounces go), without angle brackets; empty for the
    ///     null sender `<>`.
    ///   - to: the envelope recipients, without angle brackets; at least one.
    ///   - message: the message as RFC 5322 bytes, e.g. ``OutgoingMail/rendered()``'s UTF-8.
    /// - Returns: the recipients accepted and refused, and the server's final reply (its text
    ///   usually holds a queue id).
    /// - Throws: ``SMTPError``. When the connection fails after the final dot was written (or
    ///   while it was being written), ``SMTPError/outcomeUnknown`` is true: the server may have
    ///   taken the message. A failure before that leaves the message undelivered.
    public func send(from: String, to recipients: [String], message: [UInt8]) async throws(SMTPError) -> SMTPDelivery {
        try begin(.mailFrom)
        defer { busy = false }
        let data = SMTPData(message: message)
        let mail = try await command(try mailFromLine(from: from, recipients: recipients, data: data), .mailFrom)
        guard mail.isPositive else {
            throw Self.failure(mail, stage: .mailFrom, "the server refused the sender \(String(reflecting: from))")
        }

        var accepted: [String] = []
        var rejected: [SMTPDelivery.Rejection] = []
        for recipient in recipients {
            let reply = try await command("RCPT TO:<\(recipient)>", .rcptTo(recipient))
            if reply.isPositive {
                accepted.append(recipient)
            } else if reply.isTransientFailure || reply.isPermanentFailure {
                rejected.append(SMTPDelivery.Rejection(recipient: recipient, reply: reply))
            } else {
                await resetAfterFailure()
                throw Self.failure(reply, stage: .rcptTo(recipient), "the server's reply to RCPT TO")
            }
        }
        if accepted.isEmpty, let last = rejected.last {
            await resetAfterFailure()
            let refusals = rejected.map(\.description).joined(separator: "; ")
            throw SMTPError(
                .noRecipientAccepted, stage: .rcptTo(last.recipient), "the server refused every recipient: \(refusals)", reply: last.reply,
                rejectedRecipients: rejected)
        }
        return try await transmit(data, accepted: accepted, rejected: rejected)
    }

    /// DATA, the message, the final dot and the server's verdict.
    private func transmit(_ data: SMTPData, accepted: [String], rejected: [SMTPDelivery.Rejection]) async throws(SMTPError) -> SMTPDelivery {
        let go = try await command("DATA", .data)
        guard go.code == 354 else {
            let error = Self.failure(go, stage: .data, "the server refused DATA")
            // A server that answered DATA with another 2xx or 3xx may be reading a message now, so
            // RSET would become its text: the only safe way on is a new connection.
            guard go.isTransientFailure || go.isPermanentFailure else { throw await broken(error) }
            await resetAfterFailure()
            throw error
        }
        // Until the final dot is written the server cannot have taken the message; from then on
        // a failure leaves it unknown whether it did.
        var offset = 0
        let chunk = max(configuration.writeChunkSize, 1)
        while offset < data.bytes.count {
            let end = min(offset + chunk, data.bytes.count)
            try await write(Array(data.bytes[offset..<end]), .dataEnd)
            offset = end
        }
        try await write(SMTPData.terminator, .dataEnd, outcomeUnknown: true)
        let verdict = try await readReply(.dataEnd, outcomeUnknown: true)
        guard verdict.isPositive else {
            throw Self.failure(verdict, stage: .dataEnd, "the server refused the message")
        }
        return SMTPDelivery(accepted: accepted, rejected: rejected, reply: verdict)
    }

    /// RSET after a failure that leaves a transaction open; its own failure is not the caller's
    /// concern (a broken connection closes the session for the next call to report).
    private func resetAfterFailure() async {
        _ = try? await command("RSET", .reset)
    }

    /// The MAIL FROM line for a message, after checking the addresses and what the message needs
    /// against what the server offers; nothing is sent when a check fails.
    private func mailFromLine(from: String, recipients: [String], data: SMTPData) throws(SMTPError) -> String {
        if let problem = Self.addressProblem(from) {
            throw SMTPError(.invalidArgument, stage: .mailFrom, "the sender: \(problem)")
        }
        guard !recipients.isEmpty else {
            throw SMTPError(.invalidArgument, stage: .mailFrom, "no recipients")
        }
        for recipient in recipients {
            guard !recipient.isEmpty else { throw SMTPError(.invalidArgument, stage: .rcptTo(recipient), "an empty recipient") }
            if let problem = Self.addressProblem(recipient) {
                throw SMTPError(.invalidArgument, stage: .rcptTo(recipient), "the recipient: \(problem)")
            }
        }
        var line = "MAIL FROM:<\(from)>"
        if extensions.size {
            if let limit = extensions.sizeLimit, data.size > limit {
                throw SMTPError(
                    .messageTooLarge, stage: .mailFrom, "the message has \(data.size) bytes and the server takes at most \(limit); nothing was sent")
            }
            line += " SIZE=\(data.size)"
        }
        if data.hasEightBit {
            guard extensions.eightBitMIME else {
                throw SMTPError(
                    .notOffered, stage: .mailFrom,
                    "the message has 8-bit bytes and the server does not offer 8BITMIME; "
                        + "encode the body as quoted-printable or base64 (OutgoingMail does)")
            }
            line += " BODY=8BITMIME"
        }
        if !([from] + recipients).allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) {
            guard extensions.smtpUTF8 else {
                throw SMTPError(.notOffered, stage: .mailFrom, "an address is not ASCII and the server does not offer SMTPUTF8")
            }
            line += " SMTPUTF8"
        }
        return line
    }
}
