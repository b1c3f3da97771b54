import NIOCore
import Synchronization

/// Whether a connection has a request in progress: a `wait` or `logs -f` that has nothing to send for a
/// long while is not idle. Set by the connection's task, read on its event loop.
final class ConnectionActivity: Sendable {
    private let requestsInProgress = Atomic<Int>(0)

    var isBusy: Bool { requestsInProgress.load(ordering: .relaxed) > 0 }

    /// A request is being handled, until `ended()`.
    func began() { requestsInProgress.add(1, ordering: .relaxed) }

    func ended() { requestsInProgress.subtract(1, ordering: .relaxed) }
}

/// Closes its connection when `IdleStateHandler` says nothing was read or written for the idle timeout,
/// unless a request is in progress.
final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    private let activity: ConnectionActivity

    init(activity: ConnectionActivity) {
        self.activity = activity
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all {
            if !activity.isBusy { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
