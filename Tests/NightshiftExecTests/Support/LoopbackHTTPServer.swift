import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 and a free port, for webhook tests.
///
/// Routes: `/status/NNN` answers with status NNN; `/slow` never answers; `/big` answers
/// 200 with 100 KiB of `x`; anything else answers 200 and echoes the request body.
/// Every complete request is recorded.
final class LoopbackHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    private let channel: any Channel
    private let recorded: Mutex<[Request]>

    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { recorded.withLock { $0 } }

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.recorded = Mutex([])
    }

    /// Starts a server, runs `body` with it, and stops it.
    static func withServer<T: Sendable>(_ body: (LoopbackHTTPServer) async throws -> T) async throws -> T {
        let log = RequestLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = LoopbackHTTPServer(channel: channel)
        log.server.withLock { $0 = server }
        do {
            let result = try await body(server)
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    fileprivate func record(_ request: Request) {
        recorded.withLock { $0.append(request) }
    }

    /// Hands the server to handlers created before it existed.
    private final class RequestLog: Sendable {
        let server = Mutex<LoopbackHTTPServer?>(nil)
        func record(_ request: Request) {
            server.withLock { $0 }?.record(request)
        }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let log: RequestLog
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(log: RequestLog) { self.log = log }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                log.record(
                    Request(
                        method: head.method.rawValue,
                        uri: head.uri,
                        headers: head.headers.map { ($0.name, $0.value) },
                        body: body
                    )
                )
                respond(to: head, context: context)
            }
        }

        private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
            let status: Int
            let payload: [UInt8]
            if head.uri == "/slow" {
                return  // never answer; the client's timeout has to fire
            } else if head.uri.hasPrefix("/status/"), let code = Int(head.uri.dropFirst("/status/".count)) {
                status = code
                payload = Array("status \(code)".utf8)
            } else if head.uri == "/big" {
                status = 200
                payload = [UInt8](repeating: UInt8(ascii: "x"), count: 100 * 1024)
            } else {
                status = 200
                payload = body
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "\(payload.count)")
            let responseHead = HTTPResponseHead(
                version: head.version,
                status: HTTPResponseStatus(statusCode: status),
                headers: headers
            )
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: payload)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
