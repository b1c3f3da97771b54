import CoroqCore
import CoroqJSON
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Counts how many attempts run at once, and blocks them until released.
final class Gate: Sendable {
    let running = Atomic<Int>(0)
    let peak = Atomic<Int>(0)
    let released = Atomic<Bool>(false)
}

private struct GatedJob: JobDefinition {
    let name = "gated"
    let gate: Gate

    func run(_ arguments: JSONValue, context: JobContext) async throws -> Int {
        let now = gate.running.add(1, ordering: .relaxed).newValue
        _ = gate.peak.max(now, ordering: .relaxed)
        defer { gate.running.subtract(1, ordering: .relaxed) }
        while !gate.released.load(ordering: .relaxed) {
            try await Task.sleep(for: .milliseconds(2))
        }
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

@Suite struct SchedulerTests {
    let gate = Gate()
    let store: any TaskStore = InMemoryTaskStore()
    let completions = Completions()

    func makeScheduler(limit: Int, grace: Duration = .seconds(5)) -> Scheduler {
        var registry = JobRegistry()
        registry.register(GatedJob(gate: gate))
        registry.register(FailingJob())
        let sink = completions.sink
        return Scheduler(
            store: store, registry: registry,
            configuration: .init(concurrencyLimit: limit, claimBatchSize: 3, shutdownGrace: grace),
            logger: Logger(label: "test")
        ) { sink.yield($0) }
    }

    @Test func runsTasksConcurrentlyUpToTheLimit() async throws {
        let scheduler = makeScheduler(limit: 4)
        _ = try await store.submit(Array(repeating: NewTask(job: "gated"), count: 10), at: Date())
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            while gate.running.load(ordering: .relaxed) < 4 { try await Task.sleep(for: .milliseconds(1)) }
            #expect(try await store.countsByState()[.running] == 4)
            gate.released.store(true, ordering: .relaxed)
            let finished = await completions.next(10)
            #expect(Set(finished.map(\.id.rawValue)) == Set(1...10))
            #expect(finished.allSatisfy { $0.state == .succeeded && $0.result == .int($0.id.rawValue) })
            group.cancelAll()
        }
        #expect(gate.peak.load(ordering: .relaxed) == 4)
    }

    @Test func aSubmitWakesAnIdleScheduler() async throws {
        let scheduler = makeScheduler(limit: 8)
        gate.released.store(true, ordering: .relaxed)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await scheduler.run() }
            _ = try await store.submit([NewTask(job: "gated"), NewTask(job: "failing")], at: Date())
            scheduler.wake()
            let finished = await completions.next(2).sorted { $0.id < $1.id }
            #expect(finished.map(\.state) == [.succeeded, .failed])
            #expect(finished[1].error == TaskError(code: "boom", message: "it broke"))
            group.cancelAll()
        }
    }

    @Test func shutdownPutsCutOffAttemptsBackInTheQueue() async throws {
        let scheduler = makeScheduler(limit: 8, grace: .milliseconds(50))
        _ = try await store.submit([NewTask(job: "gated"), NewTask(job: "gated")], at: Date())
        let (trigger, triggerSink) = AsyncStream.makeStream(of: Void.self)
        let group = ServiceGroup(configuration: .init(services: [scheduler], logger: Logger(label: "test")))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                for await _ in trigger { await group.triggerGracefulShutdown() }
            }
            while gate.running.load(ordering: .relaxed) < 2 { try await Task.sleep(for: .milliseconds(1)) }
            triggerSink.yield()
            triggerSink.finish()
        }
        let records = try await store.tasks([TaskID(1), TaskID(2)])
        #expect(records.map(\.state) == [.queued, .queued])
        #expect(records.map(\.attempts) == [1, 1])
    }
}
