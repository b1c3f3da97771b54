import Synchronization

/// "The database changed": raised after every committed group-commit batch (submits, claims, outcomes,
/// cancels, steps, progress), for watchers that re-read what they show — the dashboard's server-sent events.
/// With no watcher, raising it costs one atomic load; each watcher holds at most one pending signal, so a
/// burst of commits wakes it once.
public final class ChangeSignal: Sendable {
    private let watcherCount = Atomic<Int>(0)
    private let signals = Atomic<UInt64>(0)
    private let watchers = Mutex<(next: UInt64, sinks: [UInt64: AsyncStream<Void>.Continuation])>((0, [:]))

    public init() {}

    /// Signals from now on, coalesced; end with `unwatch(token)`.
    public func watch() -> (token: UInt64, signals: AsyncStream<Void>) {
        let (signals, sink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let token = watchers.withLock { state in
            state.next += 1
            state.sinks[state.next] = sink
            return state.next
        }
        watcherCount.add(1, ordering: .releasing)
        return (token, signals)
    }

    public func unwatch(_ token: UInt64) {
        guard let sink = watchers.withLock({ $0.sinks.removeValue(forKey: token) }) else { return }
        watcherCount.subtract(1, ordering: .releasing)
        sink.finish()
    }

    /// Something was committed.
    public func signal() {
        guard watcherCount.load(ordering: .acquiring) > 0 else { return }
        signals.add(1, ordering: .releasing)
        let sinks = watchers.withLock { Array($0.sinks.values) }
        for sink in sinks { sink.yield() }
    }

    /// How many signals were raised while someone watched: equal before and after a read means nothing
    /// was committed meanwhile (what lets open pages share one render).
    public var generation: UInt64 { signals.load(ordering: .acquiring) }

    /// How many watch now.
    public var count: Int { watcherCount.load(ordering: .acquiring) }
}

extension Duration {
    /// Whole nanoseconds, for swift-metrics' timers.
    public var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
