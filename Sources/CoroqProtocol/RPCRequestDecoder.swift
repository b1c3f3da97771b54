import NIOCore

/// The server's inbound decoder: splits the byte stream into lines (`LineFrameDecoder`) and parses each
/// line once, straight from the channel's buffer, into an `RPCInbound`. Blank lines are skipped.
public struct RPCRequestDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = RPCInbound

    private var lines: LineFrameDecoder

    public init(maximumFrameLength: Int) {
        lines = LineFrameDecoder(maximumFrameLength: maximumFrameLength)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> RPCInbound? {
        while let frame = try lines.decode(buffer: &buffer) {
            if let message = Self.message(frame) { return message }
        }
        return nil
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RPCInbound? {
        while let frame = try lines.decodeLast(buffer: &buffer, seenEOF: seenEOF) {
            if let message = Self.message(frame) { return message }
        }
        return nil
    }

    private static func message(_ frame: Frame) -> RPCInbound? {
        switch frame {
        case .oversized: .oversized
        case .message(let line): line.withUnsafeReadableBytes { RPCInbound(line: $0) }
        }
    }
}

extension NIOAsyncChannel where Inbound == RPCInbound, Outbound == ByteBuffer {
    /// Wraps a new server-side connection, on its event loop: newline-framed JSON-RPC, decoded once.
    /// Once `queuedRequests` decoded requests wait to be answered, the socket is not read until half of
    /// them are (a client that does not read its answers stops being read too).
    public static func rpcServer(_ channel: any Channel, maximumFrameLength: Int, queuedRequests: Int = 16) throws -> Self {
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(RPCRequestDecoder(maximumFrameLength: maximumFrameLength)))
        let high = max(2, queuedRequests)
        return try Self(
            wrappingChannelSynchronously: channel,
            configuration: .init(backPressureStrategy: .init(lowWatermark: high / 2, highWatermark: high)))
    }
}
