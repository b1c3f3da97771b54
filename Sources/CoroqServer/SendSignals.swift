import CoroqCore
import Synchronization

/// Wakes receivers when a value is sent to their task: no polling. A receiver registers before it looks
/// in the store, so a send that lands between the look and the wait still wakes it.
final class SendSignals: Sendable {
    private enum Slot {
        case idle
        case signalled
        case waiting(CheckedContinuation<Void, Never>)
        /// The task finished: nothing more will be sent to it.
        case closed
    }

    private struct State {
        var nextToken: UInt64 = 0
        var slots: [TaskID: [UInt64: Slot]] = [:]
    }

    private let state = Mutex(State())

    /// Starts listening for sends to `task`; pass the token to `wait` and `unregister`.
    func register(_ task: TaskID) -> UInt64 {
        state.withLock { state in
            state.nextToken += 1
            state.slots[task, default: [:]][state.nextToken] = .idle
            return state.nextToken
        }
    }

    func unregister(_ task: TaskID, _ token: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let slot = state.slots[task]?.removeValue(forKey: token) else { return nil }
            if state.slots[task]?.isEmpty == true { state.slots[task] = nil }
            if case .waiting(let waiter) = slot { return waiter }
            return nil
        }
        waiter?.resume()
    }

    /// A value was sent to `task`: every receiver registered for it wakes.
    func signal(_ task: TaskID) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard var slots = state.slots[task] else { return [] }
            var waiters: [CheckedContinuation<Void, Never>] = []
            for (token, slot) in slots {
                if case .waiting(let waiter) = slot { waiters.append(waiter) }
                if case .closed = slot { continue }
                slots[token] = .signalled
            }
            state.slots[task] = slots
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// `task` finished: its receivers wake, and find it closed.
    func close(_ task: TaskID) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard var slots = state.slots[task] else { return [] }
            var waiters: [CheckedContinuation<Void, Never>] = []
            for (token, slot) in slots {
                if case .waiting(let waiter) = slot { waiters.append(waiter) }
                slots[token] = .closed
            }
            state.slots[task] = slots
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once a send to `task` arrived since `register` (or the last `wait`), or the caller is
    /// cancelled. False when the task finished instead (`close`).
    func wait(_ task: TaskID, _ token: UInt64) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter in
                let now = state.withLock { state -> Bool in
                    switch state.slots[task]?[token] {
                    case .idle?:
                        if Task.isCancelled { return true }
                        state.slots[task]![token] = .waiting(waiter)
                        return false
                    case .signalled?, .waiting?, nil:
                        state.slots[task]?[token] = .idle
                        return true
                    case .closed?:
                        return true
                    }
                }
                if now { waiter.resume() }
            }
            return !isClosed(task, token)
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard case .waiting(let waiter)? = state.slots[task]?[token] else { return nil }
                state.slots[task]![token] = .idle
                return waiter
            }
            waiter?.resume()
        }
    }

    private func isClosed(_ task: TaskID, _ token: UInt64) -> Bool {
        state.withLock { state in
            if case .closed? = state.slots[task]?[token] { return true }
            return false
        }
    }
}
