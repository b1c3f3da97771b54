import CoroqCore
import CoroqJSON
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// How many times `run` was called.
private final class RunCounter: Sendable {
    let count = Mutex(0)
}

/// A timed job that counts the calls to `run`.
private struct WaitJob: TimedJob {
    struct Arguments: Codable, Sendable { var seconds: Double }
    let name = "wait"
    let runs: RunCounter

    func readyTime(_ arguments: Arguments, firstStartedAt: Date) -> Date {
        firstStartedAt.addingTimeInterval(arguments.seconds)
    }

    func output(_ arguments: Arguments) -> Double {
        arguments.seconds
    }

    func run(_ arguments: Arguments, context: JobContext) async throws -> Double {
        runs.count.withLock { $0 += 1 }
        let remaining = readyTime(arguments, firstStartedAt: context.firstStartedAt).timeIntervalSinceNow
        if remaining > 0 { try await Task.sleep(for: .seconds(remaining)) }
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

    func makeScheduler(grace: Duration = .seconds(5)) -> Scheduler {
        var registry = JobRegistry()
        registry.register(WaitJob(runs: runs))
        let sink = completions.sink
        return Scheduler(
            store: store, registry: registry, configuration: .init(shutdownGrace: grace), logger: Logger(label: "test")
        ) { sink.yield($0) }
    }

    func waits(_ seconds: [Double]) -> [NewTask] {
        seconds.map { NewTask(job: "wait", arguments: ["seconds": .double($0)]) }
    }

    @Test func aWaitFinishesAtItsTimeWithoutRunning() async throws {
        let scheduler = makeScheduler()
        // More than `Scheduler.releasedAtOnce` come due together: the rest start as the first ones end.
        // Long enough that a claim delayed by a loaded machine still finds them with time to wait.
        let durations = (0..<6000).map { $0 < 5000 ? 1.0 : 1.2 }
        _ = try await store.submit(waits(durations), at: Date())
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            let finished = await completions.next(durations.count)
            #expect(finished.allSatisfy { $0.state == .succeeded })
            for record in finished {
                let seconds = durations[Int(record.id.rawValue) - 1]
                #expect(record.result == .double(seconds))
                let waited = record.finishedAt!.timeIntervalSince(record.startedAt!)
                #expect(waited >= seconds - 0.001, "task \(record.id) waited \(waited) s of \(seconds)")
            }
            group.cancelAll()
        }
        #expect(runs.count.withLock { $0 } == 0)
    }

    /// After a restart the wait goes on from its first attempt's start, still held (no `run`).
    @Test func aRetriedWaitIsHeldUntilItsFirstDeadline() async throws {
        let firstStart = Date()
        _ = try await store.submit(waits([1.5, 1.5]), at: firstStart)
        _ = try await store.claim(limit: 2, at: firstStart)
        _ = try await store.startBoot(at: Date())  // a restart: both back in the queue, attempt 1 cut off
        let scheduler = makeScheduler()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            let finished = await completions.next(2).sorted { $0.id < $1.id }
            #expect(finished.map(\.state) == [.succeeded, .succeeded])
            #expect(finished.map(\.attempts) == [2, 2])
            #expect(finished[0].finishedAt!.timeIntervalSince(firstStart) >= 1.5 - 0.001)
            group.cancelAll()
        }
        #expect(runs.count.withLock { $0 } == 0, "both were held")
    }

    @Test func aCancelReachesAHeldWaitAtOnce() async throws {
        let scheduler = makeScheduler()
        _ = try await store.submit(waits([3600, 0.05]), at: Date())
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            #expect(await scheduler.ping())  // the loop claimed both before answering
            let cancelled = try await scheduler.cancel(TaskID(1), reason: "changed my mind")
            #expect(cancelled.state == .cancelled)
            let finished = await completions.next(2).sorted { $0.id < $1.id }
            #expect(finished.map(\.state) == [.cancelled, .succeeded])
            group.cancelAll()
        }
        #expect(runs.count.withLock { $0 } == 0, "the cancel was recorded without running the job")
    }

    @Test func shutdownPutsHeldWaitsBackInTheQueue() async throws {
        let scheduler = makeScheduler(grace: .milliseconds(50))
        _ = try await store.submit(waits([3600, 3600]), at: Date())
        let group = ServiceGroup(configuration: .init(services: [scheduler], logger: Logger(label: "test")))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            #expect(await scheduler.ping())
            let counts = try await store.countsByState()
            #expect(counts == [.running: 2])
            await group.triggerGracefulShutdown()
        }
        let records = try await store.tasks([TaskID(1), TaskID(2)])
        #expect(records.map(\.state) == [.queued, .queued])
        #expect(records.map(\.attempts) == [1, 1])
        #expect(runs.count.withLock { $0 } == 0)
    }
}
