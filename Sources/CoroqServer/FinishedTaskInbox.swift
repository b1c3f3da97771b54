import CoroqCore
import Synchronization

/// The tasks finished for one `wait`, handed out in batches: each `take()` returns everything that arrived
/// since the last one, so a wait that falls behind catches up with one write for many notifications instead
/// of an await (and a write) per task.
final class FinishedTaskInbox: Sendable {
    private struct State {
        var ready: [TaskRecord] = []
        var sleeper: CheckedContinuation<Void, Never>?
        var closed = false
    }

    private let state = Mutex(State())

    /// Adds a finished task; wakes the waiting `take()`. Ignored once closed.
    func deliver(_ record: TaskRecord) {
        let sleeper = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.closed else { return nil }
            state.ready.append(record)
            defer { state.sleeper = nil }
            return state.sleeper
        }
        sleeper?.resume()
    }

    /// No more tasks will come: `take()` hands out what is left, then nil.
    func close() {
        let sleeper = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            defer { state.sleeper = nil }
            return state.sleeper
        }
        sleeper?.resume()
    }

    /// Every task delivered since the last call, waiting for at least one; nil once closed and empty.
    /// Cancelling the calling task closes the inbox.
    func take() async -> [TaskRecord]? {
        while true {
            let batch = state.withLock { state -> [TaskRecord]?? in
                if !state.ready.isEmpty {
                    defer { state.ready = [] }
                    return .some(state.ready)
                }
                return state.closed ? .some(nil) : nil
            }
            if let batch { return batch }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let wakeNow = state.withLock { state in
                        guard state.ready.isEmpty && !state.closed else { return true }
                        state.sleeper = continuation
                        return false
                    }
                    if wakeNow { continuation.resume() }
                }
            } onCancel: {
                close()
            }
        }
    }
}

extension FinishedTaskInbox: AsyncSequence {
    typealias Element = [TaskRecord]

    struct AsyncIterator: AsyncIteratorProtocol {
        let inbox: FinishedTaskInbox
        mutating func next() async -> [TaskRecord]? { await inbox.take() }
    }

    /// The batches `take()` hands out, until the inbox is closed.
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inbox: self) }
}
