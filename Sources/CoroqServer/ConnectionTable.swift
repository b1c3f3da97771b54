import Logging
import Metrics
import NIOCore
import Synchronization

/// The open connections, so that shutdown can close their reading side and `max_connections` holds.
/// Logs once when connections start being refused for the limit, and once when one is admitted again.
final class ConnectionTable: Sendable {
    struct Key: Hashable, Sendable {
        fileprivate let value: Int
    }

    private struct State {
        var next = 0
        var open: [Int: any Channel] = [:]
        /// Connections refused since the limit was last reached (0: not at the limit).
        var refused = 0
    }

    private let state = Mutex(State())
    private let limit: Int
    private let logger: Logger

    /// Open control connections, for `/metrics` (a no-op unless metrics are on).
    private let openGauge = Gauge(label: "coroq_open_connections")

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    var count: Int { state.withLock { $0.open.count } }

    var channels: [any Channel] { state.withLock { Array($0.open.values) } }

    /// Adds `channel`, or returns nil when `limit` connections are open already.
    func admit(_ channel: any Channel) -> Key? {
        let (key, refusedBefore, firstRefusal) = state.withLock { (state: inout State) -> (Int?, Int, Bool) in
            guard state.open.count < limit else {
                state.refused += 1
                return (nil, 0, state.refused == 1)
            }
            defer { state.next += 1 }
            state.open[state.next] = channel
            let refused = state.refused
            state.refused = 0
            openGauge.record(state.open.count)
            return (state.next, refused, false)
        }
        if firstRefusal {
            logger.warning("refusing connections: max_connections (\(limit)) are open; each new one is told so and closed until one ends",
                           metadata: ["connections": "\(limit)"])
        }
        if refusedBefore > 0 {
            logger.notice("accepting connections again", metadata: ["refused": "\(refusedBefore)"])
        }
        return key.map { Key(value: $0) }
    }

    func remove(_ key: Key) {
        state.withLock { state in
            state.open.removeValue(forKey: key.value)
            openGauge.record(state.open.count)
        }
    }
}
