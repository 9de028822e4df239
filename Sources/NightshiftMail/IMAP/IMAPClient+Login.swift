extension IMAPClient {
    /// Upgrades the connection to TLS: STARTTLS, then the channel's handshake, then CAPABILITY
    /// again (what was announced in the clear may have been forged, RFC 3501 §6.2.1).
    ///
    /// Throws ``IMAPError/Kind/notSupported`` when the server does not offer STARTTLS: the caller
    /// must then not log in over the plain connection.
    public func startTLS() async throws {
        try await exclusive {
            try require([.notAuthenticated], for: "STARTTLS")
            guard !channel.isTLS else {
                throw IMAPError(.wrongState, command: "STARTTLS", "the connection is already under TLS")
            }
            guard capabilities.contains("STARTTLS") else {
                throw IMAPError(.notSupported, command: "STARTTLS", "the server does not offer STARTTLS; connect with TLS (port 993) instead")
            }
            try await run(IMAPCommand("STARTTLS"))
            try await channel.startTLS()
            try await refreshCapabilities()
        }
    }

    /// Logs in: AUTHENTICATE PLAIN (RFC 4616) when the server offers AUTH=PLAIN, its initial
    /// response inline with SASL-IR (RFC 4959) or after the server's `+` otherwise; LOGIN when
    /// it offers no PLAIN. Refuses with ``IMAPError/Kind/loginDisabled`` when the server says
    /// LOGINDISABLED and offers no PLAIN, rather than send the password where it is not wanted.
    ///
    /// The password never appears in an error, even when the server echoes it.
    public func login(user: String, password: String) async throws {
        let plain = TransferCoding.encodeBase64([0] + Array(user.utf8) + [0] + Array(password.utf8))
        try await exclusive {
            do {
                try await authenticate(user: user, password: password, plain: plain)
            } catch let error as IMAPError {
                throw error.redacting([password, plain])
            }
        }
    }

    private func authenticate(user: String, password: String, plain: String) async throws {
        try require([.notAuthenticated], for: "login")
        let status: IMAPStatusResponse
        if capabilities.contains("AUTH=PLAIN") {
            if capabilities.contains("SASL-IR") {
                status = try await run(IMAPCommand("AUTHENTICATE", .raw("PLAIN"), .raw(plain)))
            } else {
                var sent = false
                status = try await run(IMAPCommand("AUTHENTICATE", .raw("PLAIN")), continuation: { _ in
                    // A second `+` is a challenge PLAIN does not have: cancel the exchange (`*`).
                    defer { sent = true }
                    return Array((sent ? "*" : plain).utf8) + [0x0D, 0x0A]
                })
            }
        } else if capabilities.contains("LOGINDISABLED") {
            throw IMAPError(
                .loginDisabled,
                command: "LOGIN",
                "the server disables LOGIN on this connection (LOGINDISABLED) and offers no AUTH=PLAIN; start TLS first"
            )
        } else {
            status = try await run(IMAPCommand("LOGIN", .string(Array(user.utf8)), .string(Array(password.utf8))))
        }
        state = .authenticated
        // Servers announce more after login; the OK often carries the new list.
        if case .capability = status.code { return }
        try await refreshCapabilities()
    }
}
