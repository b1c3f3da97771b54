import CoroqJSON

/// `spawn`: start a child of running task `task` (`coroq spawn JOB ARGS…` in a script of that task). The
/// child is stored under `name`, or as the attempt's next unnamed spawn, so that a re-run script gets the
/// same children back.
public struct SpawnParams: Codable, Sendable {
    public var task: Int64
    /// The attempt that spawns (`$COROQ_ATTEMPT`); the task's current attempt when absent.
    public var attempt: Int?
    public var name: String?
    public var job: String
    public var args: JSONValue?

    public init(task: Int64, attempt: Int?, name: String?, job: String, args: JSONValue?) {
        self.task = task
        self.attempt = attempt
        self.name = name
        self.job = job
        self.args = args
    }
}

/// The answer to `spawn`: the child (new, or the one an earlier attempt spawned under the same key).
public struct SpawnResult: Codable, Sendable {
    public var task: TaskInfo
    public init(task: TaskInfo) { self.task = task }
}
