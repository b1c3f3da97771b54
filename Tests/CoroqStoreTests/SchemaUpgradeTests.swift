import CoroqCore
import Foundation
import GRDB
import Testing
@testable import CoroqStore

/// Every earlier schema upgrades to the current one with its tasks intact.
@Suite struct SchemaUpgradeTests {
    let directory = TemporaryDirectory()
    var path: String { directory.path + "/coroq.db" }

    @Test func theMigrationsAreTheShippedOnesInOrder() {
        // Append only: a shipped migration is never renamed, reordered or removed.
        #expect(Schema.migrationNames == ["v1-tasks", "v2-attempts", "v3-task-counts", "v4-steps", "v5-dependencies", "v6-schedules", "v7-children", "v8-task-messages", "v9-task-progress", "v10-delays-retries", "v11-queues", "v12-timeouts-keys-chains"])
    }

    /// A database as coroq 0.1 (schema v1) left it, with a task succeeded, one running at a crash, one
    /// queued, and an on-done command pending.
    @Test func fromV1() async throws {
        let queue = try DatabaseQueue(path: path)
        try Schema.migrate(queue, upTo: "v1-tasks")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO tasks (job, arguments, state, attempts, result, on_done, on_done_status, created_at, started_at, finished_at)
                VALUES ('noop', '{}', 'succeeded', 1, '{"ok":true}', 'echo hi', 'pending', 100, 101, 102);
                INSERT INTO tasks (job, arguments, state, attempts, created_at, started_at)
                VALUES ('sleep', '{"seconds":5}', 'running', 2, 200, 201);
                INSERT INTO tasks (job, arguments, state, attempts, created_at)
                VALUES ('exec', '{"argv":["true"]}', 'queued', 0, 300);
                INSERT INTO tasks (job, arguments, state, attempts, created_at)
                VALUES ('noop', '{}', 'queued', 1, 350);
                INSERT INTO task_checkpoints (task_id, key, value) VALUES (2, 'deadline', '206');
                """)
        }
        try queue.close()

        let store = try SQLiteTaskStore.open(path: path)
        let tasks = try await store.tasks([TaskID(1), TaskID(2), TaskID(3)])
        #expect(tasks.map(\.state) == [.succeeded, .running, .queued])
        #expect(tasks[0].result == ["ok": true] && tasks.allSatisfy(\.repeatable))
        #expect(try await store.pendingCallbacks().map(\.id) == [TaskID(1)])
        let history = try await store.attempts(of: TaskID(1))
        #expect(history == [AttemptRecord(
            taskID: TaskID(1), number: 1, boot: 0, startedAt: Date(timeIntervalSince1970: 101),
            finishedAt: Date(timeIntervalSince1970: 102), outcome: .succeeded)])
        #expect(try await store.attempts(of: TaskID(3)).isEmpty)
        // Queued again after a v1 shutdown cut its attempt off: that attempt is closed, not running.
        let requeued = try await store.attempts(of: TaskID(4))
        #expect(requeued.map(\.outcome) == [.requeued] && requeued[0].finishedAt != nil)

        let recovery = try await store.startBoot(at: Date(timeIntervalSince1970: 400))
        #expect(recovery.requeued == [TaskID(2)])
        let interrupted = try await store.attempts(of: TaskID(2))
        #expect(interrupted.map(\.number) == [2] && interrupted[0].outcome == .interrupted)
        #expect(try await store.checkpoint(TaskID(2), key: "deadline", proposed: 0) == 206)
        #expect(try await store.submit([NewTask(job: "noop")], at: Date()).map(\.id) == [TaskID(5)])
        // The kept counts start from the upgraded rows and follow every change after it.
        #expect(try await store.countsByState() == [.succeeded: 1, .queued: 4])
        _ = try await store.clean(finishedBefore: Date(), states: [.succeeded])
        #expect(try await store.countsByState() == [.succeeded: 1, .queued: 4])  // its on-done is pending
        try await store.recordCallbackRun(CallbackRun(
            taskID: TaskID(1), startedAt: Date(), finishedAt: Date(), succeeded: true))
        #expect(try await store.clean(finishedBefore: Date(), states: [.succeeded]) == [TaskID(1)])
        #expect(try await store.countsByState() == [.queued: 4])
    }

    /// A v4 database's tasks can be depended on after the upgrade, and its counts go on.
    @Test func fromV4() async throws {
        let queue = try DatabaseQueue(path: path)
        try Schema.migrate(queue, upTo: "v4-steps")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO tasks (job, arguments, state, attempts, result, created_at, started_at, finished_at)
                VALUES ('noop', '{}', 'succeeded', 1, '{}', 100, 101, 102);
                INSERT INTO tasks (job, arguments, state, attempts, created_at) VALUES ('noop', '{}', 'queued', 0, 200);
                """)
        }
        try queue.close()

        let store = try SQLiteTaskStore.open(path: path)
        let dependents = try await store.submit([
            NewTask(job: "noop", after: TaskDependencies(ids: [TaskID(1)])),
            NewTask(job: "noop", after: TaskDependencies(ids: [TaskID(2)])),
        ], at: Date())
        #expect(dependents.map(\.state) == [.queued, .blocked])
        #expect(try await store.countsByState() == [.succeeded: 1, .queued: 2, .blocked: 1])
    }

    /// A database from before children (v4): its tasks have no parent, and a running one can spawn.
    @Test func fromV4ToChildren() async throws {
        let queue = try DatabaseQueue(path: path)
        try Schema.migrate(queue, upTo: "v4-steps")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO tasks (job, arguments, state, attempts, created_at, started_at)
                VALUES ('exec', '{"argv":["true"]}', 'running', 1, 200, 201);
                """)
        }
        try queue.close()

        let store = try SQLiteTaskStore.open(path: path)
        #expect(try await store.task(TaskID(1))?.parentID == nil)
        let spawned = try await store.spawn(NewTask(job: "noop"), parent: TaskID(1), key: "#1", at: Date())
        #expect(spawned.created && spawned.child.id == TaskID(2))
        #expect(try await store.children(of: TaskID(1)).map(\.id) == [TaskID(2)])
    }
}
