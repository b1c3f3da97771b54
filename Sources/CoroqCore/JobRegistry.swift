import CoroqJSON
import Foundation
import Logging
import Synchronization

/// The jobs a daemon can run, by name. Submit validates against it; the scheduler runs through it.
public struct JobRegistry: Sendable {
    private var jobs: [String: RegisteredJob] = [:]
    /// Jobs that can change while the daemon runs (coroqd.toml's `[jobs.NAME]`, replaced by a reload);
    /// looked up only for names not registered here.
    private var overlay: JobOverlay?

    public init() {}

    /// Adds the jobs of `overlay`, now and as it changes; a job registered here wins over one of the
    /// same name there.
    public mutating func attach(_ overlay: JobOverlay) {
        self.overlay = overlay
    }

    /// Whether a job of this name is registered here (not in an overlay).
    public func isRegistered(_ name: String) -> Bool {
        jobs[name] != nil
    }

    private func entry(_ name: String) -> RegisteredJob? {
        jobs[name] ?? overlay?.current.jobs[name]
    }

    /// Adds a job; a later registration under the same name replaces the earlier one.
    public mutating func register<Job: JobDefinition>(_ job: Job) {
        // `future` names the rows of standalone futures (`StandaloneFuture`): a job of that name would be
        // taken for one.
        precondition(job.name != StandaloneFuture.job, "the job name '\(StandaloneFuture.job)' is reserved for standalone futures; give the job another name")
        jobs[job.name] = RegisteredJob(job)
    }

    /// Registered job names, sorted.
    public var names: [String] {
        guard let overlay else { return jobs.keys.sorted() }
        return Set(jobs.keys).union(overlay.current.jobs.keys).sorted()
    }

    /// Every registered job as `coroq jobs` lists it, by name.
    public var descriptions: [JobDescription] {
        names.compactMap { entry($0)?.description }
    }

    /// Checks that `job` exists and accepts `arguments`, without running anything.
    public func validate(job: String, arguments: JSONValue) throws(SubmitRejection) {
        _ = try validated(job: job, arguments: arguments)
    }

    /// `validate`, and the job's defaults for what the submit does not say: one lookup for a task's whole
    /// check (a lookup per default, per task, was measurable in a 100k-task submit).
    public func validated(job: String, arguments: JSONValue) throws(SubmitRejection) -> JobDefaults {
        guard let registered = entry(job) else {
            throw .unknownJob(job, known: names)
        }
        do {
            try registered.validate(arguments)
        } catch {
            throw .invalidArguments(job: job, message: error.message)
        }
        return registered.defaults
    }

    /// The job's defaults (`JobDefaults()` for an unknown job).
    public func defaults(job: String) -> JobDefaults {
        entry(job)?.defaults ?? JobDefaults()
    }

    /// For a `TimedJob`: when an attempt of a task that first started at `firstStartedAt` has nothing left
    /// to wait for. Nil for other jobs, and for arguments that do not decode (`run` reports those).
    package func readyTime(job: String, arguments: JSONValue, firstStartedAt: Date) -> Date? {
        entry(job)?.timed?.readyTime(arguments, firstStartedAt)
    }

    /// Whether `job` is a `TimedJob`.
    package func isTimed(job: String) -> Bool {
        entry(job)?.timed != nil
    }

    /// For a `TimedJob`: the result of an attempt that waited until its ready time, as JSON.
    package func timedOutput(job: String, arguments: JSONValue) throws -> JSONValue {
        guard let timed = entry(job)?.timed else {
            throw TaskError(code: "unknown_job", message: "no timed job named '\(job)' is registered in this daemon")
        }
        return try timed.output(arguments)
    }

    /// At start-up, before anything runs: each job cleans up after its re-queued tasks' attempts that a
    /// crash cut off (`JobDefinition.cleanUpAfterCrash`). Tasks of unknown jobs are skipped.
    public func cleanUpAfterCrash(requeued tasks: [TaskRecord], checkpoints: any CheckpointStore, logger: Logger) async {
        for (job, tasks) in Dictionary(grouping: tasks, by: \.job).sorted(by: { $0.key < $1.key }) {
            await entry(job)?.cleanUpAfterCrash(tasks, checkpoints, logger)
        }
    }

    /// The process group a crash-cut attempt of `task` still runs, if any (`JobDefinition.orphanedProcessGroup`).
    public func orphanedProcessGroup(of task: TaskRecord, checkpoints: any CheckpointStore) async -> Int32? {
        await entry(task.job)?.orphanedProcessGroup(task, checkpoints)
    }

    /// Runs one attempt of `job` and returns its result as JSON.
    package func run(job: String, arguments: JSONValue, context: JobContext) async throws -> JSONValue {
        guard let registered = entry(job) else {
            throw TaskError(code: "unknown_job", message: "no job named '\(job)' is registered in this daemon")
        }
        return try await registered.run(arguments, context)
    }
}

