import CoroqJSON

extension TaskOutcome {
    /// What an attempt's return or throw means for the task: a `TaskError` is the job's typed failure, a
    /// cancellation an interrupted attempt, any other error a `job_error`.
    public static func deciding(_ body: () async throws -> JSONValue) async -> TaskOutcome {
        do {
            return .succeeded(try await body())
        } catch let error as TaskError {
            return .failed(error)
        } catch is CancellationError {
            return .failed(TaskError(code: "interrupted", message: "the attempt was cancelled"))
        } catch {
            return .failed(TaskError(code: "job_error", message: String(describing: error)))
        }
    }
}
