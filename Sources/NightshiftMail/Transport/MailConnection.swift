public import NIOCore
import NIOPosix
import NIOSSL

/// The real ``MailChannel``: a TCP connection on SwiftNIO, under TLS from NIOSSL from the start
/// (``MailSecurity/tls``) or from STARTTLS on (``MailSecurity/starttls``).
///
/// Certificates are always verified, against the system's roots plus the endpoint's `caFile`,
/// and must name the host (or ``MailEndpoint/serverName``). Every read and write waits at most
/// the endpoint's timeout. One task at a time reads; writes may come from the same task.
///
/// ```swift
/// let connection = try await MailConnection.connect(MailEndpoint(host: "imap.example.com", port: 993, security: .tls))
/// let greeting = try await connection.readLine(limit: 8192)
/// ```
public final class MailConnection: MailChannel {
    /// Where this connection goes.
    public let endpoint: MailEndpoint
    private let channel: any Channel
    private let buffer: MailReadBuffer
    private let tlsContext: NIOSSLContext?

    private init(endpoint: MailEndpoint, channel: any Channel, buffer: MailReadBuffer, tlsContext: NIOSSLContext?) {
        self.endpoint = endpoint
        self.channel = channel
        self.buffer = buffer
        self.tlsContext = tlsContext
    }

    // A connection nobody holds any more can never be read again: its socket is let go.
    deinit {
        channel.close(promise: nil)
    }

    /// Connects to `endpoint`; for ``MailSecurity/tls``, also completes the TLS handshake, so a
    /// certificate that is not trusted fails here with ``MailTransportError/tls(_:)``.
    ///
    /// - Parameter group: the event loops to run on; nil for NIO's shared singleton.
    public static func connect(_ endpoint: MailEndpoint, on group: (any EventLoopGroup)? = nil) async throws -> MailConnection {
        let tlsContext = try endpoint.security == .none ? nil : makeTLSContext(endpoint)
        let buffer = MailReadBuffer()
        let handshakeFirst = endpoint.security == .tls
        if handshakeFirst { buffer.handshakeBegins() }
        let serverName = Self.sniName(endpoint)
        let bootstrap = ClientBootstrap(group: group ?? MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(endpoint.timeout))
            // One socket read per pipeline read: what bounds the bytes buffered past a request.
            .channelOption(ChannelOptions.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if handshakeFirst, let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(MailChannelHandler(buffer: buffer))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            if let failure = MailChannelHandler.transportError(error, tls: .none), case .tls = failure { throw failure }
            throw MailTransportError.connect("\(endpoint.host):\(endpoint.port): \(error)")
        }
        let connection = MailConnection(endpoint: endpoint, channel: channel, buffer: buffer, tlsContext: tlsContext)
        if handshakeFirst {
            do {
                try await connection.awaitHandshake()
            } catch {
                await connection.close()
                throw error
            }
        }
        return connection
    }

    /// Whether the bytes now travel under TLS (the handshake completed).
    public var isTLS: Bool { buffer.tlsPhase == .established }

    /// The bytes received and not read yet, for the tests of the bound on buffering.
    var bufferedByteCount: Int { buffer.bufferedByteCount }

    /// The next line without its CRLF (or bare LF). Throws ``MailTransportError/lineTooLong(_:)``
    /// once more than `limit` bytes came without a line end.
    public func readLine(limit: Int) async throws -> [UInt8] {
        try await buffer.read("waiting for a line from \(endpoint.host)", deadline: deadline(), channel: channel) { state throws(MailTransportError) in
            let view = state.bytes.readableBytesView
            let from = view.index(view.startIndex, offsetBy: min(state.scanned, view.count))
            guard let end = view[from...].firstIndex(of: 0x0A) else {
                state.scanned = view.count
                if view.count > limit { throw .lineTooLong(limit) }
                return .needs(view.count + 1)
            }
            let length = view.distance(from: view.startIndex, to: end)
            if length > limit { throw .lineTooLong(limit) }
            var line = state.bytes.readBytes(length: length) ?? []
            state.bytes.moveReaderIndex(forwardBy: 1)
            state.scanned = 0
            if line.last == 0x0D { line.removeLast() }
            return .ready(line)
        }
    }

    /// Exactly `count` bytes (an IMAP literal), waiting at most the timeout for all of them.
    public func readBytes(count: Int) async throws -> [UInt8] {
        guard count > 0 else { return [] }
        return try await buffer.read("waiting for \(count) bytes from \(endpoint.host)", deadline: deadline(), channel: channel) { state in
            guard state.bytes.readableBytes >= count else { return .needs(count) }
            state.scanned = 0
            return .ready(state.bytes.readBytes(length: count) ?? [])
        }
    }

    /// Writes `bytes` and flushes them; a write the server does not take within the timeout
    /// closes the connection and throws ``MailTransportError/timedOut(_:)``.
    public func write(_ bytes: [UInt8]) async throws {
        if buffer.isClosedLocally { throw MailTransportError.closed }
        let deadline = deadline()
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) { channel.close(promise: nil) }
        defer { timer.cancel() }
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
        } catch {
            if NIODeadline.now() >= deadline { throw MailTransportError.timedOut("writing to \(endpoint.host)") }
            if let failure = buffer.failure { throw failure }
            throw MailTransportError.closed
        }
    }

    /// Starts TLS on the plain connection once the server agreed (STARTTLS) and waits for the
    /// handshake. Refuses, with ``MailTransportError/protocolViolation(_:)``, when the server
    /// sent bytes that were not read yet: a man in the middle injects commands that way.
    public func startTLS() async throws {
        guard let tlsContext else {
            throw MailTransportError.tls("the endpoint \(endpoint) is configured without TLS")
        }
        guard buffer.tlsPhase == .none else { throw MailTransportError.protocolViolation("TLS is already on") }
        let buffer = self.buffer
        let channel = self.channel
        let serverName = Self.sniName(endpoint)
        do {
            try await channel.eventLoop.submit {
                try buffer.startTLSBegins()
                let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            // A connection that could not be secured, or was tampered with, is not used further.
            await close()
            if let error = error as? MailTransportError { throw error }
            throw MailTransportError.tls("could not start TLS with \(endpoint): \(error)")
        }
        do {
            try await awaitHandshake()
        } catch {
            await close()
            throw error
        }
    }

    /// Closes the connection; a read waiting throws ``MailTransportError/closed``.
    public func close() async {
        buffer.closeLocally()
        try? await channel.close()
    }

    private func awaitHandshake() async throws {
        _ = try await buffer.read("waiting for the TLS handshake with \(endpoint.host)", deadline: deadline(), channel: channel) { state in
            state.tls == .established ? .ready([]) : .needs(state.bytes.readableBytes + 1)
        }
    }

    private func deadline() -> NIODeadline { .now() + TimeAmount(endpoint.timeout) }

    /// The name for SNI and the certificate check; nil for an IP address, which NIOSSL then
    /// checks against the certificate's IP addresses.
    private static func sniName(_ endpoint: MailEndpoint) -> String? {
        let name = endpoint.verifiedName
        return (try? SocketAddress(ipAddress: name, port: 0)) == nil ? name : nil
    }

    private static func makeTLSContext(_ endpoint: MailEndpoint) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        if let caFile = endpoint.caFile {
            configuration.additionalTrustRoots = [.file(caFile)]
        }
        // Waiting long for the server's close_notify only delays closing.
        configuration.shutdownTimeout = .seconds(2)
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw MailTransportError.tls("could not set up TLS for \(endpoint) (is caFile a PEM file of certificates?): \(error)")
        }
    }
}