/// Jobs that a running daemon can replace all at once (a reload of coroqd.toml's `[jobs.NAME]`): attached
/// to a `JobRegistry`, which looks in it for names it does not have itself.
public final class JobOverlay: Sendable {
    private let registry = Mutex(JobRegistry())

    public init() {}

    /// The jobs now.
    public var current: JobRegistry { registry.withLock { $0 } }

    /// Replaces every job of the overlay.
    public func replace(with jobs: JobRegistry) {
        registry.withLock { $0 = jobs }
    }
}

/// A registered job as `coroq jobs` lists it.
public struct JobDescription: Sendable, Equatable {
    public var name: String
    public var summary: String
    /// False for a job whose tasks must not run twice (`JobDefinition.isRepeatSafe`).
    public var isRepeatSafe: Bool
    /// A `TimedJob`: a waiting attempt costs a timer-heap entry, not a coroutine.
    public var isTimed: Bool
    /// Nil when the job does not say.
    public var arguments: [ArgumentDescription]?

    public init(name: String, summary: String, isRepeatSafe: Bool, isTimed: Bool, arguments: [ArgumentDescription]?) {
        self.name = name
        self.summary = summary
        self.isRepeatSafe = isRepeatSafe
        self.isTimed = isTimed
        self.arguments = arguments
    }
}

/// Why a submit was refused before anything was stored.
public enum SubmitRejection: Error, Equatable, CustomStringConvertible {
    case unknownJob(String, known: [String])
    case invalidArguments(job: String, message: String)

    public var description: String {
        switch self {
        case .unknownJob(let name, let known):
            "unknown job '\(name)' (known jobs: \(known.joined(separator: ", ")))"
        case .invalidArguments(let job, let message):
            "invalid arguments for job '\(job)': \(message)"
        }
    }
}

/// A job with its argument type erased, so jobs of any type live in one dictionary.
private struct RegisteredJob: Sendable {
    let validate: @Sendable (JSONValue) throws(InvalidArguments) -> Void
    let run: @Sendable (JSONValue, JobContext) async throws -> JSONValue
    let defaults: JobDefaults
    let timed: TimedHooks?
    let description: JobDescription
    let cleanUpAfterCrash: @Sendable ([TaskRecord], any CheckpointStore, Logger) async -> Void
    let orphanedProcessGroup: @Sendable (TaskRecord, any CheckpointStore) async -> Int32?

    /// A `TimedJob`'s two functions, with its argument type erased.
    struct TimedHooks: Sendable {
        let readyTime: @Sendable (JSONValue, Date) -> Date?
        let output: @Sendable (JSONValue) throws -> JSONValue
    }

    init<Job: JobDefinition>(_ job: Job) {
        description = JobDescription(
            name: job.name, summary: job.summary, isRepeatSafe: job.isRepeatSafe, isTimed: job is any TimedJob,
            arguments: job.argumentDescriptions)
        defaults = JobDefaults(
            isRepeatSafe: job.isRepeatSafe, queue: job.defaultQueue, priority: job.defaultPriority,
            timeout: job.defaultTimeout, retryPolicy: job.retryPolicy)
        timed = (job as? any TimedJob).map { Self.timedHooks(of: $0) }
        cleanUpAfterCrash = { await job.cleanUpAfterCrash(requeued: $0, checkpoints: $1, logger: $2) }
        orphanedProcessGroup = { await job.orphanedProcessGroup(of: $0, checkpoints: $1) }
        validate = { (json: JSONValue) throws(InvalidArguments) in
            try job.validate(try Self.decode(Job.Arguments.self, from: json))
        }
        run = { json, context in
            let arguments: Job.Arguments
            do {
                arguments = try Self.decode(Job.Arguments.self, from: json)
            } catch let error as InvalidArguments {
                throw TaskError(code: "invalid_arguments", message: error.message)
            }
            return try JSONValue(encoding: try await job.run(arguments, context: context))
        }
    }

    private static func timedHooks<Job: TimedJob>(of job: Job) -> TimedHooks {
        TimedHooks(
            readyTime: { json, firstStartedAt in
                (try? decode(Job.Arguments.self, from: json)).map { job.readyTime($0, firstStartedAt: firstStartedAt) }
            },
            output: { json in
                let arguments: Job.Arguments
                do {
                    arguments = try decode(Job.Arguments.self, from: json)
                } catch let error as InvalidArguments {
                    throw TaskError(code: "invalid_arguments", message: error.message)
                }
                return try JSONValue(encoding: try job.output(arguments))
            })
    }

    private static func decode<Arguments: Decodable>(
        _ type: Arguments.Type, from json: JSONValue
    ) throws(InvalidArguments) -> Arguments {
        do {
            return try json.decode(as: Arguments.self)
        } catch let error as DecodingError {
            throw InvalidArguments(error.explanation)
        } catch {
            throw InvalidArguments(String(describing: error))
        }
    }
}
