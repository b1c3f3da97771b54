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
    private let channel: any Channel
    private let inbox: FrameInbox
    /// The longest answer line read, for the message when one is longer.
    private let maximumFrameLength: Int
    private var nextID: Int64 = 1
    private var helloPending = true

    private init(channel: any Channel, inbox: FrameInbox, maximumFrameLength: Int) {
        self.channel = channel
        self.inbox = inbox
        self.maximumFrameLength = maximumFrameLength
    }

    /// Connects to `socketPath`, runs `body`, and closes the connection.
    ///
    /// The connection lives on the event loop this is called from (`CallingThreadLoop`: the CLI), else on
    /// NIO's shared event-loop group. It is a plain NIO pipeline (the line decoder, then `FrameInbox`) read
    /// through futures: `NIOAsyncChannel`'s generic machinery cost a one-shot CLI call ~0.3 ms of start-up.
    public static func withConnection<Result>(
        socketPath: String, maximumFrameLength: Int = 256 * 1024 * 1024,
        _ body: (ControlClient) async throws -> Result
    ) async throws -> Result {
        let group: any EventLoopGroup = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton
        let inbox = FrameInbox()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(LineFrameDecoder(maximumFrameLength: maximumFrameLength)), inbox,
                        ])
                    }
                }
                .connect(unixDomainSocketPath: socketPath).get()
        } catch {
            throw ClientError.daemonNotRunning(socketPath: socketPath, detail: Self.describe(error), cause: error)
        }
        let result: Result
        do {
            let client = ControlClient(channel: channel, inbox: inbox, maximumFrameLength: maximumFrameLength)
            try await client.send(RPCRequest(id: 0, method: RPCMethod.hello.rawValue,
                                             params: HelloParams(client: "coroq \(coroqVersion)")))
            result = try await body(client)
        } catch {
            try? await channel.close()
            throw error
        }
        // Errors from close are of no interest: the connection is gone either way.
        try? await channel.close()
        return result
    }

    /// The daemon's answer to `hello` (its version, protocol version and jobs).
    public func hello() async throws -> HelloResult {
        guard helloPending else { throw ClientError.badResponse("hello was already answered") }
        helloPending = false
        return try await response(to: 0, as: HelloResult.self, onNotification: { _ in }, whenIdle: {})
    }

    /// Sends one request and returns its result; notifications that arrive first go to `onNotification`,
    /// parsed (once: read their typed `params` from the envelope).
    ///
    /// `whenIdle` is called whenever every frame received so far has been handled and the next must be
    /// waited for: the moment to flush output buffered across many notifications.
    public func call<Params: Encodable & Sendable, Result: Decodable>(
        _ method: RPCMethod, _ params: Params, as type: Result.Type,
        onNotification: (RPCEnvelope) throws -> Void = { _ in }, whenIdle: () -> Void = {}
    ) async throws -> Result {
        let id = nextID
        nextID += 1
        try await send(RPCRequest(id: .int(id), method: method.rawValue, params: params))
        if helloPending {
            helloPending = false
            _ = try await response(to: 0, as: HelloResult.self, onNotification: onNotification, whenIdle: whenIdle)
        }
        return try await response(to: .int(id), as: Result.self, onNotification: onNotification, whenIdle: whenIdle)
    }

    private func response<Result: Decodable>(
        to id: JSONValue, as type: Result.Type, onNotification: (RPCEnvelope) throws -> Void, whenIdle: () -> Void
    ) async throws -> Result {
        while true {
            let envelope = try await nextMessage(whenIdle: whenIdle)
            if envelope.method != nil, envelope.id == nil {
                try onNotification(envelope)
                continue
            }
            if let error = envelope.error { throw ClientError.rpc(error) }
            guard envelope.id == id else { throw ClientError.badResponse("an answer to request \(envelope.id?.jsonText ?? "?")") }
            do {
                return try envelope.result(Result.self)
            } catch {
                throw ClientError.badResponse("\(error)", cause: error)
            }
        }
    }

    /// The next message, parsed straight from the channel's buffer.
    private func nextMessage(whenIdle: () -> Void) async throws -> RPCEnvelope {
        let frame: Frame?
        do {
            let inbox = self.inbox
            let eventLoop = channel.eventLoop
            if eventLoop.inEventLoop {
                if !inbox.hasFrames { whenIdle() }
                frame = try await inbox.next().get()
            } else {
                whenIdle()
                frame = try await eventLoop.flatSubmit { inbox.next() }.get()
            }
        } catch {
            throw ClientError.connectionLost(cause: error)
        }
        switch frame {
        case .message(let bytes):
            do {
                return try bytes.withUnsafeReadableBytes { try RPCEnvelope(frame: $0) }
            } catch {
                throw ClientError.badResponse(
                    "not JSON: \(String(buffer: bytes.getSlice(at: bytes.readerIndex, length: min(200, bytes.readableBytes))!))", cause: error)
            }
        case .oversized: throw ClientError.answerTooLarge(limit: maximumFrameLength)
        case nil: throw ClientError.connectionLost()
        }
    }

    /// Queues `message` on the connection without waiting for the write: if the daemon has closed the
    /// connection (after refusing it, say), what it said before is still read, and the next read tells
    /// that the connection is gone.
    private func send(_ message: some Encodable) async throws {
        var frame: [UInt8]
        do {
            frame = try message.encodedJSON()
        } catch {
            throw ClientError(code: .unencodableRequest, message: "coroq could not encode its request (a bug in coroq): \(error)", cause: error)
        }
        frame.append(UInt8(ascii: "\n"))
        channel.writeAndFlush(ByteBuffer(bytes: frame), promise: nil)
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return "\(error)"
    }
}

/// The frames read from the daemon, handed out one at a time by `next()`.
///
/// Every member is used on the channel's event loop only (the pipeline calls it there, and `next()` must be
/// called there), which is what makes it Sendable.
final class FrameInbox: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Frame

    private var frames = CircularBuffer<Frame>()
    private var waiting: EventLoopPromise<Frame?>?
    /// Set once no more frames will come: success at the end of the stream, else the channel's error.
    private var end: Result<Void, any Error>?
    private var eventLoop: (any EventLoop)?

    /// True when a frame is already here (`next()` would not wait). On the event loop only.
    var hasFrames: Bool { !frames.isEmpty }

    func handlerAdded(context: ChannelHandlerContext) {
        eventLoop = context.eventLoop
    }

    /// The next frame, or nil once the daemon has closed the connection (and every frame has been read).
    func next() -> EventLoopFuture<Frame?> {
        guard let eventLoop else { preconditionFailure("FrameInbox.next() before the handler was added") }
        eventLoop.preconditionInEventLoop()
        precondition(waiting == nil, "FrameInbox.next() while another call waits")
        if let frame = frames.popFirst() { return eventLoop.makeSucceededFuture(frame) }
        switch end {
        case .success: return eventLoop.makeSucceededFuture(nil)
        case .failure(let error): return eventLoop.makeFailedFuture(error)
        case nil:
            let promise = eventLoop.makePromise(of: Frame?.self)
            waiting = promise
            return promise.futureResult
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        if let promise = waiting {
            waiting = nil
            promise.succeed(frame)
        } else {
            frames.append(frame)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.success(()))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    private func finish(_ result: Result<Void, any Error>) {
        guard end == nil else { return }
        end = result
        guard let promise = waiting else { return }
        waiting = nil
        switch result {
        case .success: promise.succeed(nil)
        case .failure(let error): promise.fail(error)
        }
    }
}
