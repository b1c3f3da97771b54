import NIOCore

extension NIOAsyncChannel where Inbound == Frame, Outbound == ByteBuffer {
    /// Wraps a new channel as newline-framed, on its event loop: what both the daemon and the client speak.
    public static func framed(_ channel: any Channel, maximumFrameLength: Int) throws -> Self {
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(LineFrameDecoder(maximumFrameLength: maximumFrameLength)))
        return try Self(wrappingChannelSynchronously: channel)
    }
}
