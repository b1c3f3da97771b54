import CoroqCore
import CoroqJSON
import Foundation
import Testing

/// Futures and `--after` dependencies in the `TaskStore` contract, against both stores: a dependent is
/// never claimed while blocked, and is settled by the very call that records its last dependency's outcome.
@Suite struct DependencyStoreConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test(arguments: StoreKind.allCases)
    func aFutureIsPendingNeverClaimedAndResolvesOnce(kind: StoreKind) async throws {
        let store = try kind.make()
        let future = try await store.submit([StandaloneFuture.new(name: "approval")], at: t0)[0]
        #expect(future.state == .pending && future.isFuture && future.arguments == ["name": "approval"])
        #expect(try await store.claim(limit: 10, at: t0).isEmpty)
        let resolved = try await store.finish(future.id, outcome: .succeeded(42), at: t0 + 1)
        #expect(resolved.state == .succeeded && resolved.result == 42 && resolved.attempts == 0)
        await #expect(throws: TaskTransitionError(from: .succeeded, event: .fail)) {
            try await store.finish(future.id, outcome: .failed(StandaloneFuture.failure("late")), at: t0 + 2)
        }
        #expect(try await store.countsByState() == [.succeeded: 1])
    }

    @Test(arguments: StoreKind.allCases)
    func aBlockedTaskIsReleasedByItsLastDependencyInTheSameCall(kind: StoreKind) async throws {
        let store = try kind.make()
        let futures = try await store.submit([StandaloneFuture.new(name: nil), StandaloneFuture.new(name: nil)], at: t0)
        let dependent = try await store.submit(
            [NewTask(job: "noop", after: TaskDependencies(ids: futures.map(\.id)))], at: t0)[0]
        #expect(dependent.state == .blocked)
        #expect(try await store.dependencies(of: dependent.id) == futures.map(\.id))
        #expect(try await store.unfinishedTaskIDs() == [dependent.id], "wait --all: a blocked task, not a pending future")
        _ = try await store.finish(futures[0].id, outcome: .succeeded(1), at: t0)
        #expect(await store.takeSettledDependents().isEmpty)
        #expect(try await store.claim(limit: 10, at: t0).isEmpty, "a blocked task is claimed")
        _ = try await store.finish(futures[1].id, outcome: .succeeded(2), at: t0)
        #expect(await store.takeSettledDependents().map(\.id) == [dependent.id])
        #expect(await store.takeSettledDependents().isEmpty, "taken once")
        #expect(try await store.task(dependent.id)?.state == .queued)
        #expect(try await store.dependencies(of: dependent.id).isEmpty)
        #expect(try await store.claim(limit: 10, at: t0).map(\.id) == [dependent.id])
    }

    @Test(arguments: StoreKind.allCases)
    func aFailureCancelsDependentsUnderSucceededAndTheirsInTurn(kind: StoreKind) async throws {
        let store = try kind.make()
        let failing = try await store.submit([NewTask(job: "noop")], at: t0)[0]
        let other = try await store.submit([StandaloneFuture.new(name: nil)], at: t0)[0]
        let strict = try await store.submit(
            [NewTask(job: "noop", onDone: "echo", after: TaskDependencies(ids: [failing.id, other.id]))], at: t0)[0]
        let lenient = try await store.submit(
            [NewTask(job: "noop", after: TaskDependencies(ids: [failing.id], policy: .finished))], at: t0)[0]
        let chained = try await store.submit([NewTask(job: "noop", after: TaskDependencies(ids: [strict.id]))], at: t0)[0]
        let claimed = try await store.claim(limit: 10, at: t0)
        #expect(claimed.map(\.id) == [failing.id])
        _ = try await store.finish(claimedBatch: [(claimed[0], .failed(TaskError(code: "x", message: "y")))], at: t0 + 1)
        let settled = await store.takeSettledDependents()
        #expect(Set(settled.map(\.id)) == [strict.id, lenient.id, chained.id])
        let strictNow = try #require(try await store.task(strict.id))
        #expect(strictNow.state == .cancelled && strictNow.error?.message == "dependency \(failing.id) failed")
        #expect(strictNow.finishedAt == t0 + 1)
        #expect(try await store.pendingCallbacks().map(\.id) == [strict.id], "its on-done is owed, like any outcome")
        #expect(try await store.task(chained.id)?.error?.message == "dependency \(strict.id) was cancelled")
        #expect(try await store.task(lenient.id)?.state == .queued)
    }

    @Test(arguments: StoreKind.allCases)
    func dependenciesFinishedBeforeTheSubmitCountAtOnce(kind: StoreKind) async throws {
        let store = try kind.make()
        let future = try await store.submit([StandaloneFuture.new(name: nil)], at: t0)[0]
        _ = try await store.finish(future.id, outcome: .cancelled(reason: "no"), at: t0)
        let submitted = try await store.submit([
            NewTask(job: "noop", after: TaskDependencies(ids: [future.id])),
            NewTask(job: "noop", after: TaskDependencies(ids: [future.id], policy: .finished)),
        ], at: t0 + 1)
        #expect(submitted.map(\.state) == [.cancelled, .queued])
        #expect(await store.takeSettledDependents().map(\.state) == [.cancelled, .queued])
    }

    @Test(arguments: StoreKind.allCases)
    func anUnknownDependencyStoresNothing(kind: StoreKind) async throws {
        let store = try kind.make()
        _ = try await store.submit([NewTask(job: "noop")], at: t0)
        await #expect(throws: UnknownDependencyError(index: 1, ids: [TaskID(7)])) {
            try await store.submit([
                NewTask(job: "noop"), NewTask(job: "noop", after: TaskDependencies(ids: [TaskID(1), TaskID(7)])),
            ], at: t0)
        }
        #expect(try await store.recentTaskIDs(limit: 10) == [TaskID(1)])
    }

    @Test(arguments: StoreKind.allCases)
    func cancellingABlockedTaskDropsItsEdges(kind: StoreKind) async throws {
        let store = try kind.make()
        let future = try await store.submit([StandaloneFuture.new(name: nil)], at: t0)[0]
        let blocked = try await store.submit([NewTask(job: "noop", after: TaskDependencies(ids: [future.id]))], at: t0)[0]
        _ = try await store.finish(blocked.id, outcome: .cancelled(reason: "changed my mind"), at: t0)
        #expect(try await store.dependencies(of: blocked.id).isEmpty)
        _ = try await store.finish(future.id, outcome: .succeeded(1), at: t0)
        #expect(await store.takeSettledDependents().isEmpty)
        #expect(try await store.task(blocked.id)?.error?.message == "changed my mind")
    }
}
