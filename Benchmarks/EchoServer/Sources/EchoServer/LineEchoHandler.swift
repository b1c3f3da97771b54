import NIOCore

/// Splits the inbound bytes into lines and writes each line back with its newline; one flush per read burst
/// (what a server answering pipelined requests in order does at the least).
final class LineEchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var pending: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var held = pending {
            held.writeBuffer(&bytes)
            bytes = held
            pending = nil
        }
        while let newline = bytes.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let line = bytes.readSlice(length: newline - bytes.readerIndex + 1)!
            context.write(wrapOutboundOut(line), promise: nil)
        }
        if bytes.readableBytes > 0 {
            pending = bytes
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}
