import CoroqCore
import CoroqJSON
import Foundation

/// Values sent to tasks, for the jobs and scripts that receive them: stores a send and wakes the task's
/// receivers (`send`), hands out each value once (`receive`). Shared by `JobContext.receive` (through the
/// scheduler) and `coroq receive`.
struct MessageBox: TaskMessages {
    let store: any MessageStore & TaskStore
    let clock: any WallClock
    let signals = SendSignals()

    /// Stores the value and wakes the task's receivers.
    func send(_ task: TaskID, value: JSONValue) async throws -> SendReceipt {
        let receipt = try await store.send(task, value: value, at: clock.now())
        if case .stored = receipt { signals.signal(task) }
        return receipt
    }

    /// The task finished: receivers still waiting for it (a script killed in `coroq receive`) end.
    func finished(_ task: TaskID) {
        signals.close(task)
    }

    func receive(_ task: TaskID, number: Int, until deadline: Date?) async throws -> JSONValue? {
        let token = signals.register(task)
        defer { signals.unregister(task, token) }
        while true {
            try Task.checkCancellation()
            if let value = try await store.takeMessage(task, receive: number, at: clock.now()) { return value }
            guard try await waitForSend(task, token, until: deadline) else { return nil }
        }
    }

    /// True when a send arrived, false once `deadline` has passed first; throws `TaskError` code
    /// `task_finished` when the task finished meanwhile.
    private func waitForSend(_ task: TaskID, _ token: UInt64, until deadline: Date?) async throws -> Bool {
        guard let deadline else {
            guard await signals.wait(task, token) else { throw TaskError.finishedWhileReceiving(task) }
            return true
        }
        if clock.now() >= deadline { return false }
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                guard await signals.wait(task, token) else { throw TaskError.finishedWhileReceiving(task) }
                return true
            }
            group.addTask {
                try await clock.sleep(until: deadline)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
    }
}

extension TaskError {
    /// A receive whose task finished while it waited.
    static func finishedWhileReceiving(_ task: TaskID) -> TaskError {
        TaskError(code: "task_finished", message: "task \(task) finished while waiting for a value")
    }
}
