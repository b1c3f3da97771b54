import CoroqCore
import CoroqJSON
import Foundation
import Testing

/// The steps part of the `TaskStore` contract (`JobContext.step`, `coroq step`), against both stores.
@Suite struct StepStoreConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    func step(_ task: Int64, _ name: String, result: JSONValue = 0, kind: String = StepRecord.exitStatusKind, attempt: Int = 1) -> StepRecord {
        StepRecord(taskID: TaskID(task), name: name, kind: kind, result: result, attempt: attempt,
                   startedAt: t0 + 1, finishedAt: t0 + 2.5)
    }

    @Test(arguments: StoreKind.allCases)
    func aRecordedStepIsReadBackAsItWasStored(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "exec"), NewTask(job: "exec")], at: t0)
        #expect(try await store.step(TaskID(1), name: "fetch") == nil)
        let recorded = step(1, "fetch", result: ["rows": [1, 2]], kind: "Swift.Dictionary", attempt: 2)
        #expect(try await store.recordStep(recorded) == recorded)
        #expect(try await store.step(TaskID(1), name: "fetch") == recorded)
        #expect(try await store.step(TaskID(2), name: "fetch") == nil, "steps belong to their task")
        #expect(try await store.steps(of: TaskID(2)).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func theFirstRecordOfANameWins(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "exec")], at: t0)
        let first = step(1, "load", result: 0)
        _ = try await store.recordStep(first)
        #expect(try await store.recordStep(step(1, "load", result: 3, attempt: 2)) == first)
        #expect(try await store.steps(of: TaskID(1)) == [first])
    }

    @Test(arguments: StoreKind.allCases)
    func stepsAreListedInTheOrderTheyWereRecorded(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "exec")], at: t0)
        for name in ["zeta", "alpha", "mid"] {
            _ = try await store.recordStep(step(1, name))
        }
        #expect(try await store.steps(of: TaskID(1)).map(\.name) == ["zeta", "alpha", "mid"])
    }

    @Test(arguments: StoreKind.allCases)
    func cleaningATaskDeletesItsSteps(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "exec")], at: t0)
        _ = try await store.claim(limit: 1, at: t0)
        _ = try await store.recordStep(step(1, "fetch"))
        _ = try await store.finish(TaskID(1), outcome: .succeeded(.null), at: t0 + 3)
        #expect(try await store.clean(finishedBefore: t0 + 10, states: [.succeeded]) == [TaskID(1)])
        #expect(try await store.steps(of: TaskID(1)).isEmpty)
        #expect(try await store.step(TaskID(1), name: "fetch") == nil)
    }
}
