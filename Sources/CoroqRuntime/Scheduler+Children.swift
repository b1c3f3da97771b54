import CoroqCore
import CoroqJSON
import Foundation
import Synchronization

/// What a running parent's current attempt has spawned: whether anything, and how many without a name
/// (the next unnamed spawn is `#(unnamed + 1)`).
struct SpawnCount: Sendable {
    var attempt: Int
    var unnamed = 0
}

extension Scheduler: ChildSpawning {
    /// Stores a child of `parent` (or finds the one an earlier attempt stored under the same key) and
    /// wakes the loop to run it. The job and its arguments are checked as a submit checks them.
    public func spawn(parent: TaskID, attempt: Int, name: String?, job: String, arguments: JSONValue) async throws -> TaskRecord {
        let defaults: JobDefaults
        do {
            defaults = try registry.validated(job: job, arguments: arguments)
        } catch {
            throw TaskError(rejection: error)
        }
        let key = try name.map { name throws(TaskError) in try SpawnKey.named(name) } ?? SpawnKey.sequence(nextSpawnNumber(parent, attempt: attempt))
        if name != nil { noteSpawn(parent, attempt: attempt) }
        let child = NewTask(job: job, arguments: arguments, repeatable: defaults.isRepeatSafe)
        let spawned = try await store.spawn(child, parent: parent, key: key, at: clock.now())
        guard spawned.created else {
            guard spawned.child.job == job, spawned.child.arguments == arguments else {
                throw TaskError.spawnMismatch(spawned.child, key: key, job: job)
            }
            return spawned.child
        }
        logger.debug("child spawned", metadata: ["task": "\(spawned.child.id)", "parent": "\(parent)", "key": "\(key)"])
        wake()
        return spawned.child
    }

    private func nextSpawnNumber(_ parent: TaskID, attempt: Int) -> Int {
        spawnCounts.withLock { counts in
            var count = counts[parent].flatMap { $0.attempt == attempt ? $0 : nil } ?? SpawnCount(attempt: attempt)
            count.unnamed += 1
            counts[parent] = count
            return count.unnamed
        }
    }

    private func noteSpawn(_ parent: TaskID, attempt: Int) {
        spawnCounts.withLock { counts in
            if counts[parent]?.attempt != attempt { counts[parent] = SpawnCount(attempt: attempt) }
        }
    }

    /// Cancels a task and every unfinished descendant: the cancel is recorded durably first (start-up
    /// honours it after a crash), then each is cancelled as `cancelOne` does, the descendants with the
    /// reason "parent N cancelled: REASON". Returns the task once its outcome and every descendant's are
    /// recorded (so no process of the tree is left). Throws `TaskTransitionError` for a finished task.
    public func cancel(_ id: TaskID, reason: String) async throws -> TaskRecord {
        let requests = try await store.requestCancel(id, reason: reason, at: clock.now())
        logger.info("cancel requested", metadata: ["task": "\(id)", "descendants": "\(requests.count - 1)"])
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for request in requests.dropFirst() {
                // A descendant that finished meanwhile is left as it is.
                group.addTask { _ = try? await self.cancelOne(request.id, reason: request.reason) }
            }
            let record = try await cancelOne(id, reason: requests.first?.reason ?? reason)
            try await group.waitForAll()
            return record
        }
    }

    /// After a job's body returned or threw: a parent's outcome waits until all its children finished.
    /// A parent that failed or was cancelled cancels its unfinished children first. Returns the outcome
    /// to record. A shutdown does not wait: the parent and its children run again after the restart.
    @inline(never)
    func settleChildren(of record: TaskRecord, outcome: TaskOutcome, control: AttemptControl, context: JobContext) async -> TaskOutcome {
        let spawned = spawnCounts.withLock { $0.removeValue(forKey: record.id) } != nil
        // Only a task that spawned in this attempt, or may have in an earlier one, has children to read.
        guard spawned || record.attempts > 1, let tasks else { return outcome }
        // A timeout ends the children as a person's cancel would.
        let personCancel = control.cancelReason ?? (control.timedOut ? "parent task \(record.id) timed out" : nil)
        let unfinished: [TaskRecord]
        do {
            unfinished = try await store.children(of: record.id).filter { !$0.state.isFinal }
        } catch {
            logger.error("could not read the task's children; its outcome is recorded without waiting for them",
                         metadata: ["task": "\(record.id)", "error": "\(error)"])
            return outcome
        }
        guard !unfinished.isEmpty else { return outcome }
        if Task.isCancelled && personCancel == nil {
            // Cut off by a shutdown with children still running: the parent goes back to the queue (not
            // recorded before its children), and gets them back when it runs again.
            return .failed(TaskError(code: "shutting_down", message: "coroqd stopped while task \(record.id)'s children ran"))
        }
        let settle: @Sendable () async throws -> Void = {
            if let reason = Self.childCancelReason(record.id, outcome: outcome, personCancel: personCancel) {
                await withTaskGroup(of: Void.self) { group in
                    for child in unfinished {
                        group.addTask { _ = try? await self.cancel(child.id, reason: reason) }
                    }
                }
            }
            try await context.waiting {
                for child in unfinished { _ = try await tasks.finished(child.id) }
            }
        }
        do {
            // A person's cancel has cancelled this attempt's task: the children's ends are awaited anyway.
            try await personCancel == nil ? settle() : Self.withoutCancellation(settle)
        } catch {
            logger.notice("stopped waiting for the task's children", metadata: ["task": "\(record.id)", "error": "\(error)"])
            if personCancel == nil { return .failed(TaskError(code: "shutting_down", message: "\(error)")) }
        }
        return outcome
    }

    /// The reason a parent's unfinished children are cancelled with, or nil when it succeeded.
    static func childCancelReason(_ parent: TaskID, outcome: TaskOutcome, personCancel: String?) -> String? {
        if let personCancel { return SpawnKey.cancelReason(parent: parent, reason: personCancel) }
        switch outcome {
        case .succeeded: return nil
        case .failed(let error): return "parent \(parent) failed: \(error.message)"
        case .cancelled(let reason): return SpawnKey.cancelReason(parent: parent, reason: reason)
        }
    }
}

extension TaskError {
    /// A refused spawn, in the codes a submit's refusal has.
    init(rejection: SubmitRejection) {
        switch rejection {
        case .unknownJob: self.init(code: "unknown_job", message: rejection.description)
        case .invalidArguments: self.init(code: "invalid_arguments", message: rejection.description)
        }
    }
}
