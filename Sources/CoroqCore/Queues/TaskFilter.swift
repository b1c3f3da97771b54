/// Which tasks a listing shows (`coroq status --state S --queue Q --label L --job J`): every part given
/// must match.
public struct TaskFilter: Sendable, Equatable {
    public var state: TaskState?
    public var queue: String?
    public var label: String?
    public var job: String?

    public init(state: TaskState? = nil, queue: String? = nil, label: String? = nil, job: String? = nil) {
        self.state = state
        self.queue = queue
        self.label = label
        self.job = job
    }

    /// True when it filters nothing.
    public var isEmpty: Bool { state == nil && queue == nil && label == nil && job == nil }

    /// True when `record` passes.
    public func matches(_ record: TaskRecord) -> Bool {
        (state == nil || record.state == state) && (queue == nil || record.queue == queue)
            && (label == nil || record.label == label) && (job == nil || record.job == job)
    }
}
