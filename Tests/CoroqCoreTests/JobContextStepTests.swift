import CoroqCore
import CoroqJSON
import Foundation
import Logging
import Testing

/// `JobContext.step` over the reference store: a completed step runs once per task, whatever the attempt.
@Suite struct JobContextStepTests {
    let store = InMemoryTaskStore()

    func makeContext(attempt: Int) async throws -> JobContext {
        if await store.task(TaskID(1)) == nil {
            _ = try await store.submit([NewTask(job: "steps")], at: Date())
        }
        return JobContext(taskID: TaskID(1), attempt: attempt, logger: Logger(label: "test"), checkpoints: store)
    }

    @Test func aCompletedStepReturnsItsStoredResultOnTheNextAttempt() async throws {
        var runs = 0
        let first = try await makeContext(attempt: 1)
        let fetched = try await first.step("fetch") { runs += 1; return ["a", "b"] }
        #expect(fetched == ["a", "b"] && runs == 1)
        let second = try await makeContext(attempt: 2)
        let replayed = try await second.step("fetch") { () -> [String] in runs += 1; return ["other"] }
        #expect(replayed == ["a", "b"] && runs == 1, "a completed step must not run again")
        let stored = try #require(try await store.step(TaskID(1), name: "fetch"))
        #expect(stored.attempt == 1 && stored.result == ["a", "b"] && stored.kind == String(reflecting: [String].self))
        #expect(stored.startedAt <= stored.finishedAt)
    }

    @Test func aStepThatThrowsIsNotStoredAndRunsAgain() async throws {
        struct Flaky: Error {}
        let first = try await makeContext(attempt: 1)
        await #expect(throws: Flaky.self) {
            try await first.step("load") { () throws -> Int in throw Flaky() }
        }
        #expect(try await store.step(TaskID(1), name: "load") == nil)
        let second = try await makeContext(attempt: 2)
        #expect(try await second.step("load") { 42 } == 42)
        #expect(try await store.steps(of: TaskID(1)).map(\.name) == ["load"])
    }

    @Test func aNameReusedWithAnotherTypeIsATypedError() async throws {
        let context = try await makeContext(attempt: 1)
        _ = try await context.step("count") { 3 }
        #expect(try await context.step("count") { 99 } == 3, "the same name and type: the stored result")
        let error = await #expect(throws: TaskError.self) {
            try await context.step("count") { "three" }
        }
        #expect(error?.code == "step_type_mismatch")
        #expect(error?.message.contains("step 'count'") == true)
    }

    @Test func stepsAreListedInTheOrderTheyCompleted() async throws {
        let context = try await makeContext(attempt: 1)
        for name in ["c", "a", "b"] {
            _ = try await context.step(name) { name }
        }
        #expect(try await store.steps(of: TaskID(1)).map(\.name) == ["c", "a", "b"])
    }
}
