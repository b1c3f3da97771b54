import CoroqCore
import Synchronization

/// One running attempt, as `Scheduler.cancel` reaches it: the job's task to cancel, the reason, and the
/// callers waiting for the cancelled outcome to be recorded.
final class AttemptControl: Sendable {
    private struct State {
        /// The running attempt's task while `run` is inside it: what a cancel cancels.
        var attemptTask: AttemptTaskHandle?
        var reason: String?
        /// True once the attempt ran past its deadline (`timeOut`).
        var timedOut = false
        var waiters: [CheckedContinuation<TaskRecord, any Error>] = []
        /// Set once the attempt has ended: a cancel that arrives later is answered with it at once.
        var result: Result<TaskRecord, any Error>?
    }

    private let state = Mutex(State())

    /// The reason given by `requestCancel`, if a person cancelled this attempt.
    var cancelReason: String? { state.withLock(\.reason) }

    /// True when the attempt was cancelled because it ran past its timeout.
    var timedOut: Bool { state.withLock(\.timedOut) }

    /// Runs the job in the calling task (the attempt's own child task), which a cancel of this attempt
    /// alone cancels; the caller's own cancellation (shutdown) reaches it as usual. (It used to start a
    /// task of its own per attempt: at 100k running tasks that doubled the tasks and their memory.)
    func run<T: Sendable>(_ job: () async throws -> T) async throws -> T {
        withUnsafeCurrentTask { task in
            let handle = task.map(AttemptTaskHandle.init)
            state.withLock { state in
                state.attemptTask = handle
                if state.reason != nil || state.timedOut { handle?.task.cancel() }
            }
        }
        // The handle is only used under the lock, and is cleared before this task can end.
        defer { state.withLock { $0.attemptTask = nil } }
        return try await job()
    }

    /// Cancels the attempt; `waiter` is resumed with the task once its outcome is recorded.
    func requestCancel(reason: String, waiter: CheckedContinuation<TaskRecord, any Error>) {
        let ended = state.withLock { state -> Result<TaskRecord, any Error>? in
            if let result = state.result { return result }
            if state.reason == nil { state.reason = reason }
            state.waiters.append(waiter)
            state.attemptTask?.task.cancel()
            return nil
        }
        if let ended { waiter.resume(with: ended) }
    }

    /// Cancels the attempt because it ran past its timeout: it records a `timeout` failure (unless it
    /// succeeded meanwhile, or a person's cancel came first).
    func timeOut() {
        state.withLock { state in
            guard state.result == nil else { return }
            state.timedOut = true
            state.attemptTask?.task.cancel()
        }
    }

    /// Cancels the attempt without a reason (a shutdown cuts it off): it records a cut-off, not a cancel.
    func interrupt() {
        state.withLock { $0.attemptTask?.task.cancel() }
    }

    /// The attempt has ended: tell whoever asked to cancel it how, now and later.
    func resolve(_ result: Result<TaskRecord, any Error>) {
        let waiters = state.withLock { state in
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}

/// The running attempt's task, to cancel it. `UnsafeCurrentTask` must not outlive its task: `run` sets this
/// while inside the task and clears it before returning, and it is only touched under the control's lock.
private struct AttemptTaskHandle: @unchecked Sendable {
    let task: UnsafeCurrentTask
}
