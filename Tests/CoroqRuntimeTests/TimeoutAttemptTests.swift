import CoroqCore
import CoroqJSON
import CoroqRuntime
import Foundation
import Logging
import Testing

/// Sleeps durably (`JobContext.sleep(for:)`): a parked attempt.
private struct ParkingSleepJob: JobDefinition {
    let name = "parking-sleep"

    struct Arguments: Codable, Sendable { var seconds: Double }

    func run(_ arguments: Arguments, context: JobContext) async throws -> Int {
        try await context.sleep(for: .milliseconds(Int64(arguments.seconds * 1000)))
        return 1
    }
}

/// Runs until cancelled: a running attempt that only a timeout (or a cancel) ends.
private struct ForeverJob: JobDefinition {
    let name = "forever"

    func run(_ arguments: JSONValue, context: JobContext) async throws -> Int {
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}

/// A timed job (held in the timer heap until its ready time).
private struct HeldSleepJob: TimedJob {
    struct Arguments: Codable, Sendable { var seconds: Double }
    let name = "held-sleep"

    func readyTime(_ arguments: Arguments, firstStartedAt: Date) -> Date {
        firstStartedAt.addingTimeInterval(arguments.seconds)
    }

    func output(_ arguments: Arguments) -> Double { arguments.seconds }

    func run(_ arguments: Arguments, context: JobContext) async throws -> Double {
        throw TaskError(code: "unexpected", message: "a held job's run is never called")
    }
}

/// `--timeout` performed by the executor: running, parked and held attempts time out on the scheduler's
/// clock (moved by the test), recorded as failed with code `timeout`.
@Suite(.timeLimit(.minutes(1)))
struct TimeoutAttemptTests {
    let store = InMemoryTaskStore()
    let completions = Completions()
    let clock = ManualClock()

    func makeScheduler() -> Scheduler {
        var registry = JobRegistry()
        registry.register(ParkingSleepJob())
        registry.register(ForeverJob())
        registry.register(HeldSleepJob())
        let sink = completions.sink
        return Scheduler(
            store: store, registry: registry, configuration: .init(concurrencyLimit: 4, claimBatchSize: 4),
            logger: Logger(label: "test"), clock: clock
        ) { sink.yield($0) }
    }

    /// A running attempt (`forever`), a parked one (`parking-sleep`) and a held one (`held-sleep`).
    @Test(arguments: ["forever", "parking-sleep", "held-sleep"])
    func anAttemptPastItsTimeoutFailsWithTimeout(job: String) async throws {
        let arguments: JSONValue = job == "forever" ? .emptyObject : ["seconds": .double(60)]
        let scheduler = makeScheduler()
        let t0 = clock.now()
        _ = try await store.submit([NewTask(job: job, arguments: arguments, timeout: 5)], at: t0)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            // The scheduler's one timer, armed for the deadline (the parked sleep has its own at 60 s).
            await clock.sleeper(until: t0 + 5)
            #expect(try await store.task(TaskID(1))?.state == .running)
            clock.advance(by: 5)
            let finished = await completions.next(1)
            #expect(finished.map(\.state) == [.failed])
            #expect(finished.first?.error?.code == "timeout")
            #expect(finished.first?.error?.message == "timed out after 5s")
            group.cancelAll()
        }
    }

    @Test func anAttemptThatEndsInTimeIsNotTimedOut() async throws {
        let scheduler = makeScheduler()
        let t0 = clock.now()
        _ = try await store.submit([NewTask(job: "parking-sleep", arguments: ["seconds": .double(2)], timeout: 5)], at: t0)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            await clock.sleeper(until: t0 + 2)
            clock.advance(by: 2)
            #expect(await completions.next(1).map(\.state) == [.succeeded])
            group.cancelAll()
        }
    }
}
