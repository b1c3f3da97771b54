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
        #expect(Schema.migrationNames == ["v1-tasks", "v2-attempts", "v3-task-counts", "v4-steps", "v5-task-messages", "v6-task-progress"])
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
}
