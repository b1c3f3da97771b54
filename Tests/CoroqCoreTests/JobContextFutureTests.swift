import CoroqCore
import CoroqJSON
import Foundation
import Logging
import Testing

/// `JobContext.future`: a job awaits another task's outcome, typed.
@Suite struct JobContextFutureTests {
    struct Watcher: TaskWatching {
        let records: [TaskRecord]
        func finished(_ id: TaskID) async throws -> TaskRecord {
            guard let record = records.first(where: { $0.id == id }) else { throw TaskError.unknownTask(id) }
            return record
        }
    }

    func context(_ records: [TaskRecord]) -> JobContext {
        JobContext(taskID: TaskID(100), attempt: 1, logger: Logger(label: "test"), checkpoints: InMemoryTaskStore(),
                   tasks: Watcher(records: records))
    }

    func record(_ id: Int64, _ state: TaskState, result: JSONValue? = nil, error: TaskError? = nil) -> TaskRecord {
        TaskRecord(id: TaskID(id), job: StandaloneFuture.job, arguments: .emptyObject, state: state, result: result,
                   error: error, createdAt: Date())
    }

    @Test func aSucceededFutureGivesItsValueDecoded() async throws {
        #expect(try await context([record(1, .succeeded, result: 42)]).future(TaskID(1), as: Int.self) == 42)
    }

    @Test func aFailedOrCancelledFutureThrowsATypedError() async throws {
        let failed = record(1, .failed, error: StandaloneFuture.failure("rejected"))
        let cancelled = record(2, .cancelled, error: TaskError(code: "cancelled", message: "no longer needed"))
        let jobContext = context([failed, cancelled])
        await #expect(throws: TaskError(code: "awaited_failed", message: "task 1 failed: rejected",
                                        details: ["id": 1, "error": ["code": "future_error", "message": "rejected"]])) {
            try await jobContext.future(TaskID(1), as: Int.self)
        }
        await #expect(throws: TaskError(code: "awaited_cancelled", message: "task 2 was cancelled: no longer needed",
                                        details: ["id": 2])) {
            try await jobContext.future(TaskID(2), as: Int.self)
        }
    }

    @Test func aValueOfAnotherTypeAndAnUnknownIDAreTypedErrors() async throws {
        let jobContext = context([record(1, .succeeded, result: "text")])
        await #expect(throws: TaskError.self) { try await jobContext.future(TaskID(1), as: Int.self) }
        await #expect(throws: TaskError.unknownTask(TaskID(9))) { try await jobContext.future(TaskID(9), as: Int.self) }
    }
}
