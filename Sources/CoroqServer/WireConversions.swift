import CoroqCore
import CoroqJSON
import CoroqProtocol

extension TaskInfo {
    init(_ record: TaskRecord) {
        self.init(
            id: record.id.rawValue, job: record.job, args: record.arguments, state: TaskInfo.State(record.state),
            attempts: record.attempts, createdAt: record.createdAt.timeIntervalSince1970,
            startedAt: record.startedAt?.timeIntervalSince1970,
            finishedAt: record.finishedAt?.timeIntervalSince1970, result: record.result,
            error: record.error.map(TaskErrorInfo.init), onDone: record.onDone, repeatable: record.repeatable,
            parent: record.parentID?.rawValue)
        runAt = record.runAt?.timeIntervalSince1970
        priority = record.priority == 0 ? nil : record.priority
        retry = record.retryPolicy.map {
            RetryPolicyInfo(retries: $0.retries, backoff: $0.backoff.rawValue, base: $0.base, cap: $0.cap, jitter: $0.jitter)
        }
        queue = record.queue == QueueName.defaultQueue ? nil : record.queue
        label = record.label
        timeout = record.timeout
        key = record.key
        onSuccess = record.onSuccess
        onFailure = record.onFailure
        inputFrom = record.inputFrom?.rawValue
    }
}

extension TaskInfo.State {
    init(_ state: TaskState) {
        switch state {
        case .queued: self = .queued
        case .running: self = .running
        case .interrupted: self = .interrupted
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .cancelled: self = .cancelled
        case .blocked: self = .blocked
        case .pending: self = .pending
        case .scheduled: self = .scheduled
        }
    }
}

extension TaskErrorInfo {
    init(_ error: TaskError) {
        self.init(code: error.code, message: error.message, details: error.details)
    }
}

extension AttemptInfo {
    init(_ attempt: AttemptRecord) {
        self.init(
            number: attempt.number, boot: attempt.boot, startedAt: attempt.startedAt.timeIntervalSince1970,
            finishedAt: attempt.finishedAt?.timeIntervalSince1970, outcome: attempt.outcome?.rawValue,
            error: attempt.error.map(TaskErrorInfo.init))
    }
}

extension CallbackRunInfo {
    init(_ run: CallbackRun) {
        self.init(
            startedAt: run.startedAt.timeIntervalSince1970, finishedAt: run.finishedAt.timeIntervalSince1970,
            succeeded: run.succeeded, detail: run.detail)
    }
}

extension StepInfo {
    init(_ step: StepRecord) {
        self.init(
            name: step.name, kind: step.kind, result: step.result, attempt: step.attempt,
            startedAt: step.startedAt.timeIntervalSince1970, finishedAt: step.finishedAt.timeIntervalSince1970)
    }
}

extension RPCError {
    /// The wire form of a submit refused by the job registry; `index` says which task of the request.
    init(_ rejection: SubmitRejection, index: Int) {
        switch rejection {
        case .unknownJob(let name, let known):
            self.init(.unknownJob, rejection.description, data: [
                "index": .int(Int64(index)), "job": .string(name), "known_jobs": .array(known.map(JSONValue.string)),
            ])
        case .invalidArguments(let job, _):
            self.init(.invalidArguments, rejection.description, data: ["index": .int(Int64(index)), "job": .string(job)])
        }
    }

    /// A failure of the store, as the client sees it.
    init(storeFailure error: any Error) {
        if let error = error as? RPCError {
            self = error
        } else if let error = error as? TaskStoreError, error.code == .notFound {
            self.init(.taskNotFound, error.message)
        } else if let error = error as? TaskStoreError, error.code == .shuttingDown {
            self.init(.shuttingDown, error.message)
        } else if let error = error as? UnknownDependencyError {
            self.init(.unknownDependency, error.description, data: [
                "index": .int(Int64(error.index)), "ids": .array(error.ids.map { .int($0.rawValue) }),
            ])
        } else if let error = error as? KeyConflictError {
            self.init(.keyConflict, error.description, data: [
                "index": .int(Int64(error.index)), "key": .string(error.key),
                "task": error.existing.map { .int($0.rawValue) } ?? .null,
            ])
        } else if let error = error as? TaskTransitionError {
            self.init(.wrongState, "task is \(error.from.rawValue): it cannot be \(error.event.pastTense)", data: [
                "state": .string(error.from.rawValue),
            ])
        } else {
            self.init(.storageFailure, "the daemon could not use its database: \(error)")
        }
    }
}

extension TaskEvent {
    /// "cancelled", "retried": for messages about what a task in some state cannot be.
    var pastTense: String {
        switch self {
        case .claim: "started"
        case .succeed, .fail: "finished"
        case .cancel: "cancelled (it has finished)"
        case .requeue: "requeued"
        case .interrupt: "interrupted"
        case .retry: "retried (only a failed, cancelled or interrupted task can be)"
        case .release: "released"
        case .promote: "promoted"
        case .backOff: "retried"
        }
    }
}

extension JobInfo {
    /// A registered job as `jobs` answers it.
    init(_ job: JobDescription) {
        self.init(
            name: job.name, summary: job.summary, repeatable: job.isRepeatSafe, timed: job.isTimed,
            args: job.arguments?.map { JobArgumentInfo(name: $0.name, type: $0.type, optional: $0.optional) })
    }
}
