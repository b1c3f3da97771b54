import Foundation
import Logging

/// A named coroutine that tasks run: asyncio's `async def`, registered by name.
///
/// ```swift
/// struct Resize: JobDefinition {
///     struct Arguments: Codable, Sendable { var path: String }
///     let name = "resize"
///     func run(_ arguments: Arguments, context: JobContext) async throws -> String { … }
/// }
/// ```
/// - Important: `run` may be called again for the same task after a crash (at-least-once). Use
///   `JobContext.remember(_:_:)` for anything that must stay fixed across attempts, such as a deadline.
public protocol JobDefinition: Sendable {
    /// The typed arguments, decoded from the task's JSON at submit (to validate) and again at run time.
    associatedtype Arguments: Decodable & Sendable
    /// The result, encoded to JSON and stored with the task.
    associatedtype Output: Encodable & Sendable

    /// The name tasks use to refer to this job.
    var name: String { get }

    /// One line saying what the job does, for `coroq jobs`. Default: empty.
    var summary: String { get }

    /// The job's arguments as `coroq jobs` lists them. Default: read off `Arguments`' `Decodable`
    /// conformance (`ArgumentDescription.of`), nil when it cannot be (a job taking any JSON, or checking
    /// values as it decodes): such a job may list them here.
    var argumentDescriptions: [ArgumentDescription]? { get }

    /// False for a job that must never run twice (it sends money, it is not idempotent): a task of it cut
    /// off by a crash becomes `interrupted` for a person to decide, instead of running again. Default true.
    var isRepeatSafe: Bool { get }

    /// Rejects arguments that decode but make no sense (a negative sleep). Called at submit.
    func validate(_ arguments: Arguments) throws(InvalidArguments)

    /// Runs one attempt. Throw `TaskError` for a typed failure; any other error fails the task too.
    func run(_ arguments: Arguments, context: JobContext) async throws -> Output

    /// At start-up, before anything runs: cleans up what this job's attempts cut off by a crash of the
    /// previous daemon left running outside it (`exec` kills its orphaned process groups). `tasks` are this
    /// job's tasks back in the queue, about to run again. Default: nothing.
    func cleanUpAfterCrash(requeued tasks: [TaskRecord], checkpoints: any CheckpointStore, logger: Logger) async

    /// The process group that `task`'s last attempt, cut off by a crash, still runs outside the daemon, if
    /// any: a person's retry of an interrupted task is refused until it has ended. Default: nil.
    func orphanedProcessGroup(of task: TaskRecord, checkpoints: any CheckpointStore) async -> Int32?

    /// How a task of this job retries a failed attempt when its submit gave no policy (`--retries`).
    /// Default nil: a failed attempt fails the task.
    var retryPolicy: RetryPolicy? { get }
    /// Seconds each attempt of a task of this job may run when its submit gives no `--timeout`; nil (the
    /// default): no limit.
    var defaultTimeout: Double? { get }

    /// The queue a task of this job joins when its submit names none (`--queue`); nil (the default):
    /// `default`. It must exist when the task is submitted.
    var defaultQueue: String? { get }

    /// The priority a task of this job gets when its submit gives none (`--priority`); nil (the default): 0.
    var defaultPriority: Int? { get }
}

extension JobDefinition {
    public var summary: String { "" }
    public var argumentDescriptions: [ArgumentDescription]? { ArgumentDescription.of(Arguments.self) }
    public func validate(_ arguments: Arguments) throws(InvalidArguments) {}
    public var isRepeatSafe: Bool { true }
    public func cleanUpAfterCrash(requeued tasks: [TaskRecord], checkpoints: any CheckpointStore, logger: Logger) async {}
    public func orphanedProcessGroup(of task: TaskRecord, checkpoints: any CheckpointStore) async -> Int32? { nil }
    public var retryPolicy: RetryPolicy? { nil }
    public var defaultTimeout: Double? { nil }
    public var defaultQueue: String? { nil }
    public var defaultPriority: Int? { nil }
}

/// Arguments that a job cannot accept; the message says what is wrong.
public struct InvalidArguments: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A job whose attempt only waits until a moment and then returns (`sleep`, a delay).
///
/// The scheduler holds an attempt of such a job as an entry in its timer heap until `readyTime` (counted
/// from the first attempt's start, also after a restart), then records `output` for it, many tasks in one
/// write, without calling `run`: a hundred thousand sleeping tasks cost their records, not a suspended
/// coroutine each (~6 KB). A cancel is recorded without it. `run` must still do the whole job, waiting
/// included: it runs an attempt whose time had already come when it was claimed.
public protocol TimedJob: JobDefinition {
    /// When a task that first started at `firstStartedAt` has nothing left to wait for.
    func readyTime(_ arguments: Arguments, firstStartedAt: Date) -> Date

    /// The result of an attempt that waited until its ready time (what `run` returns then).
    func output(_ arguments: Arguments) throws -> Output
}
