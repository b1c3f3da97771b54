import CoroqCore
import Synchronization

/// The server's done-callbacks: connections waiting on futures, woken when a task finishes.
final class WaiterRegistry: Sendable {
    struct Token: Hashable, Sendable {
        fileprivate let value: Int
    }

    private struct State {
        var nextToken = 0
        var waitersByTask: [TaskID: Set<Token>] = [:]
        var streams: [Token: (ids: [TaskID], continuation: AsyncStream<TaskRecord>.Continuation)] = [:]
        var shuttingDown = false
    }

    private let state = Mutex(State())

    /// Starts listening for the given tasks. Register before reading their state from the store, so that
    /// no completion falls between the read and the registration. After `shutDown()` the stream is
    /// already finished.
    func register(_ ids: [TaskID]) -> (Token, AsyncStream<TaskRecord>) {
        let (stream, continuation) = AsyncStream.makeStream(of: TaskRecord.self)
        let token = state.withLock { state in
            let token = Token(value: state.nextToken)
            state.nextToken += 1
            if state.shuttingDown {
                continuation.finish()
                return token
            }
            state.streams[token] = (ids, continuation)
            for id in ids { state.waitersByTask[id, default: []].insert(token) }
            return token
        }
        return (token, stream)
    }

    /// Stops listening; the stream ends.
    func unregister(_ token: Token) {
        let entry = state.withLock { state -> (ids: [TaskID], continuation: AsyncStream<TaskRecord>.Continuation)? in
            guard let entry = state.streams.removeValue(forKey: token) else { return nil }
            for id in entry.ids {
                state.waitersByTask[id]?.remove(token)
                if state.waitersByTask[id]?.isEmpty == true { state.waitersByTask[id] = nil }
            }
            return entry
        }
        entry?.continuation.finish()
    }

    /// A task's future completed: tell everyone waiting on it. A task finishes once, so its entry goes.
    func finished(_ record: TaskRecord) {
        let continuations = state.withLock { state in
            (state.waitersByTask.removeValue(forKey: record.id) ?? []).compactMap { state.streams[$0]?.continuation }
        }
        for continuation in continuations { continuation.yield(record) }
    }

    /// The daemon is stopping: every wait ends now, and later ones end at once.
    func shutDown() {
        let continuations = state.withLock { state in
            state.shuttingDown = true
            state.waitersByTask = [:]
            defer { state.streams = [:] }
            return state.streams.values.map(\.continuation)
        }
        for continuation in continuations { continuation.finish() }
    }

    var isShuttingDown: Bool { state.withLock(\.shuttingDown) }
}
