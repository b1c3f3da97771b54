import CoroqJSON
import Foundation
import Logging

/// What a running job knows about its task, and its durable scratchpad.
public struct JobContext: Sendable {
    /// The task this attempt belongs to.
    public let taskID: TaskID
    /// This attempt's number, from 1.
    public let attempt: Int
    /// When the task's first attempt started (recorded durably when it was claimed, so a job can derive a
    /// deadline from it without writing one).
    public let firstStartedAt: Date
    /// A logger carrying the task id (made when asked for: most jobs never log, and setting the metadata
    /// per attempt showed in the profile).
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "task"] = "\(taskID)"
        return logger
    }
    private let baseLogger: Logger
    let checkpoints: any CheckpointStore
    /// Gives the attempt's slot back while it waits (nil: waiting keeps it).
    let parking: (any AttemptParking)?
    /// Other tasks' outcomes (nil outside a daemon: awaiting another task is refused).
    let tasks: (any TaskWatching)?
    /// Starts child tasks (nil outside a daemon: spawning is refused).
    let children: (any ChildSpawning)?
    /// Values sent to this task (nil outside a daemon: `receive` is refused).
    let messages: (any TaskMessages)?
    /// Where `progress` reports go (nil outside a daemon: they are dropped).
    let progressReporter: (any TaskProgressReporting)?
    /// The scheduler's clock: durable sleeps and receive timeouts wait on it.
    public let clock: any WallClock
    /// This attempt's durable sleeps and receives, numbered in the order the job makes them, so that a
    /// re-run finds what the same sleep or receive stored before.
    let sequence = RunSequence()

    public init(
        taskID: TaskID, attempt: Int, firstStartedAt: Date = Date(), logger: Logger, checkpoints: any CheckpointStore,
        parking: (any AttemptParking)? = nil, tasks: (any TaskWatching)? = nil, children: (any ChildSpawning)? = nil,
        messages: (any TaskMessages)? = nil, progress: (any TaskProgressReporting)? = nil, clock: any WallClock = SystemClock()
    ) {
        self.children = children
        self.messages = messages
        self.progressReporter = progress
        self.clock = clock
        self.taskID = taskID
        self.attempt = attempt
        self.firstStartedAt = firstStartedAt
        baseLogger = logger
        self.checkpoints = checkpoints
        self.parking = parking
        self.tasks = tasks
    }

    /// Runs `body` — an await on something outside this task (a child, a future, a sent value, a timer) —
    /// while the attempt holds no slot of the concurrency limit, so that thousands of waiting coroutines
    /// do not keep other work from running; takes a slot again before returning (or throwing).
    nonisolated(nonsending)
    public func waiting<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard let parking else { return try await body() }
        await parking.park(taskID)
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        await parking.unpark(taskID)
        return try result.get()
    }

    /// The value stored under `key` for this task; the first call stores `initial()`.
    ///
    /// Later attempts (after a restart) get the stored value back, so a job can keep a deadline or a
    /// completed step across a crash.
    public func remember<Value: Codable & Sendable>(_ key: String, _ initial: () -> Value) async throws -> Value {
        let stored = try await checkpoints.checkpoint(taskID, key: key, proposed: JSONValue(encoding: initial()))
        return try stored.decode(as: Value.self)
    }
}

/// Durable per-task storage behind `JobContext.remember` (key/value) and `JobContext.step` (steps).
public protocol CheckpointStore: Sendable {
    /// Returns the value stored under (`task`, `key`); stores and returns `proposed` when there is none.
    func checkpoint(_ task: TaskID, key: String, proposed: JSONValue) async throws -> JSONValue

    /// The value stored under (`task`, `key`), without storing anything.
    func checkpointValue(_ task: TaskID, key: String) async throws -> JSONValue?

    /// The completed step `name` of `task`, if there is one.
    func step(_ task: TaskID, name: String) async throws -> StepRecord?

    /// Stores a completed step, unless the task has a step of that name already; returns the stored one
    /// (the first to be recorded wins).
    func recordStep(_ step: StepRecord) async throws -> StepRecord
}
