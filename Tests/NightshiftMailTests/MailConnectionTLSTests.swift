import NIOCore
import NIOSSL
import Testing
@testable import NightshiftMail

/// ``MailConnection`` under TLS, with a self-signed certificate made by openssl at test time:
/// trusted through `caFile` it works from the start and by STARTTLS; not trusted, or not naming
/// the host, it fails with ``MailTransportError/tls(_:)``; bytes injected before STARTTLS's
/// handshake are refused.
@Suite("Mail connection TLS")
struct MailConnectionTLSTests {
    static func certificate() throws -> ConnectionTestCertificate {
        try ConnectionTestCertificate.shared.get()
    }

    static func endpoint(_ port: Int, _ security: MailSecurity, trusted: Bool = true, host: String = "127.0.0.1", serverName: String? = nil)
        throws -> MailEndpoint
    {
        MailEndpoint(
            host: host, port: port, security: security, caFile: trusted ? try certificate().certificateFile : nil,
            timeout: .seconds(10), serverName: serverName)
    }

    @Test("TLS from the first byte, the certificate trusted through caFile, by IP address and by name")
    func implicitTLS() async throws {
        let context = try Self.certificate().serverContext()
        for (host, serverName) in [("127.0.0.1", nil), ("127.0.0.1", "localhost"), ("localhost", nil)] {
            try await ConnectionTestServer.run(
                tls: context,
                server: { peer in
                    try await peer.send("* OK [CAPABILITY IMAP4rev1] ready\r\n")
                    #expect(try await peer.readLine() == "A1 NOOP")
                    try await peer.send("A1 OK done\r\n")
                    _ = try? await peer.readLine()
                },
                client: { port in
                    let connection = try await MailConnection.connect(try Self.endpoint(port, .tls, host: host, serverName: serverName))
                    #expect(connection.isTLS)
                    #expect(try await connection.readLine(limit: 100) == Array("* OK [CAPABILITY IMAP4rev1] ready".utf8))
                    try await connection.write(Array("A1 NOOP\r\n".utf8))
                    #expect(try await connection.readLine(limit: 100) == Array("A1 OK done".utf8))
                    await connection.close()
                })
        }
    }

    @Test("a certificate not trusted fails the connect with .tls")
    func untrusted() async throws {
        let context = try Self.certificate().serverContext()
        try await ConnectionTestServer.run(
            tls: context,
            server: { peer in _ = try? await peer.readLine() },
            client: { port in
                let error = await #expect(throws: MailTransportError.self) {
                    _ = try await MailConnection.connect(try Self.endpoint(port, .tls, trusted: false))
                }
                guard case .tls(let text) = error else {
                    Issue.record("expected .tls, got \(String(describing: error))")
                    return
                }
                #expect(text.contains("CERTIFICATE_VERIFY_FAILED"))
            })
    }

    @Test("a trusted certificate that does not name the host fails with .tls; the name it has passes")
    func wrongName() async throws {
        let certificate = try ConnectionTestCertificate.nameOnly.get()
        let context = try certificate.serverContext()
        for (serverName, passes) in [("mail.example.com", false), ("localhost", true)] {
            try await ConnectionTestServer.run(
                tls: context,
                server: { peer in _ = try? await peer.readLine() },
                client: { port in
                    let endpoint = MailEndpoint(
                        host: "127.0.0.1", port: port, security: .tls, caFile: certificate.certificateFile, serverName: serverName)
                    do {
                        let connection = try await MailConnection.connect(endpoint)
                        #expect(passes, "\(serverName) was accepted")
                        await connection.close()
                    } catch {
                        #expect(!passes, "\(serverName): \(error)")
                        guard case .tls = error as? MailTransportError else {
                            Issue.record("expected .tls, got \(error)")
                            return
                        }
                    }
                })
        }
    }

    @Test("STARTTLS: plain until the server agrees, then TLS, with the IMAP client on top")
    func startTLS() async throws {
        let context = try Self.certificate().serverContext()
        try await ConnectionTestServer.run(
            server: { peer in
                try await peer.send("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n")
                #expect(try await peer.readLine() == "A1 STARTTLS")
                try await peer.startTLS(context, reply: "A1 OK Begin TLS negotiation now.\r\n")
                #expect(try await peer.readLine() == "A2 CAPABILITY")
                try await peer.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\r\nA2 OK done\r\n")
                #expect(try await peer.readLine() == "A3 AUTHENTICATE PLAIN AHVzZXIAc2VjcmV0")
                try await peer.send("A3 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n")
                _ = try? await peer.readLine()
            },
            client: { port in
                let connection = try await MailConnection.connect(try Self.endpoint(port, .starttls))
                #expect(!connection.isTLS)
                let client = try await IMAPClient(channel: connection)
                try await client.startTLS()
                #expect(connection.isTLS)
                try await client.login(user: "user", password: "secret")
                #expect(await client.capabilities.contains("IDLE"))
                await connection.close()
            })
    }

    @Test("bytes that came with STARTTLS's OK are refused as an injection, and the connection closed")
    func startTLSInjection() async throws {
        try await ConnectionTestServer.run(
            server: { peer in
                #expect(try await peer.readLine() == "A1 STARTTLS")
                try await peer.send("A1 OK Begin TLS negotiation now.\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n")
                _ = try? await peer.readLine()
            },
            client: { port in
                let connection = try await MailConnection.connect(try Self.endpoint(port, .starttls))
                try await connection.write(Array("A1 STARTTLS\r\n".utf8))
                #expect(try await connection.readLine(limit: 200) == Array("A1 OK Begin TLS negotiation now.".utf8))
                let error = await #expect(throws: MailTransportError.self) { try await connection.startTLS() }
                guard case .protocolViolation(let text) = error else {
                    Issue.record("expected .protocolViolation, got \(String(describing: error))")
                    return
                }
                #expect(text.contains("before the TLS handshake"))
                #expect(!connection.isTLS)
                await #expect(throws: MailTransportError.closed) { _ = try await connection.readLine(limit: 200) }
            })
    }

    @Test("startTLS on an endpoint configured without TLS is refused")
    func startTLSWithoutTLS() async throws {
        try await ConnectionTestServer.run(
            server: { peer in _ = try? await peer.readLine() },
            client: { port in
                let connection = try await MailConnection.connect(MailConnectionTests.plain(port))
                await #expect(throws: MailTransportError.self) { try await connection.startTLS() }
                await connection.close()
            })
    }
}
