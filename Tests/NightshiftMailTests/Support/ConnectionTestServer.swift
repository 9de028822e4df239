import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A real TCP server on 127.0.0.1 (port 0) for ``MailConnection``'s tests, on SwiftNIO: it takes
/// one connection and plays the server's side, written as plain async code over a
/// ``ConnectionTestPeer``, while the test plays the client's side against the port.
enum ConnectionTestServer {
    struct ServerDidNotFinish: Error, CustomStringConvertible {
        var description: String { "the test server's side did not finish within 10 seconds" }
    }

    /// Runs `server` for the first connection and `client` with the port; returns what `client`
    /// returns once both finished. A failure of `client` is thrown as it is (the server's side is
    /// then cancelled); a failure of `server` after a successful `client` is thrown too.
    static func run<T: Sendable>(
        tls: NIOSSLContext? = nil,
        server: @escaping @Sendable (ConnectionTestPeer) async throws -> Void,
        client: (Int) async throws -> T
    ) async throws -> T {
        // Both sides on a thread of their own: their timeouts measure them, not the test process's load.
        try await withTaskExecutorPreference(DedicatedExecutor.shared) {
            try await play(tls: tls, server: server, client: client)
        }
    }

    private static func play<T: Sendable>(
        tls: NIOSSLContext?,
        server: @escaping @Sendable (ConnectionTestPeer) async throws -> Void,
        client: (Int) async throws -> T
    ) async throws -> T {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = listener.channel.localAddress?.port else { throw ServerDidNotFinish() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await listener.executeThenClose { connections in
                    for try await connection in connections {
                        try await connection.executeThenClose { input, output in
                            try await server(ConnectionTestPeer(channel: connection.channel, input: input, output: output))
                        }
                        return
                    }
                }
            }
            let result: T
            do {
                result = try await client(port)
            } catch {
                group.cancelAll()
                listener.channel.close(promise: nil)
                throw error
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                throw ServerDidNotFinish()
            }
            defer { group.cancelAll() }
            try await group.next()
            return result
        }
    }
}

/// The server's end of one test connection, used by the one task that plays it.
final class ConnectionTestPeer {
    let channel: any Channel
    private var input: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let output: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending: [UInt8] = []

    init(channel: any Channel, input: NIOAsyncChannelInboundStream<ByteBuffer>, output: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.channel = channel
        self.input = input.makeAsyncIterator()
        self.output = output
    }

    func send(_ text: String) async throws {
        try await output.write(ByteBuffer(string: text))
    }

    func send(bytes: [UInt8]) async throws {
        try await output.write(ByteBuffer(bytes: bytes))
    }

    /// The next line from the client without its CRLF; nil once the client closed.
    func readLine() async throws -> String? {
        while true {
            if let end = pending.firstIndex(of: 0x0A) {
                var line = Array(pending[..<end])
                pending.removeFirst(end + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard var buffer = try await input.next() else { return nil }
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
    }

    /// Sends `reply` in the clear and puts TLS in front of everything after it, on the event loop
    /// in one step, so the client's handshake cannot arrive in between.
    func startTLS(_ context: NIOSSLContext, reply: String) async throws {
        let channel = self.channel
        try await channel.eventLoop.submit {
            channel.writeAndFlush(ByteBuffer(string: reply), promise: nil)
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context), position: .first)
        }.get()
    }

    func close() async {
        try? await channel.close()
    }
}

/// A self-signed certificate, made once per test run by the openssl command line into a
/// temporary folder: ``shared`` names `localhost` and 127.0.0.1, ``nameOnly`` only `localhost`
/// (NIOSSL accepts a certificate that names the peer's IP address whatever name was asked for).
struct ConnectionTestCertificate: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let certificateFile: String
    let keyFile: String

    static let shared = Result { try make(subjectAltName: "DNS:localhost,IP:127.0.0.1") }
    static let nameOnly = Result { try make(subjectAltName: "DNS:localhost") }

    static func make(subjectAltName: String) throws -> ConnectionTestCertificate {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nightshift-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", key, "-out", certificate,
            "-subj", "/CN=localhost", "-addext", "subjectAltName=\(subjectAltName)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "openssl req exited with \(process.terminationStatus); is openssl installed?")
        }
        return ConnectionTestCertificate(certificateFile: certificate, keyFile: key)
    }

    /// A server's TLS context with this certificate.
    func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        )
        return try NIOSSLContext(configuration: configuration)
    }
}
