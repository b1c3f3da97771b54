import CoroqCore
import CoroqJSON
import CoroqRuntime
import Foundation
import Logging
import Testing

private struct AlwaysFailing: JobDefinition {
    let name = "always-failing"
    func run(_ arguments: JSONValue, context: JobContext) async throws -> Int {
        throw TaskError(code: "boom", message: "attempt \(context.attempt) broke")
    }
}

private struct Quick: JobDefinition {
    let name = "quick"
    func run(_ arguments: JSONValue, context: JobContext) async throws -> Int { context.attempt }
}

/// Delays and back-offs run by the executor on a manual clock: an hour's back-off is tested without
/// waiting, and the clock moves only when the test says so.
@Suite(.timeLimit(.minutes(1)))
struct SchedulerDelayRuntimeTests {
    let store: any TaskStore = InMemoryTaskStore()
    let completions = Completions()
    let clock = ManualClock()

    func makeScheduler() -> Scheduler {
        var registry = JobRegistry()
        registry.register(AlwaysFailing())
        registry.register(Quick())
        let sink = completions.sink
        return Scheduler(
            store: store, registry: registry, configuration: .init(concurrencyLimit: 4, claimBatchSize: 3),
            logger: Logger(label: "test"), clock: clock
        ) { sink.yield($0) }
    }

    @Test func backOffWaitsFollowThePolicyAndOnlyTheFinalOutcomeIsDelivered() async throws {
        let scheduler = makeScheduler()
        let t0 = clock.now()
        let policy = RetryPolicy(retries: 2, backoff: .exponential, base: 10, cap: 3600)
        _ = try await store.submit([NewTask(job: "always-failing", retryPolicy: policy)], at: t0)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            // Attempt 1 fails at t0: back-off 10 s, the timer armed for it.
            await clock.sleeper(until: t0 + 10)
            var task = try #require(try await store.task(TaskID(1)))
            #expect(task.state == .scheduled && task.runAt == t0 + 10 && task.attempts == 1)
            clock.advance(by: 9)
            #expect(try await store.task(TaskID(1))?.state == .scheduled, "not before its time")
            clock.advance(by: 1)
            // Attempt 2 fails at t0 + 10: back-off 20 s.
            await clock.sleeper(until: t0 + 30)
            task = try #require(try await store.task(TaskID(1)))
            #expect(task.state == .scheduled && task.runAt == t0 + 30 && task.attempts == 2)
            clock.advance(by: 20)
            let finished = await completions.next(1)
            #expect(finished.map(\.state) == [.failed] && finished.first?.attempts == 3)
            #expect(finished.first?.error?.message == "attempt 3 broke")
            let attempts = try await store.attempts(of: TaskID(1))
            #expect(attempts.map(\.startedAt) == [t0, t0 + 10, t0 + 30])
            #expect(attempts.map(\.outcome) == [.failed, .failed, .failed])
            group.cancelAll()
        }
    }

    @Test func aDelayedTaskLeftByAnEarlierDaemonRunsAtItsTimeNotBefore() async throws {
        let t0 = clock.now()
        _ = try await store.submit([NewTask(job: "quick", runAt: t0 + 60), NewTask(job: "quick", runAt: t0 - 5)], at: t0 - 10)
        let scheduler = makeScheduler()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            // The one due already runs at once; the other arms the timer.
            #expect(await completions.next(1).map(\.id) == [TaskID(2)])
            await clock.sleeper(until: t0 + 60)
            let waiting = try await store.task(TaskID(1))
            #expect(waiting?.state == .scheduled)
            clock.advance(by: 60)
            let finished = await completions.next(1)
            #expect(finished.map(\.id) == [TaskID(1)] && finished.first?.state == .succeeded)
            let attempts = try await store.attempts(of: TaskID(1))
            #expect(attempts.first?.startedAt == t0 + 60)
            group.cancelAll()
        }
    }

    @Test func aSubmitOfAnEarlierTaskRearmsTheTimer() async throws {
        let scheduler = makeScheduler()
        let t0 = clock.now()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            _ = try await store.submit([NewTask(job: "quick", runAt: t0 + 3600)], at: t0)
            scheduler.scheduled(at: t0 + 3600)
            await clock.sleeper(until: t0 + 3600)
            _ = try await store.submit([NewTask(job: "quick", runAt: t0 + 5)], at: t0)
            scheduler.scheduled(at: t0 + 5)
            await clock.sleeper(until: t0 + 5)
            clock.advance(by: 5)
            #expect(await completions.next(1).map(\.id) == [TaskID(2)])
            #expect(try await store.task(TaskID(1))?.state == .scheduled)
            group.cancelAll()
        }
    }
}
