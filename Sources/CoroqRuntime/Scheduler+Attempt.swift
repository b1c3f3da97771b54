import CoroqCore
import CoroqJSON
import Foundation
import Logging

extension Scheduler {
    /// Runs one attempt of a claimed task and records how it ended.
    ///
    /// Split in three functions that are not inlined, so that a task suspended in its job (100k sleeping
    /// tasks) holds only the small frames of the running part; recording the outcome allocates its frames
    /// when it comes. (One inlined function kept ~4 KB per task alive for the whole sleep.)
    func attempt(_ record: TaskRecord, control: AttemptControl) async {
        let outcome = await runJob(record, control: control)
        await recordOutcome(outcome, of: record, control: control)
    }

    /// Logs that an attempt started.
    func announceStart(of record: TaskRecord) {
        logger.debug("started", metadata: [
            "task": "\(record.id)", "job": "\(record.job)", "attempt": "\(record.attempts)",
        ])
    }

    @inline(never)
    private func runJob(_ record: TaskRecord, control: AttemptControl) async -> TaskOutcome {
        announceStart(of: record)
        let context = JobContext(
            taskID: record.id, attempt: record.attempts, firstStartedAt: await firstStart(of: record),
            logger: logger, checkpoints: store, parking: self, tasks: tasks, children: self, messages: messages,
            progress: progress, clock: clock)
        let outcome = await TaskOutcome.deciding {
            try await control.run {
                try await self.registry.run(job: record.job, arguments: record.arguments, context: context)
            }
        }
        return await settleChildren(of: record, outcome: outcome, control: control, context: context)
    }

    @inline(never)
    private func recordOutcome(_ outcome: TaskOutcome, of record: TaskRecord, control: AttemptControl) async {
        var outcome = outcome
        if let reason = control.cancelReason, !outcome.isSuccess {
            outcome = .cancelled(reason: reason)
        } else if !outcome.isSuccess, control.timedOut {
            outcome = .failed(.timedOut(after: record.timeout))
            logger.info("timed out", metadata: ["task": "\(record.id)", "timeout": "\(record.timeout ?? 0)"])
        } else if Task.isCancelled, case .failed = outcome {
            // Cut off by shutdown (a cancelled subprocess reports SIGKILL, a sleep throws): not the task's
            // own failure. It runs again after the restart.
            if let cut = await recordDurably(tasks: "\(record.id)", { try await self.store.cutOff([record.id], at: self.clock.now()) }) {
                logCutOff(cut)
            }
            control.resolve(.failure(Self.stopping("task \(record.id) goes back to the queue")))
            inputSink.yield(.event(.attemptsEnded([record.id])))
            return
        }
        await self.record([(record, outcome, control)])
    }

    /// Most outcomes in one write.
    static let outcomesPerWrite = 256

    /// Records outcomes: queues them, and unless enough attempts are writing, writes them and every outcome
    /// that arrives meanwhile, `outcomesPerWrite` to a write (`TaskStore.finish(claimedBatch:)`); then logs
    /// them, fires the done-callbacks, answers cancels, and tells the loop that the attempts ended.
    func record(_ items: [OutcomeQueue.Item]) async {
        guard outcomes.add(items) else { return }  // the writers take them
        while true {
            let batch = outcomes.next(limit: Self.outcomesPerWrite)
            if batch.isEmpty { return }
            await write(batch)
        }
    }

    private func write(_ batch: [OutcomeQueue.Item]) async {
        defer { inputSink.yield(.event(.attemptsEnded(batch.map(\.record.id)))) }
        let rows = batch.map { (claimed: $0.record, outcome: $0.outcome) }
        let finished = await recordDurably(tasks: "\(batch.map(\.record.id.description).joined(separator: ","))") {
            try await self.store.finish(claimedBatch: rows, at: self.clock.now())
        }
        guard let finished else {  // shutting down first: they stay running, and start-up requeues them
            for item in batch {
                item.control.resolve(.failure(Self.stopping("task \(item.record.id) runs again after the restart")))
            }
            return
        }
        var retryAt: Date?
        for (item, task) in zip(batch, finished) {
            guard let task else {
                logger.error("the store refused the outcome: the task changed meanwhile", metadata: ["task": "\(item.record.id)"])
                item.control.resolve(.failure(TaskStoreError(.storage, "the outcome of task \(item.record.id) was refused")))
                continue
            }
            if task.state == .scheduled, let runAt = task.runAt {  // backing off: not finished, no callbacks
                logBackOff(task)
                retryAt = min(retryAt ?? runAt, runAt)
                item.control.resolve(.success(task))
                continue
            }
            logFinished(task)
            await onFinished(task)
            item.control.resolve(.success(task))
        }
        if let retryAt { scheduled(at: retryAt) }
        await settleDependents()
    }

