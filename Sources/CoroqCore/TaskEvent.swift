/// Something that happens to a task and may change its state. The transitions live in one `switch`
/// (`TaskState.applying(_:)`); the store applies the resulting state in one transaction.
public enum TaskEvent: Sendable, Equatable {
    /// The scheduler starts an attempt.
    case claim
    /// The attempt returned a result.
    case succeed
    /// The attempt threw, or the job reported failure.
    case fail
    /// A person or program cancelled the task.
    case cancel
    /// The attempt was cut off by a daemon shutdown or crash; the task goes back to the queue.
    case requeue
    /// The attempt was cut off by a crash and the job is not safe to repeat: a person decides.
    case interrupt
    /// A person sends an interrupted, failed or cancelled task back to the queue (a new attempt).
    case retry
    /// The dependencies of a blocked task finished (as its `--after-policy` wants): it joins the queue.
    case release
    /// A scheduled task's run time came: it joins the queue.
    case promote
    /// The attempt failed and the task's retry policy allows another: it waits (`scheduled`) for its back-off.
    case backOff
}

extension TaskState {
    /// The state after `event`, or `TaskTransitionError` when the event is not legal in this state.
    public func applying(_ event: TaskEvent) throws(TaskTransitionError) -> TaskState {
        switch (self, event) {
        case (.queued, .claim): return .running
        case (.queued, .cancel): return .cancelled
        case (.running, .succeed): return .succeeded
        case (.running, .fail): return .failed
        case (.running, .cancel): return .cancelled
        case (.running, .requeue): return .queued
        case (.running, .interrupt): return .interrupted
        case (.interrupted, .retry): return .queued
        case (.interrupted, .cancel): return .cancelled
        case (.blocked, .release): return .queued
        case (.blocked, .cancel): return .cancelled
        case (.pending, .succeed): return .succeeded
        case (.pending, .fail): return .failed
        case (.pending, .cancel): return .cancelled
        case (.running, .backOff): return .scheduled
        case (.scheduled, .promote): return .queued
        case (.scheduled, .cancel): return .cancelled
        case (.failed, .retry), (.cancelled, .retry): return .queued
        case (.queued, _), (.running, _), (.interrupted, _), (.succeeded, _), (.failed, _), (.cancelled, _),
             (.blocked, _), (.pending, _), (.scheduled, _):
            throw TaskTransitionError(from: self, event: event)
        }
    }
}

/// An event that the task's current state does not allow (for example finishing a task twice).
public struct TaskTransitionError: Error, Equatable, CustomStringConvertible {
    public let from: TaskState
    public let event: TaskEvent

    public init(from: TaskState, event: TaskEvent) {
        self.from = from
        self.event = event
    }

    public var description: String { "a \(from.rawValue) task cannot \(event)" }
}

extension TaskEvent {
    /// What cutting off a running attempt (a shutdown, a crash) does to its task: one safe to repeat goes
    /// back to the queue, one that must not run twice waits for a person.
    public static func cutOff(repeatable: Bool) -> TaskEvent {
        repeatable ? .requeue : .interrupt
    }
}
