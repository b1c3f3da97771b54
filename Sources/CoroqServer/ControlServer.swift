import CoroqProtocol
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
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
    typealias Listener = NIOAsyncChannel<Connection, Never>

    private let listener: Listener
    private let dispatcher: RequestDispatcher
    private let waiters: WaiterRegistry
    private let access: PeerAccess?
    private let logger: Logger
    /// Open connections, so shutdown can close their reading side.
    private let connections = Mutex<(next: Int, open: [Int: any Channel])>((0, [:]))

    init(listener: Listener, dispatcher: RequestDispatcher, waiters: WaiterRegistry, access: PeerAccess?, logger: Logger) {
        self.listener = listener
        self.dispatcher = dispatcher
        self.waiters = waiters
        self.access = access
        self.logger = logger
    }

    /// Binds `path` owner-only (through the umask, so there is no moment when others could connect), hands
    /// it to `group` if given, and only then opens it to `mode`.
    static func bind(path: String, mode: Int, group: String?, maximumFrameLength: Int) async throws -> Listener {
        let listener: Listener
        do {
            let previousMask = umask(0o177)
            defer { umask(previousMask) }
            listener = try await bootstrap.bind(unixDomainSocketPath: path, childChannelInitializer: framing(maximumFrameLength))
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
    static func adopt(_ descriptor: Int32, maximumFrameLength: Int) async throws -> Listener {
        try await bootstrap.bind(descriptor, childChannelInitializer: framing(maximumFrameLength))
    }

    private static var bootstrap: ServerBootstrap {
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            // A client may send its requests and shut its writing side (`socat`, `nc -N`): still answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
    }

    private static func framing(_ maximumFrameLength: Int) -> @Sendable (any Channel) -> EventLoopFuture<Connection> {
        { channel in
            channel.eventLoop.makeCompletedFuture { try Connection.rpcServer(channel, maximumFrameLength: maximumFrameLength) }
        }
    }

    func run() async throws {
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    try await self.listener.executeThenClose { incoming in
                        for try await connection in incoming {
                            group.addTask { await self.serve(connection) }
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
        for channel in connections.withLock({ Array($0.open.values) }) {
            channel.close(mode: .input, promise: nil)
        }
    }

    /// With `allowed_users`/`allowed_groups` set: the error to send a peer that is not allowed, else nil.
    private func checkAccess(_ connection: Connection) async -> RPCError? {
        guard let access else { return nil }
        guard let provider = connection.channel as? any SocketOptionProvider,
              let credentials = try? await (provider.unsafeGetSocketOption(level: .socket, name: .init(rawValue: SO_PEERCRED)) as EventLoopFuture<PeerCredentials>).get()
        else {
            return RPCError(.notAllowed, "coroqd could not tell who is connecting; refused")
        }
        guard await access.allows(uid: credentials.uid, gid: credentials.gid) else {
            logger.warning("refused a connection", metadata: ["uid": "\(credentials.uid)", "pid": "\(credentials.pid)"])
            return RPCError(.notAllowed, "user \(credentials.uid) is not allowed to use this coroqd; ask its administrator to add you to allowed_users or allowed_groups")
        }
        return nil
    }

    private func serve(_ connection: Connection) async {
        let key = connections.withLock { state in
            defer { state.next += 1 }
            state.open[state.next] = connection.channel
            return state.next
        }
        defer { _ = connections.withLock { $0.open.removeValue(forKey: key) } }
        do {
            let refusal = await checkAccess(connection)
            try await connection.executeThenClose { frames, outbound in
                let replier = Replier(outbound: outbound, logger: logger)
                if let refusal {
                    await replier.fail(.null, refusal)
                    // Read what the client already sent before closing: a Unix socket closed with unread
                    // input resets the connection, and the client could lose the answer above. At most 1 s.
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask { _ = try? await frames.reduce(into: 0) { _, _ in } }
                        group.addTask {
                            do { try await Task.sleep(for: .seconds(1)) } catch { /* cancelled: the client closed first */ }
                        }
                        await group.next()
                        group.cancelAll()
                    }
                    return
                }
                var session = RequestDispatcher.Session()
                for try await message in frames {
                    if Task.isShuttingDownGracefully { break }
                    await dispatcher.handle(message, session: &session, replier: replier)
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
