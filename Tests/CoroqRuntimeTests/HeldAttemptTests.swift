import CoroqCore
import CoroqJSON
import CoroqRuntime
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// How many times `run` was called.
private final class RunCounter: Sendable {
    let count = Mutex(0)
}

/// A timed job that counts the calls to `run`, and waits on the test's clock there.
private struct WaitJob: TimedJob {
    struct Arguments: Codable, Sendable { var seconds: Double }
    let name = "wait"
    let runs: RunCounter
    let clock: ManualClock

    func readyTime(_ arguments: Arguments, firstStartedAt: Date) -> Date {
        firstStartedAt.addingTimeInterval(arguments.seconds)
    }

    func output(_ arguments: Arguments) -> Double {
        arguments.seconds
    }

    func run(_ arguments: Arguments, context: JobContext) async throws -> Double {
        runs.count.withLock { $0 += 1 }
        try await clock.sleep(until: readyTime(arguments, firstStartedAt: context.firstStartedAt))
        return output(arguments)
    }
}

/// First attempts of timed jobs wait in the scheduler's timer heap, not as suspended tasks, and their
/// outcome is recorded at the ready time without `run`. A cancel (through `run`) or a shutdown reaches them.
@Suite(.timeLimit(.minutes(1)))
struct HeldAttemptTests {
    let store: any TaskStore = InMemoryTaskStore()
    let completions = Completions()
    private let runs = RunCounter()
    let clock = ManualClock()

    func makeScheduler(grace: Duration = .seconds(5)) -> Scheduler {
        var registry = JobRegistry()
        registry.register(WaitJob(runs: runs, clock: clock))
        let sink = completions.sink
        return Scheduler(
            store: store, registry: registry, configuration: .init(shutdownGrace: grace), logger: Logger(label: "test"),
            clock: clock
        ) { sink.yield($0) }
    }

    func waits(_ seconds: [Double]) -> [NewTask] {
        seconds.map { NewTask(job: "wait", arguments: ["seconds": .double($0)]) }
    }

    @Test func aWaitFinishesAtItsTimeWithoutRunning() async throws {
        let scheduler = makeScheduler()
        // More than `releasedAtOnce` come due together: the rest are recorded as the first ones end.
        let durations = (0..<6000).map { $0 < 5000 ? 1.0 : 1.2 }
        let start = clock.now()
        _ = try await store.submit(waits(durations), at: start)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            #expect(await scheduler.ping())  // every task is claimed and held
            let held = try await store.countsByState()
            #expect(held == [.running: 6000])
            clock.advance(by: 1.0)
            let first = await completions.next(5000)
            #expect(Set(first.map(\.id.rawValue)) == Set(1...5000))
            let counts = try await store.countsByState()
            #expect(counts == [.running: 1000, .succeeded: 5000])
            clock.advance(by: 0.2)
            let finished = first + (await completions.next(1000))
            #expect(finished.allSatisfy { $0.state == .succeeded })
            for record in finished {
                let seconds = durations[Int(record.id.rawValue) - 1]
                #expect(record.result == .double(seconds))
                #expect(record.finishedAt == start.addingTimeInterval(seconds), "task \(record.id)")
            }
            group.cancelAll()
        }
        #expect(runs.count.withLock { $0 } == 0)
    }

    /// After a restart the wait goes on from its first attempt's start, still held (no `run`).
    @Test func aRetriedWaitIsHeldUntilItsFirstDeadline() async throws {
        let firstStart = clock.now()
        _ = try await store.submit(waits([1.5, 1.5]), at: firstStart)
        _ = try await store.claim(limit: 2, at: firstStart)
        clock.advance(by: 1)
        _ = try await store.startBoot(at: clock.now())  // a restart: both back in the queue, attempt 1 cut off
        let scheduler = makeScheduler()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            #expect(await scheduler.ping())
            await clock.sleeper(until: firstStart.addingTimeInterval(1.5))
            clock.advance(by: 0.5)
            let finished = await completions.next(2).sorted { $0.id < $1.id }
            #expect(finished.map(\.state) == [.succeeded, .succeeded])
            #expect(finished.map(\.attempts) == [2, 2])
            #expect(finished[0].finishedAt == firstStart.addingTimeInterval(1.5))
            group.cancelAll()
        }
        #expect(runs.count.withLock { $0 } == 0, "both were held")
    }

    @Test func aCancelReachesAHeldWaitAtOnce() async throws {
        let scheduler = makeScheduler()
        _ = try await store.submit(waits([3600, 0.05]), at: clock.now())
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            #expect(await scheduler.ping())  // the loop claimed both before answering
            let cancelled = try await scheduler.cancel(TaskID(1), reason: "changed my mind")
            #expect(cancelled.state == .cancelled)
            clock.advance(by: 0.05)
            let finished = await completions.next(2).sorted { $0.id < $1.id }
            #expect(finished.map(\.state) == [.cancelled, .succeeded])
            group.cancelAll()
        }
        #expect(runs.count.withLock { $0 } == 0, "the cancel was recorded without running the job")
    }

    @Test func shutdownPutsHeldWaitsBackInTheQueue() async throws {
        let scheduler = makeScheduler(grace: .seconds(5))
        _ = try await store.submit(waits([3600, 3600]), at: clock.now())
        let group = ServiceGroup(configuration: .init(services: [scheduler], logger: Logger(label: "test")))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            #expect(await scheduler.ping())
            let counts = try await store.countsByState()
            #expect(counts == [.running: 2])
            await group.triggerGracefulShutdown()
            await clock.sleeper(until: clock.now().addingTimeInterval(5))
            clock.advance(by: 5)
        }
        let records = try await store.tasks([TaskID(1), TaskID(2)])
        #expect(records.map(\.state) == [.queued, .queued])
        #expect(records.map(\.attempts) == [1, 1])
        #expect(runs.count.withLock { $0 } == 0)
    }
}
