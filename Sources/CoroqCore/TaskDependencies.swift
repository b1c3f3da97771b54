/// What a task submitted with `--after` waits for, and what it does when one of them does not succeed.
///
/// - Important: a dependency must exist when its dependent is submitted, so an edge always points to an
///   older id: a cycle cannot be built.
public struct TaskDependencies: Sendable, Equatable {
    public var ids: [TaskID]
    public var policy: AfterPolicy

    public init(ids: [TaskID], policy: AfterPolicy = .succeeded) {
        self.ids = Array(Set(ids)).sorted()
        self.policy = policy
    }
}

/// `--after-policy`: when a blocked task may run.
public enum AfterPolicy: String, Codable, Sendable, CaseIterable {
    /// Once every dependency succeeded; the first that fails or is cancelled cancels the task.
    case succeeded
    /// Once every dependency finished, whatever its outcome.
    case finished
}

/// What happens to a blocked task, given its dependencies' states. Pure: the store applies it.
public enum DependencyVerdict: Sendable, Equatable {
    /// Some dependency has not finished.
    case wait
    /// It joins the queue.
    case release
    /// A dependency did not succeed (policy `succeeded`): the task is cancelled with this reason.
    case cancel(reason: String)

    /// The verdict for a task with `policy` whose dependencies are in `states` (nil for one deleted by
    /// retention: only a finished task is deleted, and had it not succeeded its dependents were settled
    /// when it finished).
    public static func deciding(policy: AfterPolicy, states: [(id: TaskID, state: TaskState?)]) -> DependencyVerdict {
        let sorted = states.sorted { $0.id < $1.id }
        if policy == .succeeded {
            for (id, state) in sorted {
                switch state {
                case .failed?: return .cancel(reason: "dependency \(id) failed")
                case .cancelled?: return .cancel(reason: "dependency \(id) was cancelled")
                default: continue
                }
            }
        }
        return sorted.allSatisfy { $0.state?.isFinal ?? true } ? .release : .wait
    }
}
