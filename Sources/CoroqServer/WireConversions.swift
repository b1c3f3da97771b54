import CoroqCore
import CoroqJSON
import CoroqProtocol

extension TaskInfo {
    init(_ record: TaskRecord) {
        self.init(
            id: record.id.rawValue, job: record.job, args: record.arguments, state: record.state.rawValue,
            attempts: record.attempts, createdAt: record.createdAt.timeIntervalSince1970,
            startedAt: record.startedAt?.timeIntervalSince1970,
            finishedAt: record.finishedAt?.timeIntervalSince1970, result: record.result,
            error: record.error.map { TaskErrorInfo(code: $0.code, message: $0.message, details: $0.details) },
            onDone: record.onDone)
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
        if let error = error as? TaskStoreError, error.code == .notFound {
            self.init(.taskNotFound, error.message)
        } else {
            self.init(.storageFailure, "the daemon could not use its database: \(error)")
        }
    }
}
