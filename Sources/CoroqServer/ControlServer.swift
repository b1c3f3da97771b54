import CoroqProtocol
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// The Unix-socket control server: one child task per connection, requests answered in order.
///
/// A connection's errors stay inside its own child task, so one bad client cannot take the server down.
/// On graceful shutdown the listener closes first: the daemon stops taking work before it drains.
final class ControlServer: Service {
    typealias Connection = NIOAsyncChannel<Frame, ByteBuffer>
    typealias Listener = NIOAsyncChannel<Connection, Never>

    private let listener: Listener
    private let dispatcher: RequestDispatcher
    private let logger: Logger

    init(listener: Listener, dispatcher: RequestDispatcher, logger: Logger) {
        self.listener = listener
        self.dispatcher = dispatcher
        self.logger = logger
    }

    /// Binds `path` with mode 0600 (set through the umask, so there is no moment when others could connect).
    static func bind(path: String, maximumFrameLength: Int) async throws -> Listener {
        let previousMask = umask(0o177)
        defer { umask(previousMask) }
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            // A client may send its requests and shut its writing side (`socat`, `nc -N`): still answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumFrameLength: maximumFrameLength)))
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    try await self.listener.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await self.serve(connection) }
                        }
                    }
                }
            }
        } catch where Task.isShuttingDownGracefully {
            // Our own shutdown cancelled the accept loop: the listener is closed, as it should be. Returning
            // normally lets the service group go on draining the scheduler instead of cancelling it.
        }
        logger.info("control socket closed: no new requests")
    }

    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { frames, outbound in
                let replier = Replier(outbound: outbound, logger: logger)
                var session = RequestDispatcher.Session()
                for try await frame in frames {
                    switch frame {
                    case .message(let bytes):
                        await dispatcher.handle(bytes, session: &session, replier: replier)
                    case .oversized:
                        await replier.fail(.null, RPCError(.frameTooLarge,
                            "request line longer than \(dispatcher.maximumFrameLength) bytes; it was skipped"))
                    }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}
