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
/// On graceful shutdown it stops taking work without cutting off an answer: the listener closes, open
/// waits end with `shutting_down`, idle connections are closed, and a request being handled is answered.
final class ControlServer: Service {
    typealias Connection = NIOAsyncChannel<RPCInbound, ByteBuffer>
    typealias Listener = NIOAsyncChannel<AcceptedConnection, Never>

    /// A connection as accepted: its channel, and whether it has a request in progress (for the idle timeout).
    struct AcceptedConnection: Sendable {
        let connection: Connection
        let activity: ConnectionActivity
    }

    private let listener: Listener
    private let dispatcher: RequestDispatcher
    private let waiters: WaiterRegistry
    private let access: PeerAccess?
    private let logger: Logger
    /// Open connections, so shutdown can close their reading side and `max_connections` holds.
    private let connections: ConnectionTable

    init(
        listener: Listener, connections: ConnectionTable, dispatcher: RequestDispatcher, waiters: WaiterRegistry,
        access: PeerAccess?, logger: Logger
    ) {
        self.listener = listener
        self.connections = connections
        self.dispatcher = dispatcher
        self.waiters = waiters
        self.access = access
        self.logger = logger
    }

    /// Binds `path` owner-only (through the umask, so there is no moment when others could connect), hands
    /// it to `group` if given, and only then opens it to `mode`.
    static func bind(
        path: String, mode: Int, group: String?, limits: ConnectionLimits, connections: ConnectionTable, logger: Logger
    ) async throws -> Listener {
        let listener: Listener
        do {
            let previousMask = umask(0o177)
            defer { umask(previousMask) }
            listener = try await bootstrap(connections: connections, logger: logger).bind(
                unixDomainSocketPath: path, childChannelInitializer: framing(limits))
        }
        if let group {
            guard let gid = PeerAccess.groupID(named: group), lchown(path, uid_t.max, gid) == 0 else {
                try? await listener.channel.close()
                throw DaemonStartupError("cannot give the socket to group '\(group)' (does it exist, and is coroqd a member?)")
            }
        }
        guard chmod(path, mode_t(mode)) == 0 else {
            try? await listener.channel.close()
            throw DaemonStartupError("cannot set mode \(String(mode, radix: 8)) on \(path): \(String(cString: strerror(errno)))")
        }
        return listener
    }

    /// Adopts a listening socket that systemd passed (socket activation).
    static func adopt(
        _ descriptor: Int32, limits: ConnectionLimits, connections: ConnectionTable, logger: Logger
    ) async throws -> Listener {
        try await bootstrap(connections: connections, logger: logger).bind(descriptor, childChannelInitializer: framing(limits))
    }

    /// NIO's async `bind` puts an `AcceptBackoffHandler` on the listening channel (a second's pause after
    /// `accept` fails for want of descriptors); `AcceptPauseHandler` goes before it: it pauses accepting (which that handler does not manage, see there) and logs once.
    private static func bootstrap(connections: ConnectionTable, logger: Logger) -> ServerBootstrap {
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        AcceptPauseHandler(logger: logger, openConnections: { connections.count }))
                }
            }
            // A client may send its requests and shut its writing side (`socat`, `nc -N`): still answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
    }

    private static func framing(_ limits: ConnectionLimits) -> @Sendable (any Channel) -> EventLoopFuture<AcceptedConnection> {
        { channel in
            channel.eventLoop.makeCompletedFuture {
                let activity = ConnectionActivity()
                if let idle = limits.idleTimeout {
                    let nanoseconds = idle.components.seconds * 1_000_000_000 + idle.components.attoseconds / 1_000_000_000
                    try channel.pipeline.syncOperations.addHandlers(
                        IdleStateHandler(allTimeout: .nanoseconds(max(1, nanoseconds))),
                        IdleConnectionCloser(activity: activity))
                }
                let connection = try Connection.rpcServer(
                    channel, maximumFrameLength: limits.maximumFrameLength, queuedRequests: limits.queuedRequests)
                return AcceptedConnection(connection: connection, activity: activity)
            }
        }
    }

    func run() async throws {
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    try await self.listener.executeThenClose { incoming in
                        for try await accepted in incoming {
                            group.addTask { await self.serve(accepted) }
                        }
                    }
                }
            } onGracefulShutdown: {
                self.stopTakingWork()
            }
        } catch where Task.isShuttingDownGracefully {
            // Closing the listener under the accept loop may surface as an error; it is the point.
        }
        logger.info("control socket closed: no new requests")
    }

    private func stopTakingWork() {
        listener.channel.close(promise: nil)
        waiters.shutDown()
        for channel in connections.channels {
            channel.close(mode: .input, promise: nil)
        }
    }

    /// With `allowed_users`/`allowed_groups` set: the error to send a peer that is not allowed, else nil.
    private func checkAccess(_ connection: Connection) async -> RPCError? {
        guard let access else { return nil }
        guard let provider = connection.channel as? any SocketOptionProvider,
              let credentials = try? await (provider.unsafeGetSocketOption(level: .socket, name: .init(rawValue: SO_PEERCRED)) as EventLoopFuture<PeerCredentials>).get()
        else {
            logger.warning("refused a connection: could not read the peer's credentials (SO_PEERCRED)")
            return RPCError(.notAllowed, "coroqd could not tell who is connecting; refused")
        }
        guard await access.allows(uid: credentials.uid, gid: credentials.gid) else {
            logger.warning("refused a connection", metadata: ["uid": "\(credentials.uid)", "pid": "\(credentials.pid)"])
            return RPCError(.notAllowed, "user \(credentials.uid) is not allowed to use this coroqd; ask its administrator to add you to allowed_users or allowed_groups")
        }
        return nil
    }

    private func serve(_ accepted: AcceptedConnection) async {
        let connection = accepted.connection
        guard let key = connections.admit(connection.channel) else {
            await refuse(connection, RPCError(.tooManyConnections,
                "coroqd has as many connections open as it allows (max_connections); try again once others have closed"))
            return
        }
        defer { connections.remove(key) }
        if let refusal = await checkAccess(connection) {
            await refuse(connection, refusal)
            return
        }
        do {
            try await connection.executeThenClose { frames, outbound in
                let replier = Replier(outbound: outbound, logger: logger)
                var session = RequestDispatcher.Session()
                for try await message in frames {
                    if Task.isShuttingDownGracefully { break }
                    // The client left (a write to it failed and closed the channel): what it sent is not
                    // carried out for no one.
                    guard connection.channel.isActive else {
                        logger.debug("dropped the requests of a client that left")
                        break
                    }
                    accepted.activity.began()
                    await dispatcher.handle(message, session: &session, replier: replier)
                    accepted.activity.ended()
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Answers `error` and closes the connection.
    private func refuse(_ connection: Connection, _ error: RPCError) async {
        do {
            try await connection.executeThenClose { frames, outbound in
                await Replier(outbound: outbound, logger: logger).fail(.null, error)
                // Read what the client already sent before closing: a Unix socket closed with unread input
                // resets the connection, and the client could lose the answer above. At most 1 s.
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { _ = try? await frames.reduce(into: 0) { _, _ in } }
                    group.addTask {
                        do { try await Task.sleep(for: .seconds(1)) } catch { /* cancelled: the client closed first */ }
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// `struct ucred` (pid, uid, gid), which Glibc's Swift module does not show (it needs `_GNU_SOURCE`).
struct PeerCredentials: Sendable {
    var pid: pid_t
    var uid: uid_t
    var gid: gid_t
}