    /// Logs a task's outcome: a success at debug, anything else at info. At info, a line per success
    /// would flood the journal of a busy daemon, and journald's rate limit (10,000 lines per 30 s by
    /// default) would then drop the daemon's warnings with them; `coroq status` counts the successes.
    func logFinished(_ task: TaskRecord) {
        logger.log(level: task.state == .succeeded ? .debug : .info, "finished", metadata: [
            "task": "\(task.id)", "state": "\(task.state.rawValue)",
        ])
    }

    /// Records the cancel of a held attempt (it has no task to cancel, and nothing left to do but wait).
    func cancelHeld(_ id: TaskID, control: AttemptControl, reason: String) async {
        defer { inputSink.yield(.event(.attemptsEnded([id]))) }
        let finished = await recordDurably(tasks: "\(id)") {
            try await self.store.finish(id, outcome: .cancelled(reason: reason), at: self.clock.now())
        }
        guard let finished else {
            control.resolve(.failure(TaskStoreError(.storage, "the cancel of task \(id) could not be recorded")))
            return
        }
        logFinished(finished)
        await onFinished(finished)
        control.resolve(.success(finished))
        await settleDependents()
    }

    /// Records the outcomes of held attempts of timed jobs whose time has come: each job's `output`, without
    /// a task or a `run` per attempt.
    func recordHeld(_ attempts: ArraySlice<(TaskRecord, AttemptControl)>) async {
        var items: [OutcomeQueue.Item] = []
        items.reserveCapacity(attempts.count)
        for (record, control) in attempts {
            let outcome = await TaskOutcome.deciding {
                try self.registry.timedOutput(job: record.job, arguments: record.arguments)
            }
            items.append((record, outcome, control))
        }
        await record(items)
    }

    /// Records held attempts whose deadline came before their job's ready time as timed out.
    func recordTimedOutHeld(_ attempts: ArraySlice<(TaskRecord, AttemptControl)>) async {
        for (record, _) in attempts {
            logger.info("timed out", metadata: ["task": "\(record.id)", "timeout": "\(record.timeout ?? 0)"])
        }
        await record(attempts.map { ($0.0, .failed(.timedOut(after: $0.0.timeout)), $0.1) })
    }

    /// When the task's first attempt started: this attempt's start for a first attempt (no read), else
    /// the attempt history's first entry.
    private func firstStart(of record: TaskRecord) async -> Date {
        let thisStart = record.startedAt ?? clock.now()
        guard record.attempts > 1 else { return thisStart }
        return (try? await store.attempts(of: record.id).first?.startedAt) ?? thisStart
    }

    /// Writes an attempt's end to the store, retrying while the store fails (a full disk, a lock held
    /// from outside) so that the outcome is recorded once the fault clears. Returns nil only when the
    /// daemon is shutting down first; the task then stays `running` and start-up puts it back in the queue.
    /// - Parameter tasks: the task (or tasks) written, for the log.
    private func recordDurably<T: Sendable>(
        tasks: @autoclosure () -> String, _ write: @escaping @Sendable () async throws -> T
    ) async -> T? {
        var delay = Duration.milliseconds(50)
        while true {
            do {
                // Already cancelled (shutdown): write from a task that does not share the cancellation.
                // Otherwise write directly (a task per outcome was measurable at 100k tasks); SQLite's
                // group-commit writer completes a write it has accepted whatever happens to the caller.
                return try await Task.isCancelled ? Self.withoutCancellation(write) : write()
            } catch let error as TaskTransitionError {
                logger.error("the store refused the outcome", metadata: ["task": "\(tasks())", "error": "\(error)"])
                return nil
            } catch {
                logger.error("could not record the outcome, retrying", metadata: [
                    "task": "\(tasks())", "error": "\(error)", "retry_in": "\(delay)",
                ])
            }
            do {
                try await clock.sleep(until: clock.now().addingTimeInterval(Seconds.of(delay)))
            } catch {
                logger.warning("shutting down before the outcome was recorded; the task runs again after the restart",
                               metadata: ["task": "\(tasks())"])
                return nil
            }
            delay = min(delay * 2, configuration.retryDelayAfterStoreError * 5)
        }
    }

    /// Runs `operation` in a task that does not share the caller's cancellation. Once an attempt has
    /// ended, its outcome must reach the store even while the daemon is shutting down — GRDB's async
    /// writes throw `CancellationError` in a cancelled task.
    static func withoutCancellation<T: Sendable>(
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await Task { try await operation() }.value
    }
}
