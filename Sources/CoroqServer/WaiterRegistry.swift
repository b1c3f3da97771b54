import CoroqCore

/// The server's done-callbacks: connections waiting on futures, woken when a task finishes.
actor WaiterRegistry {
    struct Token: Hashable, Sendable {
        fileprivate let value: Int
    }

    private var nextToken = 0
    private var waitersByTask: [TaskID: Set<Token>] = [:]
    private var streams: [Token: (ids: [TaskID], continuation: AsyncStream<TaskRecord>.Continuation)] = [:]

    /// Starts listening for the given tasks. Register before reading their state from the store, so that
    /// no completion falls between the read and the registration.
    func register(_ ids: [TaskID]) -> (Token, AsyncStream<TaskRecord>) {
        let token = Token(value: nextToken)
        nextToken += 1
        let (stream, continuation) = AsyncStream.makeStream(of: TaskRecord.self)
        streams[token] = (ids, continuation)
        for id in ids { waitersByTask[id, default: []].insert(token) }
        return (token, stream)
    }

    /// Stops listening; the stream ends.
    func unregister(_ token: Token) {
        guard let entry = streams.removeValue(forKey: token) else { return }
        for id in entry.ids {
            waitersByTask[id]?.remove(token)
            if waitersByTask[id]?.isEmpty == true { waitersByTask[id] = nil }
        }
        entry.continuation.finish()
    }

    /// A task's future completed: tell everyone waiting on it. A task finishes once, so its entry goes.
    func finished(_ record: TaskRecord) {
        guard let tokens = waitersByTask.removeValue(forKey: record.id) else { return }
        for token in tokens {
            streams[token]?.continuation.yield(record)
        }
    }
}
