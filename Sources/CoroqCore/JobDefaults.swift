/// What a task of a job gets when its submit does not say (`JobDefinition`'s defaults, or a `[jobs.NAME]`
/// section's), read once per task (`JobRegistry.validated`).
public struct JobDefaults: Sendable, Equatable {
    /// False for a job whose tasks must not run twice (`JobDefinition.isRepeatSafe`).
    public var isRepeatSafe = true
    /// The queue, for a submit that names none (nil: `default`).
    public var queue: String?
    /// The priority, for a submit that gives none (nil: 0).
    public var priority: Int?
    /// Seconds per attempt, for a submit that gives no timeout.
    public var timeout: Double?
    /// The retry policy, for a submit that gives none.
    public var retryPolicy: RetryPolicy?

    public init(
        isRepeatSafe: Bool = true, queue: String? = nil, priority: Int? = nil, timeout: Double? = nil,
        retryPolicy: RetryPolicy? = nil
    ) {
        self.isRepeatSafe = isRepeatSafe
        self.queue = queue
        self.priority = priority
        self.timeout = timeout
        self.retryPolicy = retryPolicy
    }
}
