import CoroqJSON
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs queued tasks as child tasks of one task group, up to a concurrency limit.
///
/// It sleeps until something happens — a submit (`wake()`), an attempt ending, a shutdown — and never polls.
/// On graceful shutdown it stops claiming, lets running attempts finish for `shutdownGrace`, then cancels
/// them; an attempt cut off that way goes back to the queue (a restart is not the task's failure).
public final class Scheduler: Service {
    /// How many tasks run at once, and how shutdown drains them.
    public struct Configuration: Sendable {
        /// Most attempts running at once. A sleeping task costs memory, not a thread.
        public var concurrencyLimit: Int
        /// Most tasks claimed in one store transaction.
        public var claimBatchSize: Int
        /// How long running attempts may go on after a shutdown begins before they are cancelled.
        public var shutdownGrace: Duration
        /// How long to wait before claiming again after the store failed.
        public var retryDelayAfterStoreError: Duration

        public init(
            concurrencyLimit: Int = 100_000, claimBatchSize: Int = 4096, shutdownGrace: Duration = .seconds(5),
            retryDelayAfterStoreError: Duration = .seconds(1)
        ) {
            self.concurrencyLimit = max(1, concurrencyLimit)
            self.claimBatchSize = max(1, claimBatchSize)
            self.shutdownGrace = shutdownGrace
            self.retryDelayAfterStoreError = retryDelayAfterStoreError
        }
    }

    enum Event: Sendable {
        case wake
        /// Attempts whose outcomes are recorded (or that ended without one: cut off by shutdown).
        case attemptsEnded([TaskID])
        case drain
        case drainDeadline
        case cancel(TaskID, reason: String, CheckedContinuation<TaskRecord, any Error>)
        case ping(CheckedContinuation<Bool, Never>)
        /// The timer armed for this ready time went off (`HeldAttempts`).
        case heldAttemptsReady(armedFor: Date)
    }

    /// The one timer that wakes the loop when the earliest held attempt is ready.
    private struct ArmedTimer {
        let readyAt: Date
        let task: Task<Void, Never>
    }

    let store: any TaskStore
    let registry: JobRegistry
    let configuration: Configuration
    let logger: Logger
    let now: @Sendable () -> Date
    let onFinished: @Sendable (TaskRecord) async -> Void
    /// Outcomes waiting for their write (`record`).
    let outcomes = OutcomeQueue()
    private let events: AsyncStream<Event>
    let eventSink: AsyncStream<Event>.Continuation
    /// Set while a `.wake` is in the stream, so a burst of submits costs one claim, not one each.
    private let wakePending = Atomic<Bool>(false)
    /// The concurrency limit in force (`setConcurrencyLimit` changes it while running).
    private let limit: Atomic<Int>

    /// - Parameter onFinished: called once per task after its outcome is committed (fires done-callbacks).
    public init(
        store: any TaskStore, registry: JobRegistry, configuration: Configuration = Configuration(),
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
        onFinished: @escaping @Sendable (TaskRecord) async -> Void
    ) {
        self.store = store
        self.registry = registry
        self.configuration = configuration
        self.logger = logger
        self.now = now
        self.onFinished = onFinished
        (events, eventSink) = AsyncStream.makeStream(of: Event.self)
        limit = Atomic(configuration.concurrencyLimit)
    }

    /// Changes how many tasks may run at once. Running tasks are not stopped when it goes down; no new one
    /// starts until fewer run than the new limit.
    public func setConcurrencyLimit(_ newLimit: Int) {
        limit.store(max(1, newLimit), ordering: .relaxed)
        wake()
    }

