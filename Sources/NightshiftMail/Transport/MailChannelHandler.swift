import NIOCore
import NIOSSL

/// The last handler of a ``MailConnection``'s pipeline: it moves received bytes into the
/// connection's ``MailReadBuffer``, holds socket reads back while nobody wants bytes (so the
/// buffer stays bounded), and reports the close, errors and the end of a TLS handshake.
final class MailChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let buffer: MailReadBuffer

    init(buffer: MailReadBuffer) {
        self.buffer = buffer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer.append(&bytes)
    }

    func read(context: ChannelHandlerContext) {
        if buffer.wantsBytes() { context.read() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        buffer.peerClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let phase = buffer.tlsPhase
        if let failure = Self.transportError(error, tls: phase) {
            buffer.fail(failure)
        }
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if Self.isHandshakeCompleted(event) { buffer.handshakeCompleted() }
        context.fireUserInboundEventTriggered(event)
    }

    /// Whether `event` is NIOTLS's `TLSUserEvent.handshakeCompleted`, recognised by name: the
    /// target depends on NIOSSL, which sends the event but does not re-export NIOTLS, where its
    /// type lives. The TLS tests fail if the name ever changes.
    static func isHandshakeCompleted(_ event: Any) -> Bool {
        guard String(reflecting: type(of: event)).hasSuffix(".TLSUserEvent") else { return false }
        return String(describing: event).hasPrefix("handshakeCompleted")
    }

    /// The connection's error for what NIO reported; nil for a plain end of the connection,
    /// which `channelInactive` reports as ``MailTransportError/closed``.
    static func transportError(_ error: any Error, tls phase: MailReadBuffer.TLSPhase) -> MailTransportError? {
        if let error = error as? MailTransportError { return error }
        if let error = error as? NIOSSLError {
            // A server that drops the TCP connection without TLS's close_notify has still closed it.
            if case .uncleanShutdown = error, phase == .established { return nil }
            return .tls(describeTLS(error))
        }
        if error is BoringSSLError || error is NIOSSLExtraError {
            return .tls(describeTLS(error))
        }
        if phase == .handshaking { return .tls("the handshake failed: \(error)") }
        return nil
    }

    /// BoringSSL's reasons (`CERTIFICATE_VERIFY_FAILED`…) are what an operator needs; NIOSSL's
    /// wrapping of them adds only noise.
    private static func describeTLS(_ error: any Error) -> String {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "the certificate does not name the host (\(error))"
        }
        if case NIOSSLError.handshakeFailed(let inner) = error {
            return "the handshake failed: \(inner)"
        }
        return "\(error)"
    }
}
