import CoroqCore
import CoroqJSON
import CoroqStore
import Foundation
import Testing

/// Values sent to tasks and progress reports (`MessageStore`, `ProgressStore`), against both stores.
@Suite struct MessageStoreConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    func make(_ kind: StoreKind) throws -> any TaskStore & MessageStore & ProgressStore {
        switch kind {
        case .memory: InMemoryTaskStore()
        case .sqlite: try SQLiteTaskStore.open(path: TemporaryDirectory.shared.path + "/\(UUID().uuidString).db")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func valuesAreTakenInOrderOnceEachAndReplayedByReceiveNumber(kind: StoreKind) async throws {
        let store = try make(kind)
        _ = try await store.submit([NewTask(job: "exec"), NewTask(job: "exec")], at: t0)
        #expect(try await store.takeMessage(TaskID(1), receive: 1, at: t0) == nil)
        #expect(try await store.send(TaskID(1), value: ["n": 1], at: t0) == .stored(sequence: 1))
        #expect(try await store.send(TaskID(1), value: "two", at: t0) == .stored(sequence: 2))
        #expect(try await store.send(TaskID(2), value: 3, at: t0) == .stored(sequence: 1), "a sequence per task")
        #expect(try await store.takeMessage(TaskID(1), receive: 1, at: t0) == ["n": 1])
        // A re-run's first receive gets the same value; the second takes the next one.
        #expect(try await store.takeMessage(TaskID(1), receive: 1, at: t0) == ["n": 1])
        #expect(try await store.takeMessage(TaskID(1), receive: 2, at: t0) == "two")
        #expect(try await store.takeMessage(TaskID(1), receive: 3, at: t0) == nil, "every value taken once")
        #expect(try await store.takeMessage(TaskID(2), receive: 1, at: t0) == 3)
    }

    @Test(arguments: StoreKind.allCases)
    func aFinishedTaskTakesNoValueAndAnUnknownOneIsNotFound(kind: StoreKind) async throws {
        let store = try make(kind)
        _ = try await store.submit([NewTask(job: "noop")], at: t0)
        _ = try await store.finish(TaskID(1), outcome: .cancelled(reason: "test"), at: t0)
        #expect(try await store.send(TaskID(1), value: 1, at: t0) == .taskFinished(.cancelled))
        #expect(try await store.takeMessage(TaskID(1), receive: 1, at: t0) == nil)
        await #expect(throws: TaskStoreError.notFound(TaskID(9))) {
            _ = try await store.send(TaskID(9), value: 1, at: t0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theLatestProgressReportIsKeptForTasksThatExist(kind: StoreKind) async throws {
        let store = try make(kind)
        _ = try await store.submit([NewTask(job: "exec")], at: t0)
        try await store.recordProgress([TaskID(1): TaskProgress(fraction: 0.2, note: "a", updatedAt: t0)])
        try await store.recordProgress([
            TaskID(1): TaskProgress(fraction: nil, note: "b", updatedAt: t0 + 1),
            TaskID(7): TaskProgress(fraction: 1, note: nil, updatedAt: t0),  // no such task: dropped
        ])
        let found = try await store.progress(of: [TaskID(1), TaskID(7)])
        #expect(found == [TaskID(1): TaskProgress(fraction: nil, note: "b", updatedAt: t0 + 1)])
    }
}
