import CoroqCore
import CoroqJSON
import CoroqRuntime
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Attempts of the `gated` job announce that they started and then wait until the gate opens; the gate
/// also counts how many ran at once.
final class Gate: Sendable {
    let started: AsyncStream<TaskID>
    private let startedSink: AsyncStream<TaskID>.Continuation
    private struct State {
        var open = false
        var waiters: [TaskID: CheckedContinuation<Void, Never>] = [:]
        var running = 0
        var peak = 0
    }
    private let state = Mutex(State())

    init() { (started, startedSink) = AsyncStream.makeStream(of: TaskID.self) }

    var peak: Int { state.withLock(\.peak) }

    /// Counts the attempt, announces it, and returns when the gate opens or the attempt is cancelled.
    func enter(_ id: TaskID) async {
        state.withLock { state in
            state.running += 1
            state.peak = max(state.peak, state.running)
        }
        startedSink.yield(id)
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let proceed = state.withLock { state in
                    if !state.open && !Task.isCancelled { state.waiters[id] = continuation }
                    return state.open || Task.isCancelled
                }
                if proceed { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
        state.withLock { $0.running -= 1 }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until `count` attempts have started.
    func waitForStarts(_ count: Int) async {
        var seen = 0
        for await _ in started {
            seen += 1
            if seen == count { return }
        }
    }
}

private struct GatedJob: JobDefinition {
    let name = "gated"
    let gate: Gate

    func run(_ arguments: JSONValue, context: JobContext) async throws -> Int {
        await gate.enter(context.taskID)
        try Task.checkCancellation()
        return Int(context.taskID.rawValue)
    }
}

private struct FailingJob: JobDefinition {
    let name = "failing"
    func run(_ arguments: JSONValue, context: JobContext) async throws -> Int {
        throw TaskError(code: "boom", message: "it broke")
    }
}

/// Finished records, delivered by the scheduler's `onFinished`, as a stream the test awaits.
struct Completions {
    let stream: AsyncStream<TaskRecord>
    let sink: AsyncStream<TaskRecord>.Continuation

    init() { (stream, sink) = AsyncStream.makeStream(of: TaskRecord.self) }

    func next(_ count: Int) async -> [TaskRecord] {
        var records: [TaskRecord] = []
        for await record in stream {
            records.append(record)
            if records.count == count { break }
        }
        return records
    }
}

@Suite(.timeLimit(.minutes(1)))
struct SchedulerTests {
    let gate = Gate()
    let store: any TaskStore = InMemoryTaskStore()
    let completions = Completions()
    let clock = ManualClock()

    func makeScheduler(limit: Int, grace: Duration = .seconds(5)) -> Scheduler {
        var registry = JobRegistry()
        registry.register(GatedJob(gate: gate))
        registry.register(FailingJob())
        let sink = completions.sink
        return Scheduler(
            store: store, registry: registry,
            configuration: .init(concurrencyLimit: limit, claimBatchSize: 3, shutdownGrace: grace),
            logger: Logger(label: "test"), clock: clock
        ) { sink.yield($0) }
    }

    @Test func runsTasksConcurrentlyUpToTheLimit() async throws {
        let scheduler = makeScheduler(limit: 4)
        _ = try await store.submit(Array(repeating: NewTask(job: "gated"), count: 10), at: clock.now())
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            await gate.waitForStarts(4)
            let counts = try await store.countsByState()
            #expect(counts == [.running: 4, .queued: 6])
            gate.open()
            let finished = await completions.next(10)
            #expect(Set(finished.map(\.id.rawValue)) == Set(1...10))
            #expect(finished.allSatisfy { $0.state == .succeeded && $0.result == .int($0.id.rawValue) })
            group.cancelAll()
        }
        #expect(gate.peak == 4)
    }

    @Test func aSubmitWakesAnIdleScheduler() async throws {
        let scheduler = makeScheduler(limit: 8)
        gate.open()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            _ = try await store.submit([NewTask(job: "gated"), NewTask(job: "failing")], at: clock.now())
            scheduler.wake()
            let finished = await completions.next(2).sorted { $0.id < $1.id }
            #expect(finished.map(\.state) == [.succeeded, .failed])
            #expect(finished[1].error == TaskError(code: "boom", message: "it broke"))
            group.cancelAll()
        }
    }

    @Test func shutdownPutsCutOffAttemptsBackInTheQueue() async throws {
        let scheduler = makeScheduler(limit: 8, grace: .seconds(5))
        _ = try await store.submit([NewTask(job: "gated"), NewTask(job: "gated")], at: clock.now())
        let group = ServiceGroup(configuration: .init(services: [scheduler], logger: Logger(label: "test")))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            await gate.waitForStarts(2)
            await group.triggerGracefulShutdown()
            // The grace period runs on the scheduler's clock: the attempts are cut off once it is over.
            await clock.sleeper(until: clock.now().addingTimeInterval(5))
            clock.advance(by: 5)
        }
        let records = try await store.tasks([TaskID(1), TaskID(2)])
        #expect(records.map(\.state) == [.queued, .queued])
        #expect(records.map(\.attempts) == [1, 1])
        #expect(records.allSatisfy { $0.startedAt == nil && $0.error == nil })
    }
}
