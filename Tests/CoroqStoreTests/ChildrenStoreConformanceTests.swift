import CoroqCore
import CoroqJSON
import Foundation
import Testing

/// The children and cancel-request part of the `TaskStore` contract, against both stores.
@Suite struct ChildrenStoreConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    /// A store with task 1 running (the parent).
    private func storeWithRunningParent(_ kind: StoreKind) async throws -> any TaskStore {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "exec")], at: t0)
        _ = try await store.claim(limit: 1, at: t0)
        return store
    }

    @Test(arguments: StoreKind.allCases)
    func aSpawnUnderAKeyTheParentHasGivesTheSameChildBack(kind: StoreKind) async throws {
        let store = try await storeWithRunningParent(kind)
        let first = try await store.spawn(NewTask(job: "noop", arguments: ["n": 1]), parent: TaskID(1), key: "#1", at: t0)
        #expect(first.created && first.child.parentID == TaskID(1) && first.child.state == .queued)
        let again = try await store.spawn(NewTask(job: "noop", arguments: ["n": 1]), parent: TaskID(1), key: "#1", at: t0 + 1)
        #expect(!again.created && again.child.id == first.child.id)
        let second = try await store.spawn(NewTask(job: "noop"), parent: TaskID(1), key: "#2", at: t0)
        #expect(second.created && second.child.id != first.child.id)
        #expect(try await store.children(of: TaskID(1)).map(\.id) == [first.child.id, second.child.id])
        #expect(try await store.task(first.child.id)?.parentID == TaskID(1), "the link is read back")
        #expect(try await store.childIDs(of: [TaskID(1), first.child.id]) == [TaskID(1): [first.child.id, second.child.id]])
    }

    @Test(arguments: StoreKind.allCases)
    func onlyARunningParentSpawns(kind: StoreKind) async throws {
        let store = try await storeWithRunningParent(kind)
        _ = try await store.finish(TaskID(1), outcome: .succeeded(.null), at: t0)
        await #expect(throws: TaskError.parentNotRunning(TaskID(1), state: .succeeded, cancelling: false)) {
            try await store.spawn(NewTask(job: "noop"), parent: TaskID(1), key: "#1", at: t0)
        }
        #expect(try await store.recentTasks(limit: 10).count == 1, "nothing was stored")
    }

    @Test(arguments: StoreKind.allCases)
    func aCancelRequestReachesEveryUnfinishedDescendantAndStopsSpawns(kind: StoreKind) async throws {
        let store = try await storeWithRunningParent(kind)
        let child = try await store.spawn(NewTask(job: "exec"), parent: TaskID(1), key: "#1", at: t0).child
        let done = try await store.spawn(NewTask(job: "noop"), parent: TaskID(1), key: "#2", at: t0).child
        _ = try await store.claim(limit: 2, at: t0)
        _ = try await store.finish(done.id, outcome: .succeeded(.null), at: t0)
        let grandchild = try await store.spawn(NewTask(job: "noop"), parent: child.id, key: "#1", at: t0).child
        let requests = try await store.requestCancel(TaskID(1), reason: "enough", at: t0)
        #expect(requests == [
            CancelRequest(id: TaskID(1), reason: "enough"),
            CancelRequest(id: child.id, reason: "parent 1 cancelled: enough"),
            CancelRequest(id: grandchild.id, reason: "parent \(child.id) cancelled: enough"),
        ])
        await #expect(throws: TaskError.parentNotRunning(TaskID(1), state: .running, cancelling: true)) {
            try await store.spawn(NewTask(job: "noop"), parent: TaskID(1), key: "#3", at: t0)
        }
        #expect(try await store.descendants(of: TaskID(1), limit: 10).map(\.id) == [child.id, done.id, grandchild.id])
    }

    @Test(arguments: StoreKind.allCases)
    func startUpRecordsATaskWithACancelRequestCancelledInsteadOfRunningItAgain(kind: StoreKind) async throws {
        let store = try await storeWithRunningParent(kind)
        let child = try await store.spawn(NewTask(job: "noop"), parent: TaskID(1), key: "#1", at: t0).child
        _ = try await store.submit([NewTask(job: "exec")], at: t0)  // running at the crash, no cancel: requeued
        _ = try await store.claim(limit: 2, at: t0)  // the child and task 3
        _ = try await store.requestCancel(TaskID(1), reason: "enough", at: t0)
        let recovery = try await store.startBoot(at: t0 + 5)
        #expect(recovery.cancelled == [TaskID(1), child.id])
        #expect(recovery.requeued == [TaskID(3)])
        let parent = try #require(try await store.task(TaskID(1)))
        #expect(parent.state == .cancelled && parent.error?.message == "enough" && parent.attempts == 1)
        #expect(try await store.attempts(of: TaskID(1)).last?.outcome == .cancelled)
        #expect(try await store.task(child.id)?.error?.message == "parent 1 cancelled: enough")
        await #expect(throws: TaskTransitionError(from: .cancelled, event: .cancel)) {
            try await store.requestCancel(TaskID(1), reason: "again", at: t0)
        }
    }
}