    /// Tells the scheduler that tasks may be waiting (after a submit). Cheap; bursts coalesce.
    public func wake() {
        if !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            eventSink.yield(.wake)
        }
    }

    /// Cancels a task: a running attempt is cancelled (an `exec` child gets SIGTERM, then SIGKILL) and the
    /// task is recorded `cancelled`; a queued or interrupted task is recorded `cancelled` at once. Returns
    /// the task once its outcome is committed. Throws `TaskTransitionError` for a task already finished.
    public func cancel(_ id: TaskID, reason: String) async throws -> TaskRecord {
        try await withCheckedThrowingContinuation { waiter in
            if case .terminated = eventSink.yield(.cancel(id, reason: reason, waiter)) {
                waiter.resume(throwing: TaskStoreError(.storage, "coroqd is shutting down; task \(id) was not cancelled"))
            }
        }
    }

    /// True once the scheduler's event loop has handled this request: proof that it is not stuck (the
    /// systemd watchdog pings only then). False when the loop has ended.
    public func ping() async -> Bool {
        await withCheckedContinuation { waiter in
            if case .terminated = eventSink.yield(.ping(waiter)) { waiter.resume(returning: false) }
        }
    }

    public func run() async {
        await withGracefulShutdownHandler {
            await self.runLoop()
        } onGracefulShutdown: {
            self.eventSink.yield(.drain)
        }
    }

    private func runLoop() async {
        await withDiscardingTaskGroup { group in
            var running: [TaskID: AttemptControl] = [:]
            // Running attempts of timed jobs still waiting for their time: they hold no task until then.
            var held = HeldAttempts()
            var timer: ArmedTimer?
            // Held attempts whose time came, being recorded (at most `releasedAtOnce`).
            var released = Set<TaskID>()
            var draining = false
            // False once a claim came back short: the queue is empty until the next wake (a submit).
            var queueMayHaveMore = false
            eventSink.yield(.wake)  // tasks left queued by an earlier daemon
            for await event in events {
                switch event {
                case .wake:
                    wakePending.store(false, ordering: .releasing)
                    queueMayHaveMore = true
                case .attemptsEnded(let ids):
                    var releasedEnded = false
                    for id in ids {
                        running[id] = nil
                        releasedEnded = released.remove(id) != nil || releasedEnded
                    }
                    if releasedEnded { release(from: &held, released: &released, timer: &timer, in: &group) }
                case .cancel(let id, let reason, let waiter):
                    if let control = running[id] {
                        control.requestCancel(reason: reason, waiter: waiter)
                        // A held attempt has no task to cancel: its cancel is recorded at once.
                        if held.release(id) { group.addTask { await self.cancelHeld(id, control: control, reason: reason) } }
                    } else {
                        // Not running: nothing else can touch it meanwhile, since claims happen only here.
                        waiter.resume(with: await cancelWaiting(id, reason: reason))
                    }
                case .drain where !draining:
                    draining = true
                    logger.info("shutting down: no new tasks start", metadata: ["running": "\(running.count)"])
                    group.addTask { await self.signal(.drainDeadline, after: self.configuration.shutdownGrace) }
                case .drain:
                    break
                case .ping(let waiter):
                    waiter.resume(returning: true)
                case .heldAttemptsReady(let armedFor):
                    guard timer?.readyAt == armedFor else { break }  // a timer replaced by an earlier one
                    timer = nil
                    release(from: &held, released: &released, timer: &timer, in: &group)
                case .drainDeadline:
                    logger.notice("shutdown grace over: cancelling running tasks, they go back to the queue",
                                  metadata: ["running": "\(running.count)"])
                    group.cancelAll()
                    let cut = held.takeAll()
                    await cutOff(cut)
                    for attempt in cut { running[attempt.record.id] = nil }
                }
                if draining {
                    if running.isEmpty { break }
                    continue
                }
                let currentLimit = limit.load(ordering: .relaxed)
                let slots = currentLimit - running.count
                guard queueMayHaveMore, slots > 0 else { continue }
                // With more queued than may run, every ending attempt frees one slot: a claim per slot (a
                // transaction each, awaited here) held a million queued sleeps to ~4k tasks/s. Claim once a
                // sixteenth of the limit (at most a claim batch) is free, or when nothing runs.
                let threshold = max(1, min(configuration.claimBatchSize, currentLimit / 16))
                guard slots >= threshold || running.isEmpty else { continue }
                let started = await startQueuedTasks(slots: slots, holdingIn: &held, in: &group)
                running.merge(started.controls) { _, new in new }
                queueMayHaveMore = !started.queueExhausted
                armTimer(&timer, for: &held, at: Date(), full: released.count >= Self.releasedAtOnce)
            }
            timer?.task.cancel()
            group.cancelAll()  // only timers can be left
        }
        // The loop is over: cancels still queued get an answer instead of waiting for ever.
        eventSink.finish()
        for await event in events {
            switch event {
            case .cancel(let id, _, let waiter):
                waiter.resume(throwing: TaskStoreError(.storage, "coroqd is shutting down; task \(id) was not cancelled"))
            case .ping(let waiter):
                waiter.resume(returning: false)
            case .wake, .attemptsEnded, .drain, .drainDeadline, .heldAttemptsReady:
                break
            }
        }
    }

    /// How many attempts share one task group (see `startQueuedTasks`).
    static let attemptsPerGroup = 256

    /// Claims up to `slots` queued tasks and starts an attempt for each, or holds it in `held` when it is
    /// an attempt of a timed job with time still to wait. Returns the attempts started or held, and
    /// whether the queue ran out before the slots did.
    private func startQueuedTasks(
        slots: Int, holdingIn held: inout HeldAttempts, in group: inout DiscardingTaskGroup
    ) async -> (controls: [TaskID: AttemptControl], queueExhausted: Bool) {
        var started: [TaskID: AttemptControl] = [:]
        while started.count < slots {
            let wanted = min(slots - started.count, configuration.claimBatchSize)
            let claimed: [TaskRecord]
            do {
                claimed = try await store.claim(limit: wanted, at: now())
            } catch {
                logger.error("could not claim tasks, retrying", metadata: ["error": "\(error)"])
                group.addTask { await self.signal(.wake, after: self.configuration.retryDelayAfterStoreError) }
                return (started, true)
            }
            // Timed tasks on a later attempt (after a crash) wait from their first attempt's start.
            let retriedTimed = claimed.filter { $0.attempts > 1 && registry.isTimed(job: $0.job) }.map(\.id)
            let firstStarts = retriedTimed.isEmpty ? [:] : ((try? await store.firstAttemptStarts(of: retriedTimed)) ?? [:])
            var attempts: [HeldAttempts.Attempt] = []
            attempts.reserveCapacity(claimed.count)
            let clock = Date()
            for record in claimed {
                let control = AttemptControl()
                started[record.id] = control
                if let firstStart = record.attempts == 1 ? record.startedAt ?? clock : firstStarts[record.id],
                   let readyAt = registry.readyTime(job: record.job, arguments: record.arguments, firstStartedAt: firstStart),
                   readyAt > clock {
                    announceStart(of: record)
                    held.hold((record, control), until: readyAt)
                } else {
                    attempts.append((record, control))
                }
            }
            startAttempts(attempts, in: &group)
            if claimed.count < wanted { return (started, true) }
        }
        return (started, false)
    }

    /// Starts an attempt of each task.
    ///
    /// Attempts run in groups of their own, `attemptsPerGroup` each: the Swift runtime removes a finished
    /// child from its group by walking the group's children, so one group of 100k attempts made every
    /// completion O(running) (1M sleeps took minutes). Small groups keep each walk short.
    private func startAttempts(_ attempts: [HeldAttempts.Attempt], in group: inout DiscardingTaskGroup) {
        for start in stride(from: 0, to: attempts.count, by: Self.attemptsPerGroup) {
            let chunk = attempts[start..<min(start + Self.attemptsPerGroup, attempts.count)]
            group.addTask {
                await withDiscardingTaskGroup { batch in
                    for (record, control) in chunk {
                        batch.addTask { await self.attempt(record, control: control) }
                    }
                }
            }
        }
    }

    /// Most held attempts that run at once once their time has come. Their time often comes together (a
    /// hundred thousand sleeps submitted at once), and each then waits for its outcome's write: started all
    /// at once they would cost as much memory as the suspended tasks that holding them saved.
    static let releasedAtOnce = 1024

    /// Records the outcomes of the held attempts whose time has come (`recordHeld`: a task per
    /// `attemptsPerGroup` computes their outputs and queues them for the outcome writers), as many as
    /// `releasedAtOnce` allows beside those in `released` (released earlier, not recorded yet); then arms the timer for the next one still to come. Ready attempts left over are
    /// released as the earlier ones are recorded.
    private func release(
        from held: inout HeldAttempts, released: inout Set<TaskID>, timer: inout ArmedTimer?,
        in group: inout DiscardingTaskGroup
    ) {
        let now = Date()
        let ready = held.takeReady(at: now, limit: Self.releasedAtOnce - released.count)
        for attempt in ready { released.insert(attempt.record.id) }
        for start in stride(from: 0, to: ready.count, by: Self.attemptsPerGroup) {
            let chunk = ready[start..<min(start + Self.attemptsPerGroup, ready.count)]
            group.addTask { await self.recordHeld(chunk) }
        }
        armTimer(&timer, for: &held, at: now, full: released.count >= Self.releasedAtOnce)
    }

    /// Arms the timer for the earliest held attempt, unless it is armed for that time or earlier already,
    /// or that time has come while released attempts are `full` (those ending release the next ones).
    private func armTimer(_ timer: inout ArmedTimer?, for held: inout HeldAttempts, at now: Date, full: Bool) {
        guard let next = held.nextReadyTime(), next > now || !full else { return }
        if let timer, timer.readyAt <= next { return }
        timer?.task.cancel()
        let delay = Seconds.duration(max(0, next.timeIntervalSinceNow))
        let sink = eventSink
        timer = ArmedTimer(readyAt: next, task: Task {
            do {
                try await Task.sleep(for: delay)
                sink.yield(.heldAttemptsReady(armedFor: next))
            } catch {
                // Replaced by an earlier timer, or the loop has ended.
            }
        })
    }

    /// Puts held attempts cut off by shutdown back in the queue (`interrupted` for jobs that must not run
    /// twice), in one write; a failed write leaves them `running`, which start-up puts back in the queue.
    private func cutOff(_ attempts: [HeldAttempts.Attempt]) async {
        guard !attempts.isEmpty else { return }
        do {
            for record in try await store.cutOff(attempts.map(\.record.id), at: now()) {
                if record.state == .interrupted {
                    logger.warning("interrupted by shutdown; it must not run twice: coroq retry or coroq cancel",
                                   metadata: ["task": "\(record.id)"])
                } else {
                    logger.info("interrupted by shutdown, back in the queue", metadata: ["task": "\(record.id)"])
                }
            }
        } catch {
            logger.error("could not put the waiting tasks back in the queue; start-up will", metadata: [
                "error": "\(error)", "tasks": "\(attempts.count)",
            ])
        }
        for attempt in attempts {
            attempt.control.resolve(.failure(TaskStoreError(
                .storage, "coroqd is shutting down; task \(attempt.record.id) goes back to the queue")))
        }
    }

    /// Cancels a task that is not running (queued or interrupted) and fires its done-callbacks.
    private func cancelWaiting(_ id: TaskID, reason: String) async -> Result<TaskRecord, any Error> {
        do {
            let record = try await store.finish(id, outcome: .cancelled(reason: reason), at: now())
            logger.info("cancelled", metadata: ["task": "\(id)"])
            await onFinished(record)
            return .success(record)
        } catch {
            return .failure(error)
        }
    }

    private func signal(_ event: Event, after delay: Duration) async {
        do {
            try await Task.sleep(for: delay)
            eventSink.yield(event)
        } catch {
            // Cancelled: the loop has ended or moved on; nothing to signal.
        }
    }
}
