import CoroqCore
import CoroqJSON
import CoroqRuntime
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// Sleeps durably for `seconds` (`JobContext.sleep(for:)`), then returns its task id.
private struct DurableSleepJob: JobDefinition {
    let name = "durable-sleep"

    struct Arguments: Codable, Sendable { var seconds: Double }

    func run(_ arguments: Arguments, context: JobContext) async throws -> Int {
        try await context.sleep(for: .milliseconds(Int64(arguments.seconds * 1000)))
        return Int(context.taskID.rawValue)
    }
}

private struct GateJob: JobDefinition {
    let name = "gated"
    let gate: Gate

    func run(_ arguments: JSONValue, context: JobContext) async throws -> Int {
        await gate.enter(context.taskID)
        try Task.checkCancellation()
        return Int(context.taskID.rawValue)
    }
}

/// The executor's side of parking (`Scheduler` as `AttemptParking`), on a clock the test moves.
@Suite(.timeLimit(.minutes(1)))
struct ParkedAttemptTests {
    let gate = Gate()
    let store = InMemoryTaskStore()
    let completions = Completions()
    let clock = ManualClock()

    func makeScheduler(limit: Int) -> Scheduler {
        var registry = JobRegistry()
        registry.register(DurableSleepJob())
        registry.register(GateJob(gate: gate))
        let sink = completions.sink
        return Scheduler(
            store: store, registry: registry, configuration: .init(concurrencyLimit: limit, claimBatchSize: 3),
            logger: Logger(label: "test"), clock: clock
        ) { sink.yield($0) }
    }

    func sleepTask(_ seconds: Double) -> NewTask {
        NewTask(job: "durable-sleep", arguments: ["seconds": .double(seconds)])
    }

    @Test func aSleepingAttemptGivesItsSlotBackAndTakesOneAgainBeforeGoingOn() async throws {
        let scheduler = makeScheduler(limit: 1)
        let t0 = clock.now()
        _ = try await store.submit([sleepTask(10), NewTask(job: "gated")], at: t0)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            // With a limit of 1, the gated task starts only because the sleeper gave its slot back.
            await gate.waitForStarts(1)
            await clock.sleeper(until: t0 + 10)
            // The sleep ends while the gated task holds the only slot: the sleeper waits for it.
            clock.advance(by: 10)
            #expect(try await store.task(TaskID(1))?.state == .running)
            gate.open()
            let finished = await completions.next(2)
            #expect(finished.map(\.id) == [TaskID(2), TaskID(1)])
            #expect(finished.allSatisfy { $0.state == .succeeded })
            group.cancelAll()
        }
        #expect(try await store.checkpointValue(TaskID(1), key: "coroq.sleep.1") == .double((t0 + 10).timeIntervalSince1970))
    }

    @Test func aReRunSleepsOnlyWhatRemainsOfTheStoredDeadline() async throws {
        let scheduler = makeScheduler(limit: 4)
        let t0 = clock.now()
        _ = try await store.submit([sleepTask(10)], at: t0)
        // As if an earlier attempt had slept 7 of its 10 seconds before a crash.
        _ = try await store.checkpoint(TaskID(1), key: "coroq.sleep.1", proposed: .double((t0 + 3).timeIntervalSince1970))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            await clock.sleeper(until: t0 + 3)
            clock.advance(by: 3)
            #expect(await completions.next(1).map(\.state) == [.succeeded])
            group.cancelAll()
        }
    }

    @Test func aCancelReachesAParkedAttempt() async throws {
        let scheduler = makeScheduler(limit: 1)
        let t0 = clock.now()
        _ = try await store.submit([sleepTask(60)], at: t0)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            await clock.sleeper(until: t0 + 60)
            let cancelled = try await scheduler.cancel(TaskID(1), reason: "no longer needed")
            #expect(cancelled.state == .cancelled)
            // Its slot is free: the next task runs at once.
            _ = try await store.submit([NewTask(job: "gated")], at: t0)
            scheduler.wake()
            await gate.waitForStarts(1)
            gate.open()
            _ = await completions.next(2)
            group.cancelAll()
        }
    }

    @Test func aShutdownCutsAParkedAttemptOffWithoutWaitingForTheGrace() async throws {
        let scheduler = makeScheduler(limit: 2)
        let t0 = clock.now()
        _ = try await store.submit([sleepTask(60)], at: t0)
        let group = ServiceGroup(configuration: .init(services: [scheduler], logger: Logger(label: "test")))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            await clock.sleeper(until: t0 + 60)
            await group.triggerGracefulShutdown()
            // No time passes: the sleeper is cut off at once, not at the end of the grace period.
        }
        let record = try await store.task(TaskID(1))
        #expect(record?.state == .queued)
        #expect(try await store.checkpointValue(TaskID(1), key: "coroq.sleep.1") == .double((t0 + 60).timeIntervalSince1970))
    }
}
