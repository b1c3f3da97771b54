import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// On the listening socket: when `accept` fails for want of descriptors (EMFILE, ENFILE), stops watching
/// the socket for a second, then tries again; logs once when that starts and once when a connection is
/// accepted again — not once per failed `accept`.
///
/// NIO's `AcceptBackoffHandler` (which the async `bind` installs) does not prevent the spin here: an
/// `accept` that throws leaves the channel's read pending, so the socket stays registered, `epoll` reports
/// it readable at once, and `accept` fails again — about 12,000 times a second, 30 % of a core (measured).
/// Turning `autoRead` off unregisters the socket; turning it back on registers it again.
final class AcceptPauseHandler: ChannelInboundHandler, @unchecked Sendable {  // its state is used on the event loop only
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let logger: Logger
    private let openConnections: @Sendable () -> Int
    private let pause: TimeAmount
    /// Failed accepts since the last one that succeeded.
    private var failures = 0
    private var paused = false

    init(logger: Logger, pause: TimeAmount = .seconds(1), openConnections: @escaping @Sendable () -> Int) {
        self.logger = logger
        self.pause = pause
        self.openConnections = openConnections
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if failures > 0 {
            logger.notice("accepting connections again", metadata: [
                "failed_accepts": "\(failures)", "connections": "\(openConnections())",
            ])
            failures = 0
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? IOError, error.errnoCode == EMFILE || error.errnoCode == ENFILE else {
            context.fireErrorCaught(error)
            return
        }
        if failures == 0 {
            let which = error.errnoCode == EMFILE ? "this process's descriptor limit (EMFILE)" : "the system's file table (ENFILE)"
            logger.warning(
                "cannot accept connections: out of file descriptors, \(which); retrying every second. Close connections, or raise LimitNOFILE / ulimit -n, or lower max_connections",
                metadata: ["connections": "\(openConnections())"])
        }
        failures += 1
        pauseAccepting(context)
        context.fireErrorCaught(error)
    }

    private func pauseAccepting(_ context: ChannelHandlerContext) {
        guard !paused, let options = context.channel.syncOptions else { return }
        do {
            try options.setOption(.autoRead, value: false)
        } catch {
            return
        }
        paused = true
        let channel = context.channel
        context.eventLoop.assumeIsolated().scheduleTask(in: pause) {
            self.paused = false
            try? channel.syncOptions?.setOption(.autoRead, value: true)
        }
    }
}
