import CoroqCore
import Synchronization

/// Parked attempts that asked to go on, waiting for the loop to grant them a slot (`.resume`).
final class ResumeWaiters: Sendable {
    private let waiters = Mutex<[TaskID: [CheckedContinuation<Void, Never>]]>([:])

    /// Adds a waiter for `task`; false (and nothing added) when the calling task is cancelled already.
    func add(_ task: TaskID, _ waiter: CheckedContinuation<Void, Never>) -> Bool {
        waiters.withLock { waiters in
            if Task.isCancelled { return false }
            waiters[task, default: []].append(waiter)
            return true
        }
    }

    /// Lets the waiters of `task` go on (a slot was granted, or they were cancelled).
    func resume(_ task: TaskID) {
        let ready = waiters.withLock { $0.removeValue(forKey: task) } ?? []
        for waiter in ready { waiter.resume() }
    }
}

extension Scheduler: AttemptParking {
    /// The attempt waits: its slot goes to other work (a resume asked for by another parked attempt, a
    /// claim). Nothing to wait for here.
    public func park(_ task: TaskID) async {
        inputSink.yield(.event(.parked(task)))
    }

    /// Returns once the loop granted the attempt a slot again (`.resume`), or at once when the attempt is
    /// cancelled: a cancelled attempt records its outcome without waiting for a slot, so a cancel or a
    /// shutdown never waits behind a full limit.
    public func unpark(_ task: TaskID) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter in
                guard resumeWaiters.add(task, waiter) else { return waiter.resume() }
                if case .terminated = inputSink.yield(.event(.unparkRequested(task))) {
                    resumeWaiters.resume(task)
                }
            }
        } onCancel: {
            resumeWaiters.resume(task)
        }
    }
}
