import NIOCore

/// Cuts off a client that takes too long to send a request: from the first byte of a request to the
/// server's first byte of its answer, at most `seconds`. The idle timeout alone cannot: a client that
/// trickles one byte a second is never idle (slow loris). The watch sits at the front of the pipeline,
/// where it sees the raw bytes both ways: a request's first byte arms the deadline, the answer's first
/// byte disarms it, and at the deadline the connection is closed.
final class RequestDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    let deadline: TimeAmount
    private var armed: Scheduled<Void>?

    init(seconds: Double) { deadline = .milliseconds(Int64(seconds * 1000)) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if armed == nil {
            let channel = context.channel
            armed = context.eventLoop.scheduleTask(in: deadline) { channel.close(promise: nil) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        armed?.cancel()
        armed = nil
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        armed?.cancel()
        armed = nil
        context.fireChannelInactive()
    }

    /// Hummingbird adds extra handlers after its HTTP decoding; this one puts a `RequestDeadline` in front of
    /// the decoder, where the bytes are. NIO wants every handler inbound or outbound: it is inbound and
    /// passes every part on untouched (the default `channelRead`), whatever its type.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Any
        let seconds: Double
        init(seconds: Double) { self.seconds = seconds }

        func handlerAdded(context: ChannelHandlerContext) {
            do { try context.pipeline.syncOperations.addHandler(RequestDeadline(seconds: seconds), position: .first) } catch {
                context.close(promise: nil)   // no deadline, no connection
            }
        }
    }
}
