import CoroqCore
import CoroqJSON
import Foundation
import Logging
import Synchronization
import Testing

/// A job that leaves something behind a crash: it notes which tasks it was asked to clean up after, and
/// reports a process group for the tasks it has one for.
private struct LeavesProcessesJob: JobDefinition {
    let name = "leaves-processes"
    let cleanedUp = CleanUps()
    let orphans: [TaskID: Int32]

    func run(_ arguments: JSONValue, context: JobContext) async throws -> JSONValue { .null }

    func cleanUpAfterCrash(requeued tasks: [TaskRecord], checkpoints: any CheckpointStore, logger: Logger) async {
        cleanedUp.calls.withLock { $0.append(tasks.map(\.id)) }
    }

    func orphanedProcessGroup(of task: TaskRecord, checkpoints: any CheckpointStore) async -> Int32? {
        orphans[task.id]
    }
}

/// The task ids of each clean-up call.
private final class CleanUps: Sendable {
    let calls = Mutex<[[TaskID]]>([])
}

/// A job that keeps the defaults.
private struct PlainJob: JobDefinition {
    let name = "plain"
    func run(_ arguments: JSONValue, context: JobContext) async throws -> JSONValue { .null }
}

/// The server reaches a job's crash clean-up only through the registry, which hands each job its own tasks.
@Suite struct JobRegistryCrashHookTests {
    let store = InMemoryTaskStore()
    let logger = Logger(label: "test")

    static func task(_ id: Int64, _ job: String) -> TaskRecord {
        TaskRecord(id: TaskID(id), job: job, arguments: .emptyObject, state: .queued, attempts: 1, createdAt: Date())
    }

    @Test func eachJobCleansUpAfterItsOwnTasksOnly() async {
        let job = LeavesProcessesJob(orphans: [:])
        var registry = JobRegistry()
        registry.register(job)
        registry.register(PlainJob())
        let tasks = [Self.task(1, "leaves-processes"), Self.task(2, "plain"), Self.task(3, "leaves-processes"),
                     Self.task(4, "unknown")]
        await registry.cleanUpAfterCrash(requeued: tasks, checkpoints: store, logger: logger)
        #expect(job.cleanedUp.calls.withLock { $0 } == [[TaskID(1), TaskID(3)]])
    }

    @Test func anOrphanedProcessGroupIsAskedOfTheTasksJob() async {
        var registry = JobRegistry()
        registry.register(LeavesProcessesJob(orphans: [TaskID(1): 4242]))
        registry.register(PlainJob())
        #expect(await registry.orphanedProcessGroup(of: Self.task(1, "leaves-processes"), checkpoints: store) == 4242)
        #expect(await registry.orphanedProcessGroup(of: Self.task(2, "leaves-processes"), checkpoints: store) == nil)
        #expect(await registry.orphanedProcessGroup(of: Self.task(1, "plain"), checkpoints: store) == nil)
        #expect(await registry.orphanedProcessGroup(of: Self.task(1, "unknown"), checkpoints: store) == nil)
    }
}
