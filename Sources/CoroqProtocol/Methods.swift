import CoroqJSON

/// The methods of the control protocol, their parameters and results. docs/PROTOCOL.md describes them.
public enum RPCMethod: String, Sendable, CaseIterable {
    case hello
    case submit
    case wait
    case status
    case get
    case show
    case cancel
    case retry
    case clean
    case backup
    case logs
    case jobs
    /// A shell step's stored outcome (`coroq step`).
    case stepGet = "step.get"
    /// Stores a shell step's outcome (`coroq step`).
    case stepRecord = "step.record"
    /// Adds (or replaces) a schedule (`coroq schedule add`).
    case scheduleAdd = "schedule.add"
    case scheduleList = "schedule.list"
    case scheduleRemove = "schedule.remove"
    case schedulePause = "schedule.pause"
    case scheduleResume = "schedule.resume"
    /// Creates a standalone future (`coroq future create`).
    case futureCreate = "future.create"
    /// Resolves a standalone future with a value or an error (`coroq future resolve`).
    case futureResolve = "future.resolve"
    /// Starts a child of the calling script's task (`coroq spawn`).
    case spawn
    /// Stores a value for a task to receive (`coroq send`).
    case send
    /// The next value sent to the calling script's task (`coroq receive`); waits for one.
    case receive
    /// A running script's progress report (`coroq progress`).
    case progress
    /// The queues with their settings and task counts (`coroq queue list`).
    case queueList = "queue.list"
    /// Creates a queue or changes its limits (`coroq queue set`).
    case queueSet = "queue.set"
    case queuePause = "queue.pause"
    case queueResume = "queue.resume"

    /// True for the methods that push notifications while they run (`wait`, `logs`): they hold their
    /// connection, and are refused inside a batch.
    public var streams: Bool {
        switch self {
        case .wait, .logs: true
        case .hello, .submit, .status, .get, .show, .cancel, .retry, .clean, .backup, .jobs, .stepGet, .stepRecord,
             .scheduleAdd, .scheduleList, .scheduleRemove, .schedulePause, .scheduleResume,
             .futureCreate, .futureResolve,
             .spawn, .send, .receive, .progress,
             .queueList, .queueSet, .queuePause, .queueResume: false
        }
    }
}

/// Pushed during `wait`, once per task as it finishes.
public let taskFinishedNotification = "task.finished"

public struct HelloParams: Codable, Sendable {
    public var protocolVersion: Int
    public var client: String?

    public init(protocolVersion: Int = coroqProtocolVersion, client: String?) {
        self.protocolVersion = protocolVersion
        self.client = client
    }

    enum CodingKeys: String, CodingKey { case protocolVersion = "protocol_version", client }
}

public struct HelloResult: Codable, Sendable {
    public var protocolVersion: Int
    public var server: String
    public var jobs: [String]

    public init(protocolVersion: Int = coroqProtocolVersion, server: String, jobs: [String]) {
        self.protocolVersion = protocolVersion
        self.server = server
        self.jobs = jobs
    }

    enum CodingKeys: String, CodingKey { case protocolVersion = "protocol_version", server, jobs }
}

public struct SubmitParams: Codable, Sendable {
    public var tasks: [TaskSpec]
    public init(tasks: [TaskSpec]) { self.tasks = tasks }
}

public struct SubmitResult: Codable, Sendable {
    /// The new tasks' ids, in the order they were given.
    public var ids: [Int64]
    /// Per id, true when it is an existing task returned for its idempotency key (`key`); absent when
    /// every task is new.
    public var existing: [Bool]?
    /// Per id, the id of its `then` follow-up (null for a task without one); absent when none has one.
    public var then: [Int64?]?

    public init(ids: [Int64], existing: [Bool]? = nil, then: [Int64?]? = nil) {
        self.ids = ids
        self.existing = existing
        self.then = then
    }
}

/// Wait for the given tasks, or (`all`) for every task unfinished when the request arrives.
public struct WaitParams: Codable, Sendable {
    public var ids: [Int64]?
    public var all: Bool?
    /// Seconds; the answer then lists what is still pending.
    public var timeout: Double?
    /// Which finished tasks are pushed as `task.finished`: every one (the default) or only those that did
    /// not succeed.
    public var report: WaitReport?
    /// asyncio's FIRST_COMPLETED: answer as soon as one of the tasks has finished (the rest are pending).
    public var any: Bool?
    /// Push `task.progress` as awaited tasks report progress (a `coroq wait` on a terminal).
    public var progress: Bool?

    public init(
        ids: [Int64]? = nil, all: Bool? = nil, timeout: Double? = nil, report: WaitReport? = nil, any: Bool? = nil,
        progress: Bool? = nil
    ) {
        self.progress = progress
        self.ids = ids
        self.all = all
        self.timeout = timeout
        self.report = report
        self.any = any
    }
}

/// `wait`'s `report`: which finished tasks the daemon pushes while the client waits.
public enum WaitReport: String, Codable, Sendable {
    /// Every awaited task, as it finishes.
    case each
    /// Only tasks that did not succeed (failed, cancelled, interrupted): what a quiet client must still
    /// hear about. A hundred thousand successes cost no notifications.
    case failures
}

/// asyncio.wait's (done, pending).
public struct WaitResult: Codable, Sendable {
    public var done: [Int64]
    public var pending: [Int64]
    public var timedOut: Bool

    public init(done: [Int64], pending: [Int64], timedOut: Bool) {
        self.done = done
        self.pending = pending
        self.timedOut = timedOut
    }

    enum CodingKeys: String, CodingKey { case done, pending, timedOut = "timed_out" }
}

