extension SMTPSession {
    /// Logs in (RFC 4954): AUTH PLAIN with an initial response when the server offers PLAIN,
    /// else AUTH LOGIN (user name and password each in base64, after the server's 334).
    ///
    /// Refuses to send credentials over a channel that is not TLS unless `allowPlaintext` is true,
    /// which is meant for a server on loopback.
    ///
    /// - Throws: ``SMTPError`` at `auth`: ``SMTPError/Kind/insecureChannel``,
    ///   ``SMTPError/Kind/notOffered`` (neither PLAIN nor LOGIN offered), or
    ///   ``SMTPError/Kind/rejected`` (535: the credentials are wrong, permanent; 454: try later).
    ///   Neither the password nor the encoded credentials appear in the error, even when the
    ///   server echoes them.
    public func authenticate(user: String, password: String, allowPlaintext: Bool = false) async throws(SMTPError) {
        try begin(.auth)
        defer { busy = false }
        guard channel.isTLS || allowPlaintext else {
            throw SMTPError(
                .insecureChannel, stage: .auth,
                "refusing to send credentials over a connection without TLS; use security tls or starttls (allowPlaintext is for loopback)")
        }
        guard !user.isEmpty, !user.contains("\0"), !password.contains("\0") else {
            throw SMTPError(.invalidArgument, stage: .auth, "the user name is empty, or it or the password has a NUL character")
        }
        let plain = TransferCoding.encodeBase64(Array("\0\(user)\0\(password)".utf8))
        let encodedUser = TransferCoding.encodeBase64(Array(user.utf8))
        let encodedPassword = TransferCoding.encodeBase64(Array(password.utf8))
        let secrets = [plain, encodedPassword, password]
        do throws(SMTPError) {
            let mechanisms = extensions.authMechanisms
            let reply: SMTPReply
            if mechanisms.contains("PLAIN") {
                reply = try await command("AUTH PLAIN \(plain)", .auth)
            } else if mechanisms.contains("LOGIN") {
                reply = try await login(encodedUser: encodedUser, encodedPassword: encodedPassword)
            } else {
                let offered = mechanisms.isEmpty ? "does not offer AUTH" : "offers AUTH \(mechanisms.sorted().joined(separator: " "))"
                throw SMTPError(.notOffered, stage: .auth, "the server \(offered); the client speaks PLAIN and LOGIN")
            }
            guard reply.code == 235 else {
                if reply.isIntermediate { try await cancelAuthentication() }
                throw Self.failure(reply, stage: .auth, "the server refused the credentials of \(String(reflecting: user))")
            }
            isAuthenticated = true
        } catch {
            throw error.redacting(secrets)
        }
    }

    /// AUTH LOGIN: the user name after the first 334, the password after the second; returns the
    /// reply to the password (or the refusal that came before it).
    private func login(encodedUser: String, encodedPassword: String) async throws(SMTPError) -> SMTPReply {
        let start = try await command("AUTH LOGIN", .auth)
        guard start.code == 334 else { return start }
        let afterUser = try await command(encodedUser, .auth)
        guard afterUser.code == 334 else { return afterUser }
        return try await command(encodedPassword, .auth)
    }

    /// Ends an exchange the server wants to go on with (`*`, RFC 4954 §4), keeping client and
    /// server in step.
    private func cancelAuthentication() async throws(SMTPError) {
        _ = try await command("*", .auth)
    }
}

extension SMTPError {
    /// The error with each secret replaced by `[redacted]` in its message and the server's text.
    func redacting(_ secrets: [String]) -> SMTPError {
        let secrets = secrets.filter { !$0.isEmpty }
        let message = secrets.reduce(self.message) { text, secret in text.replacing(secret, with: "[redacted]") }
        return SMTPError(
            kind, stage: stage, message, reply: reply?.redacting(secrets), transportError: transportError,
            rejectedRecipients: rejectedRecipients, outcomeUnknown: outcomeUnknown)
    }
}
