import CoroqJSON
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOPosix

/// A connection to the daemon's control socket.
///
/// `hello` is sent as soon as the connection opens and its answer is read with the first call's, so a
/// one-shot command costs one round trip.
public final class ControlClient {
    typealias Channel = NIOAsyncChannel<Frame, ByteBuffer>

    private var frames: NIOAsyncChannelInboundStream<Frame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var nextID: Int64 = 1
    private var helloPending = true

    private init(frames: NIOAsyncChannelInboundStream<Frame>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.frames = frames
        self.outbound = outbound
    }

    /// Connects to `socketPath`, runs `body`, and closes the connection.
    ///
    /// The connection lives on the event loop this is called from (`CallingThreadLoop`: the CLI), else on
    /// NIO's shared event-loop group.
    public static func withConnection<Result>(
        socketPath: String, maximumFrameLength: Int = 256 * 1024 * 1024,
        _ body: (ControlClient) async throws -> Result
    ) async throws -> Result {
        let group: any EventLoopGroup = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton
        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Channel.framed(channel, maximumFrameLength: maximumFrameLength)
                    }
                }
        } catch {
            throw ClientError.daemonNotRunning(socketPath: socketPath, detail: Self.describe(error))
        }
        return try await channel.executeThenClose { inbound, outbound in
            let client = ControlClient(frames: inbound.makeAsyncIterator(), outbound: outbound)
            try await client.send(RPCRequest(id: 0, method: RPCMethod.hello.rawValue,
                                             params: HelloParams(client: "coroq \(coroqVersion)")))
            return try await body(client)
        }
    }

    /// The daemon's answer to `hello` (its version, protocol version and jobs).
    public func hello() async throws -> HelloResult {
        guard helloPending else { throw ClientError.badResponse("hello was already answered") }
        helloPending = false
        return try await response(to: 0, as: HelloResult.self, onNotification: { _, _ in })
    }

    /// Sends one request and returns its result; notifications that arrive first go to `onNotification`
    /// as (method, frame).
    public func call<Params: Encodable & Sendable, Result: Decodable>(
        _ method: RPCMethod, _ params: Params, as type: Result.Type,
        onNotification: (String, Data) throws -> Void = { _, _ in }
    ) async throws -> Result {
        let id = nextID
        nextID += 1
        try await send(RPCRequest(id: .int(id), method: method.rawValue, params: params))
        if helloPending {
            helloPending = false
            _ = try await response(to: 0, as: HelloResult.self, onNotification: onNotification)
        }
        return try await response(to: .int(id), as: Result.self, onNotification: onNotification)
    }

    private func response<Result: Decodable>(
        to id: JSONValue, as type: Result.Type, onNotification: (String, Data) throws -> Void
    ) async throws -> Result {
        while true {
            let frame = try await nextFrame()
            let envelope: RPCEnvelope
            do {
                envelope = try RPCEnvelope(frame: frame)
            } catch {
                throw ClientError.badResponse("not JSON: \(String(decoding: frame.prefix(200), as: UTF8.self))")
            }
            if let method = envelope.method, envelope.id == nil {
                try onNotification(method, frame)
                continue
            }
            if let error = envelope.error { throw ClientError.rpc(error) }
            guard envelope.id == id else { throw ClientError.badResponse("an answer to request \(envelope.id?.jsonText ?? "?")") }
            do {
                return try RPCPayload.result(Result.self, from: frame)
            } catch {
                throw ClientError.badResponse("\(error)")
            }
        }
    }

    private func nextFrame() async throws -> Data {
        let frame: Frame?
        do {
            frame = try await frames.next()
        } catch {
            throw ClientError.connectionLost
        }
        switch frame {
        case .message(let bytes): return Data(bytes.readableBytesView)
        case .oversized: throw ClientError.badResponse("an answer larger than the client accepts")
        case nil: throw ClientError.connectionLost
        }
    }

    private func send(_ message: some Encodable) async throws {
        do {
            try await outbound.write(ByteBuffer(bytes: try message.encodedFrame()))
        } catch is EncodingError {
            throw ClientError.badResponse("could not encode the request")
        } catch {
            throw ClientError.connectionLost
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return "\(error)"
    }
}
