import CoroqCore
import CoroqJSON
import Foundation

extension Scheduler {
    /// Tells the scheduler that a task is `scheduled` to join the queue at `time` (a submit with
    /// `--in`/`--at`): the one timer is re-armed if that is earlier than what it waits for.
    public func scheduled(at time: Date) {
        inputSink.yield(.event(.scheduledDue(time)))
    }

    /// Promotes the scheduled tasks that are due (one write) and reads the next run time. A failed write
    /// is retried after the store-error pause: the tasks stay scheduled, nothing is lost.
    func promote() async -> SchedulerEvent {
        let now = clock.now()
        do {
            return .promoted(next: try await store.promoteDue(at: now))
        } catch {
            logger.error("could not move due scheduled tasks to the queue, retrying", metadata: ["error": "\(error)"])
            return .promoted(next: now.addingTimeInterval(Seconds.of(configuration.retryDelayAfterStoreError)))
        }
    }

    /// Logs a failed attempt that its retry policy runs again.
    func logBackOff(_ task: TaskRecord) {
        logger.info("attempt failed, retrying", metadata: [
            "task": "\(task.id)", "attempt": "\(task.attempts)",
            "retries": "\(task.retryPolicy?.retries ?? 0)",
            "run_at": "\(task.runAt?.timeIntervalSince1970 ?? 0)",
        ])
    }
}
