#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOSSL
import Testing
@testable import NightshiftMail

/// ``MailConnection`` against a real NIO server on 127.0.0.1: lines, counted bytes, timeouts,
/// drops, bounded buffering, and TLS from the start and by STARTTLS with a certificate made at
/// test time.
@Suite("Mail connection")
struct MailConnectionTests {
    static func plain(_ port: Int, timeout: Duration = .seconds(10)) -> MailEndpoint {
        MailEndpoint(host: "127.0.0.1", port: port, security: .none, timeout: timeout)
    }

    @Test("lines with CRLF or a bare LF, counted bytes split across TCP writes, and writes")
    func linesAndBytes() async throws {
        try await ConnectionTestServer.run(
            server: { peer in
                try await peer.send("* OK ready\r\nsecond\nA1 {5}\r\nab")
                try await Task.sleep(for: .milliseconds(50))
                try await peer.send("cde")
                try await Task.sleep(for: .milliseconds(50))
                try await peer.send("\r\n")
                #expect(try await peer.readLine() == "A2 NOOP")
                try await peer.send("A2 OK done\r\n")
            },
            client: { port in
                let connection = try await MailConnection.connect(Self.plain(port))
                #expect(try await connection.readLine(limit: 100) == Array("* OK ready".utf8))
                #expect(try await connection.readLine(limit: 100) == Array("second".utf8))
                #expect(try await connection.readLine(limit: 100) == Array("A1 {5}".utf8))
                #expect(try await connection.readBytes(count: 5) == Array("abcde".utf8))
                #expect(try await connection.readBytes(count: 0) == [])
                #expect(try await connection.readLine(limit: 100) == [])
                try await connection.write(Array("A2 NOOP\r\n".utf8))
                #expect(try await connection.readLine(limit: 100) == Array("A2 OK done".utf8))
                #expect(!connection.isTLS)
                await connection.close()
            })
    }

    @Test("a read times out after the endpoint's timeout, and the line that comes later is still whole")
    func timeout() async throws {
        try await ConnectionTestServer.run(
            server: { peer in
                #expect(try await peer.readLine() == "go")
                try await peer.send("late line\r\n")
                _ = try await peer.readLine()
            },
            client: { port in
                let connection = try await MailConnection.connect(Self.plain(port, timeout: .milliseconds(200)))
                let clock = ContinuousClock()
                let started = clock.now
                await #expect(throws: MailTransportError.timedOut("waiting for a line from 127.0.0.1")) {
                    _ = try await connection.readLine(limit: 100)
                }
                #expect(clock.now - started >= .milliseconds(200))
                try await connection.write(Array("go\r\n".utf8))
                #expect(try await connection.readLine(limit: 100) == Array("late line".utf8))
                await connection.close()
            })
    }

    @Test("the server closing mid-line or mid-literal throws .closed, after what was whole")
    func closedMidRead() async throws {
        try await ConnectionTestServer.run(
            server: { peer in
                try await peer.send("whole\r\nhalf a li")
                await peer.close()
            },
            client: { port in
                let connection = try await MailConnection.connect(Self.plain(port))
                #expect(try await connection.readLine(limit: 100) == Array("whole".utf8))
                await #expect(throws: MailTransportError.closed) { _ = try await connection.readLine(limit: 100) }
                await #expect(throws: MailTransportError.closed) { _ = try await connection.readBytes(count: 100) }
                await connection.close()
            })
        try await ConnectionTestServer.run(
            server: { peer in
                try await peer.send("{10}\r\nshort")
                await peer.close()
            },
            client: { port in
                let connection = try await MailConnection.connect(Self.plain(port))
                _ = try await connection.readLine(limit: 100)
                await #expect(throws: MailTransportError.closed) { _ = try await connection.readBytes(count: 10) }
            })
    }

    @Test("a line longer than the limit throws lineTooLong; closing locally fails later reads")
    func lineTooLongAndLocalClose() async throws {
        try await ConnectionTestServer.run(
            server: { peer in
                try await peer.send(String(repeating: "x", count: 300))
                _ = try await peer.readLine()
            },
            client: { port in
                let connection = try await MailConnection.connect(Self.plain(port))
                await #expect(throws: MailTransportError.lineTooLong(100)) { _ = try await connection.readLine(limit: 100) }
                await connection.close()
                await #expect(throws: MailTransportError.closed) { _ = try await connection.readLine(limit: 1000) }
                await #expect(throws: MailTransportError.closed) { try await connection.write([0x41]) }
            })
    }

    @Test("bytes nobody asked for stay in the socket: the buffer holds one read at most")
    func boundedBuffering() async throws {
        let flood = [UInt8](repeating: 0x78, count: 4 << 20)
        try await ConnectionTestServer.run(
            server: { peer in
                try await peer.send("hello\r\n")
                try await peer.send(bytes: flood)
                // The client closes with most of the flood unread, which resets the connection.
                _ = try? await peer.readLine()
            },
            client: { port in
                let connection = try await MailConnection.connect(Self.plain(port))
                #expect(try await connection.readLine(limit: 100) == Array("hello".utf8))
                try await Task.sleep(for: .milliseconds(300))
                #expect(connection.bufferedByteCount <= 128 << 10)
                let first = try await connection.readBytes(count: 1 << 20)
                #expect(first.count == 1 << 20)
                #expect(connection.bufferedByteCount <= 128 << 10)
                await connection.close()
            })
    }

    @Test("nothing listening is a connect error naming the address")
    func refused() async throws {
        // A port held bound and never listened on: connecting is refused, and no other test can
        // take the port meanwhile (a freed ephemeral port can be handed to a server of a test
        // running beside this one).
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(holder >= 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, length) == 0 && getsockname(holder, $0, &length) == 0 }
        }
        #expect(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let error = await #expect(throws: MailTransportError.self) { _ = try await MailConnection.connect(Self.plain(port)) }
        guard case .connect(let text) = error else {
            Issue.record("expected .connect, got \(String(describing: error))")
            return
        }
        #expect(text.contains("127.0.0.1:\(port)"))
    }
}
