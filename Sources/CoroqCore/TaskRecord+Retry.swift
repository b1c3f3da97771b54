import Foundation

extension TaskRecord {
    /// The task after a failed attempt that its retry policy allows to run again: `scheduled`, its
    /// `run_at` the back-off later, its error the attempt's (the attempt keeps it too); nil when the outcome
    /// is not a failure of a running task, or no retry is left. A cancel is never retried.
    public func backingOff(_ outcome: TaskOutcome, at now: Date) throws(TaskTransitionError) -> TaskRecord? {
        guard state == .running, case .failed(let error) = outcome, let policy = retryPolicy,
              policy.allowsRetry(afterAttempt: attempts) else { return nil }
        var record = self
        record.state = try state.applying(.backOff)
        record.error = error
        record.runAt = now.addingTimeInterval(policy.delay(afterAttempt: attempts, of: id))
        return record
    }

    /// This task sent back to the queue by a person (`coroq retry`): from `interrupted`, or from `failed`
    /// or `cancelled` as a new attempt — its outcome, result, error and finish time cleared.
    public func retrying() throws(TaskTransitionError) -> TaskRecord {
        var record = try applying(.retry)
        record.result = nil
        record.error = nil
        record.finishedAt = nil
        return record
    }
}
