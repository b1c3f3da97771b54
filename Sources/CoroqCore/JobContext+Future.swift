import CoroqJSON

extension JobContext {
    /// Awaits the task or standalone future `id` and returns its result decoded as `Value`; the attempt
    /// holds no slot meanwhile (`waiting`).
    ///
    /// - Important: throws a `TaskError` when it did not succeed — `awaited_failed` (its error in
    ///   `details`) or `awaited_cancelled` — and `unknown_task` for an id that names nothing. Not caught,
    ///   that error fails this task too.
    public func future<Value: Decodable & Sendable>(_ id: TaskID, as type: Value.Type = Value.self) async throws -> Value {
        guard let tasks else {
            throw TaskError(code: "no_daemon", message: "awaiting task \(id) needs a daemon: this job runs without one")
        }
        let record = try await waiting { try await tasks.finished(id) }
        switch record.outcome {
        case .succeeded(let value)?:
            do {
                return try value.decode(as: Value.self)
            } catch {
                throw TaskError(code: "invalid_result",
                                message: "task \(id)'s result is not a \(Value.self): \(error)", details: value)
            }
        case .failed(let error)?:
            throw TaskError(code: "awaited_failed", message: "task \(id) failed: \(error.message)",
                            details: ["id": .int(id.rawValue), "error": ["code": .string(error.code), "message": .string(error.message)]])
        case .cancelled(let reason)?:
            throw TaskError(code: "awaited_cancelled", message: "task \(id) was cancelled: \(reason)",
                            details: ["id": .int(id.rawValue)])
        case nil:
            throw TaskError(code: "shutting_down", message: "task \(id) has not finished")
        }
    }
}
