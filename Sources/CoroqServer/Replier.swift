import CoroqJSON
import CoroqProtocol
import Logging
import NIOCore

/// Writes responses and notifications to one connection, one frame each.
struct Replier: Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let logger: Logger

    func send(_ message: some Encodable) async {
        do {
            var frame = try message.encodedJSON()
            frame.append(UInt8(ascii: "\n"))
            try await outbound.write(ByteBuffer(bytes: frame))
        } catch {
            // The client went away; its connection loop ends on its own.
            logger.debug("could not write to a client", metadata: ["error": "\(error)"])
        }
    }

    /// Writes frames already encoded (each ending with a newline) in one write.
    func send(frames: [UInt8]) async {
        do {
            try await outbound.write(ByteBuffer(bytes: frames))
        } catch {
            logger.debug("could not write to a client", metadata: ["error": "\(error)"])
        }
    }

    func fail(_ id: JSONValue?, _ error: RPCError) async {
        // A notification (no id) gets no answer, not even an error (JSON-RPC 2.0).
        guard let id else { return }
        await send(RPCErrorResponse(id: id, error: error))
    }
}