public struct TaskFinishedParams: Codable, Sendable {
    public var task: TaskInfo
    public init(task: TaskInfo) { self.task = task }
}

/// One task (`id`), or the counts and the most recent tasks (`limit`, default 50).
public struct StatusParams: Codable, Sendable {
    public var id: Int64?
    public var limit: Int?
    /// Only tasks in this state (`queued`, `running`, …).
    public var state: String?
    /// Only tasks of this queue.
    public var queue: String?
    /// Only tasks with this label.
    public var label: String?
    /// Only tasks of this job.
    public var job: String?

    public init(id: Int64? = nil, limit: Int? = nil, state: String? = nil, queue: String? = nil,
                label: String? = nil, job: String? = nil) {
        self.id = id
        self.limit = limit
        self.state = state
        self.queue = queue
        self.label = label
        self.job = job
    }
}

public struct StatusResult: Codable, Sendable {
    /// Tasks per state, every state present.
    public var counts: [String: Int]
    /// Newest first.
    public var tasks: [TaskInfo]
    /// The daemon: `{"version", "started_at"}` (seconds since 1970).
    public var daemon: DaemonInfo?

    public init(counts: [String: Int], tasks: [TaskInfo], daemon: DaemonInfo? = nil) {
        self.counts = counts
        self.tasks = tasks
        self.daemon = daemon
    }
}

public struct DaemonInfo: Codable, Sendable {
    public var version: String
    public var startedAt: Double

    public init(version: String, startedAt: Double) {
        self.version = version
        self.startedAt = startedAt
    }

    enum CodingKeys: String, CodingKey { case version, startedAt = "started_at" }
}

/// Pushed at the start of a `wait`: the tasks it waits for (for `--all`, the ones unfinished then).
public let waitAcceptedNotification = "wait.accepted"

public struct WaitAcceptedParams: Codable, Sendable {
    public var ids: [Int64]
    public init(ids: [Int64]) { self.ids = ids }
}

public struct GetParams: Codable, Sendable {
    public var id: Int64
    public init(id: Int64) { self.id = id }
}

/// One task by id: `get`, `show`, `retry`.
public typealias TaskParams = GetParams

public struct CancelParams: Codable, Sendable {
    public var id: Int64
    public var reason: String?

    public init(id: Int64, reason: String? = nil) {
        self.id = id
        self.reason = reason
    }
}

/// Deletes finished tasks (and their logs) that finished more than `olderThan` seconds ago.
public struct CleanParams: Codable, Sendable {
    public var olderThan: Double
    /// Final states to delete; all of them when absent.
    public var states: [String]?

    public init(olderThan: Double, states: [String]? = nil) {
        self.olderThan = olderThan
        self.states = states
    }

    enum CodingKeys: String, CodingKey { case olderThan = "older_than", states }
}

public struct CleanResult: Codable, Sendable {
    public var deleted: Int
    public init(deleted: Int) { self.deleted = deleted }
}

/// `jobs` takes no params; an empty object is fine.
public struct JobsParams: Codable, Sendable {
    public init() {}
}

/// `jobs`: every job the daemon can run.
public struct JobsResult: Codable, Sendable, Equatable {
    public var jobs: [JobInfo]
    public init(jobs: [JobInfo]) { self.jobs = jobs }
}

/// A registered job: its name, what it does, whether its tasks may run twice, and its arguments.
public struct JobInfo: Codable, Sendable, Equatable {
    public var name: String
    public var summary: String
    /// False for a job whose tasks must not run twice: cut off by a crash, they become `interrupted`.
    public var repeatable: Bool
    /// A timed job (`sleep`): a waiting attempt costs a timer entry, not a coroutine.
    public var timed: Bool
    /// Nil when the job takes any JSON object or does not say.
    public var args: [JobArgumentInfo]?

    public init(name: String, summary: String, repeatable: Bool, timed: Bool, args: [JobArgumentInfo]?) {
        self.name = name
        self.summary = summary
        self.repeatable = repeatable
        self.timed = timed
        self.args = args
    }
}

/// One argument of a job: `target.port` `integer`, optional or not.
public struct JobArgumentInfo: Codable, Sendable, Equatable {
    public var name: String
    public var type: String
    public var optional: Bool

    public init(name: String, type: String, optional: Bool) {
        self.name = name
        self.type = type
        self.optional = optional
    }
}

/// Writes a consistent copy of the database to `path` (absolute, on the daemon's machine) while it runs.
public struct BackupParams: Codable, Sendable {
    public var path: String
    public init(path: String) { self.path = path }
}

public struct BackupResult: Codable, Sendable {
    public var path: String
    public var bytes: Int64
    public init(path: String, bytes: Int64) {
        self.path = path
        self.bytes = bytes
    }
}

/// A task's captured output, pushed as `task.output` notifications; with `follow`, until the task ends.
public struct LogsParams: Codable, Sendable {
    public var id: Int64
    public var follow: Bool?

    public init(id: Int64, follow: Bool? = nil) {
        self.id = id
        self.follow = follow
    }
}

/// Pushed during `logs`: output bytes (as UTF-8 text) at `offset` in the task's log.
public struct TaskOutputParams: Codable, Sendable {
    public var id: Int64
    public var offset: Int64
    public var text: String

    public init(id: Int64, offset: Int64, text: String) {
        self.id = id
        self.offset = offset
        self.text = text
    }
}

/// The answer to `logs`, after the last `task.output`: how many bytes were sent, and the task's state.
public struct LogsResult: Codable, Sendable {
    public var bytes: Int64
    public var state: String

    public init(bytes: Int64, state: String) {
        self.bytes = bytes
        self.state = state
    }
}

/// Pushed during `logs`, once per chunk of output.
public let taskOutputNotification = "task.output"
