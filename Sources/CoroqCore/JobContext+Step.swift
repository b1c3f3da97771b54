import CoroqJSON
import Foundation

extension JobContext {
    /// Runs `body` once for this task: its result is stored durably (with its start and end) before
    /// `step` returns, and when the task runs again (a later attempt after a crash), a completed step
    /// returns its stored result without running.
    ///
    /// ```swift
    /// let rows = try await context.step("fetch") { try await fetch(arguments.url) }
    /// try await context.step("load") { try await load(rows) }
    /// ```
    /// - Important: a step that throws is not stored: the error goes to the caller, and a later attempt
    ///   runs the step again. Name each step once per task: the same name with another result type is
    ///   refused (`TaskError` code `step_type_mismatch`); with the same type it returns the stored result.
    nonisolated(nonsending)
    public func step<Output: Codable & Sendable>(
        _ name: String, _ body: () async throws -> Output
    ) async throws -> Output {
        let kind = String(reflecting: Output.self)
        if let stored = try await checkpoints.step(taskID, name: name) {
            logger.debug("step replayed", metadata: ["step": "\(name)", "attempt": "\(stored.attempt)"])
            return try Self.replay(stored, as: Output.self, kind: kind)
        }
        let startedAt = Date()
        let output = try await body()
        let result = try JSONValue(encoding: output)
        let recorded = try await checkpoints.recordStep(StepRecord(
            taskID: taskID, name: name, kind: kind, result: result, attempt: attempt,
            startedAt: startedAt, finishedAt: Date()))
        logger.debug("step recorded", metadata: ["step": "\(name)"])
        // Another step of the same name (run concurrently) may have been recorded first: it wins.
        if recorded.kind == kind && recorded.result == result { return output }
        return try Self.replay(recorded, as: Output.self, kind: kind)
    }

    private static func replay<Output: Decodable>(_ stored: StepRecord, as type: Output.Type, kind: String) throws -> Output {
        guard stored.kind == kind else { throw TaskError.stepTypeMismatch(stored, requested: kind) }
        do {
            return try stored.result.decode(as: Output.self)
        } catch {
            throw TaskError.stepTypeMismatch(stored, requested: kind)
        }
    }
}

extension TaskError {
    /// A step name used again in the same task for a result of another type.
    public static func stepTypeMismatch(_ stored: StepRecord, requested: String) -> TaskError {
        TaskError(
            code: "step_type_mismatch",
            message: "step '\(stored.name)' of task \(stored.taskID) holds a \(stored.kind) (recorded by attempt \(stored.attempt)), "
                + "not a \(requested): give each step of a job its own name",
            details: ["step": .string(stored.name), "stored": .string(stored.kind), "requested": .string(requested)])
    }
}
