import CoroqCore
import Foundation

extension Scheduler {
    /// Acts on the blocked tasks that committed writes settled (`TaskStore.takeSettledDependents`): wakes
    /// the loop for the ones released to the queue, logs the cancelled ones and fires their done-callbacks.
    /// Their state was written in the transaction that settled them: this only tells the living.
    public func settleDependents() async {
        let settled = await store.takeSettledDependents()
        guard !settled.isEmpty else { return }
        var released = false
        for record in settled {
            if record.state == .queued {
                released = true
            } else {
                logFinished(record)
                await onFinished(record)
            }
        }
        if released { wake() }
    }

    /// Resolves the standalone future `id` with `outcome` (or cancels it): records it, fires its
    /// done-callbacks and waiters, and settles its dependents. A future is never claimed, so this does not
    /// go through the loop. Throws `TaskTransitionError` when it is resolved already.
    public func resolve(_ id: TaskID, outcome: TaskOutcome) async throws -> TaskRecord {
        let record = try await store.finish(id, outcome: outcome, at: clock.now())
        logFinished(record)
        await onFinished(record)
        await settleDependents()
        return record
    }
}
