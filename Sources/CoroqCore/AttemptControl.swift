import Synchronization

/// One running attempt, as `Scheduler.cancel` reaches it: the job's task to cancel, the reason, and the
/// callers waiting for the cancelled outcome to be recorded.
final class AttemptControl: Sendable {
    private struct State {
        var cancelJob: (@Sendable () -> Void)?
        var reason: String?
        var waiters: [CheckedContinuation<TaskRecord, any Error>] = []
    }

    private let state = Mutex(State())

    /// The reason given by `requestCancel`, if a person cancelled this attempt.
    var cancelReason: String? { state.withLock(\.reason) }

    /// Runs the job in its own task, so that a cancel reaches this attempt alone. The caller's own
    /// cancellation (shutdown) is passed on as well.
    func run<T: Sendable>(_ job: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await job() }
        let cancelNow = state.withLock { state in
            state.cancelJob = { task.cancel() }
            return state.reason != nil
        }
        if cancelNow { task.cancel() }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Cancels the attempt; `waiter` is resumed with the task once its outcome is recorded.
    func requestCancel(reason: String, waiter: CheckedContinuation<TaskRecord, any Error>) {
        let cancelJob = state.withLock { state in
            if state.reason == nil { state.reason = reason }
            state.waiters.append(waiter)
            return state.cancelJob
        }
        cancelJob?()
    }

    /// The attempt has ended: tell whoever asked to cancel it how.
    func resolve(_ result: Result<TaskRecord, any Error>) {
        for waiter in state.withLock({ state in defer { state.waiters = [] }; return state.waiters }) {
            waiter.resume(with: result)
        }
    }
}
