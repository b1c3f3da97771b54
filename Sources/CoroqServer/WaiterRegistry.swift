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
        var inboxes: [Token: (ids: [TaskID], inbox: FinishedTaskInbox)] = [:]
        var shuttingDown = false
    }

    private let state = Mutex(State())

    /// Starts listening for the given tasks. Register before reading their state from the store, so that
    /// no completion falls between the read and the registration. After `shutDown()` the inbox is
    /// already closed.
    func register(_ ids: [TaskID]) -> (Token, FinishedTaskInbox) {
        let inbox = FinishedTaskInbox()
        let token = state.withLock { state in
            let token = Token(value: state.nextToken)
            state.nextToken += 1
            if state.shuttingDown {
                inbox.close()
                return token
            }
            state.inboxes[token] = (ids, inbox)
            for id in ids { state.waitersByTask[id, default: []].insert(token) }
            return token
        }
        return (token, inbox)
    }

    /// Stops listening; the inbox closes.
    func unregister(_ token: Token) {
        let entry = state.withLock { state -> (ids: [TaskID], inbox: FinishedTaskInbox)? in
            guard let entry = state.inboxes.removeValue(forKey: token) else { return nil }
            for id in entry.ids {
                state.waitersByTask[id]?.remove(token)
                if state.waitersByTask[id]?.isEmpty == true { state.waitersByTask[id] = nil }
            }
            // A dictionary keeps the capacity of its largest burst: give it back once no one waits.
            if state.waitersByTask.isEmpty { state.waitersByTask = [:] }
            return entry
        }
        entry?.inbox.close()
    }

    /// A task's future completed: tell everyone waiting on it. A task finishes once, so its entry goes.
    func finished(_ record: TaskRecord) {
        let inboxes = state.withLock { state in
            (state.waitersByTask.removeValue(forKey: record.id) ?? []).compactMap { state.inboxes[$0]?.inbox }
        }
        for inbox in inboxes { inbox.deliver(record) }
    }

    /// The daemon is stopping: every wait ends now, and later ones end at once.
    func shutDown() {
        let inboxes = state.withLock { state in
            state.shuttingDown = true
            state.waitersByTask = [:]
            defer { state.inboxes = [:] }
            return state.inboxes.values.map(\.inbox)
        }
        for inbox in inboxes { inbox.close() }
    }

    var isShuttingDown: Bool { state.withLock(\.shuttingDown) }
}
