import CoroqCore
import CoroqJSON
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the scheduler's state machine (`SchedulerStateMachine`, CoroqCore): feeds it events and performs
/// the actions it returns — claims and outcome writes in the store, attempts as child tasks of one task
/// group, the one timer.
///
/// It sleeps until something happens — a submit (`wake()`), an attempt ending, the timer, a shutdown — and
/// never polls. On graceful shutdown it stops claiming, lets running attempts finish for `shutdownGrace`,
/// then cancels them; an attempt cut off that way goes back to the queue (a restart is not the task's
/// failure).
public final class Scheduler: Service {
    public typealias Configuration = SchedulerConfiguration

    /// What reaches the loop.
    enum Input: Sendable {
        case event(SchedulerEvent)
        /// A submit's wake: coalesced (`wakePending`), so a burst of submits costs one claim.
        case wake
        case cancel(TaskID, reason: String, CheckedContinuation<TaskRecord, any Error>)
        case ping(CheckedContinuation<Bool, Never>)
    }

    /// The loop's own state: the machine, and what the executor keeps per attempt.
    struct LoopState {
        var machine: SchedulerStateMachine
        /// Every attempt holding a slot: how a cancel reaches it and answers its callers.
        var controls: [TaskID: AttemptControl] = [:]
        var timer: Task<Void, Never>?
    }

    let store: any TaskStore
    let registry: JobRegistry
    let configuration: Configuration
    let logger: Logger
    let clock: any WallClock
    let onFinished: @Sendable (TaskRecord) async -> Void
    /// Other tasks' outcomes, for a job that awaits them (`JobContext.tasks`).
    let tasks: (any TaskWatching)?
    /// Values sent to tasks, for a job that receives them (`JobContext.receive`).
    let messages: (any TaskMessages)?
    /// Where jobs' progress reports go (`JobContext.progress`).
    let progress: (any TaskProgressReporting)?
    /// Outcomes waiting for their write (`record`).
    let outcomes = OutcomeQueue()
    /// Parked attempts waiting for a slot to go on (`unpark`).
    let resumeWaiters = ResumeWaiters()
    private let inputs: AsyncStream<Input>
    let inputSink: AsyncStream<Input>.Continuation
    /// Set while a `.wake` is in the stream, so a burst of submits costs one claim, not one each.
    private let wakePending = Atomic<Bool>(false)
    /// How many children each running parent's current attempt has spawned without a name (`SpawnKey`).
    let spawnCounts = Mutex<[TaskID: SpawnCount]>([:])

    /// - Parameter onFinished: called once per task after its outcome is committed (fires done-callbacks).
    public init(
        store: any TaskStore, registry: JobRegistry, configuration: Configuration = Configuration(),
        logger: Logger, clock: any WallClock = SystemClock(), tasks: (any TaskWatching)? = nil,
        messages: (any TaskMessages)? = nil, progress: (any TaskProgressReporting)? = nil, onFinished: @escaping @Sendable (TaskRecord) async -> Void
    ) {
        self.store = store
        self.tasks = tasks
        self.messages = messages
        self.progress = progress
        self.registry = registry
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.onFinished = onFinished
        (inputs, inputSink) = AsyncStream.makeStream(of: Input.self)
    }

    /// Changes how many tasks may run at once. Running tasks are not stopped when it goes down; no new one
    /// starts until fewer run than the new limit.
    public func setConcurrencyLimit(_ newLimit: Int) {
        inputSink.yield(.event(.limitChanged(newLimit)))
    }

    /// Replaces the queues' settings (every known queue). Running attempts are not stopped when a limit
    /// goes down or a queue is paused; a resumed queue's tasks start as its room allows.
    public func setQueues(_ queues: [QueueDefinition]) {
        inputSink.yield(.event(.queuesChanged(queues)))
    }

    /// Tells the scheduler that tasks may be waiting (after a submit). Cheap; bursts coalesce.
    public func wake() {
        if !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            inputSink.yield(.wake)
        }
    }

    /// Cancels one task (not its children): a running attempt is cancelled (an `exec` child gets SIGTERM,
    /// then SIGKILL) and the task is recorded `cancelled`; a queued or interrupted task is recorded
    /// `cancelled` at once. Returns the task once its outcome is committed. Throws `TaskTransitionError`
    /// for a task already finished.
    func cancelOne(_ id: TaskID, reason: String) async throws -> TaskRecord {
        try await withCheckedThrowingContinuation { waiter in
            if case .terminated = inputSink.yield(.cancel(id, reason: reason, waiter)) {
                waiter.resume(throwing: Self.stopping("task \(id) was not cancelled"))
            }
        }
    }

    /// True once the scheduler's loop has handled this request: proof that it is not stuck (the systemd
    /// watchdog pings only then). False when the loop has ended.
    public func ping() async -> Bool {
        await withCheckedContinuation { waiter in
            if case .terminated = inputSink.yield(.ping(waiter)) { waiter.resume(returning: false) }
        }
    }

    public func run() async {
        await withGracefulShutdownHandler {
            await self.runLoop()
        } onGracefulShutdown: {
            self.inputSink.yield(.event(.drain))
        }
    }

    private func runLoop() async {
        await withDiscardingTaskGroup { group in
            var state = LoopState(machine: SchedulerStateMachine(configuration: configuration))
            // Scheduled tasks an earlier daemon left: the due ones join the queue, the timer is armed for
            // the next (durable delays and back-offs), before the first claim.
            await perform(state.machine.handle(await promote(), at: clock.now()), state: &state, group: &group)
            await perform(state.machine.handle(.started, at: clock.now()), state: &state, group: &group)
            for await input in inputs {
                let event: SchedulerEvent
                var cancelRequest: CancelRequest?
                switch input {
                case .event(let received):
                    event = received
                case .wake:
                    wakePending.store(false, ordering: .releasing)
                    event = .wake
                case .cancel(let id, let reason, let waiter):
                    event = .cancelRequested(id)
                    cancelRequest = CancelRequest(reason: reason, waiter: waiter)
                case .ping(let waiter):
                    waiter.resume(returning: true)
                    continue
                }
                if case .attemptsEnded(let ids) = event {
                    for id in ids { state.controls[id] = nil }
                    // Give back the capacity of the last burst once nothing runs.
                    if state.controls.isEmpty { state.controls = [:] }
                }
                if case .drain = event {
                    logger.info("shutting down: no new tasks start", metadata: ["running": "\(state.machine.attemptCount)"])
                }
                await perform(state.machine.handle(event, at: clock.now()), state: &state, group: &group, cancel: cancelRequest)
                if state.machine.phase == .stopped { break }
            }
            state.timer?.cancel()
            group.cancelAll()  // only timers can be left
        }
        // The loop is over: cancels still queued get an answer instead of waiting for ever.
        inputSink.finish()
        for await input in inputs {
            switch input {
            case .cancel(let id, _, let waiter):
                waiter.resume(throwing: Self.stopping("task \(id) was not cancelled"))
            case .ping(let waiter):
                waiter.resume(returning: false)
            case .event, .wake:
                break
            }
        }
    }

    /// A cancel being handled: its reason, and its caller waiting for the recorded outcome.
    struct CancelRequest {
        let reason: String
        let waiter: CheckedContinuation<TaskRecord, any Error>
    }

    /// Performs the machine's actions in order; a claim's result goes back to the machine at once, and
    /// its actions are performed in turn.
    private func perform(
        _ actions: [SchedulerAction], state: inout LoopState, group: inout DiscardingTaskGroup,
        cancel: CancelRequest? = nil
    ) async {
        var actions = actions[...]
        while let action = actions.popFirst() {
            switch action {
            case .claim(let limit):
                let event = await claim(limit: limit)
                actions += state.machine.handle(event, at: clock.now())
            case .start(let records):
                var attempts: [(TaskRecord, AttemptControl)] = []
                attempts.reserveCapacity(records.count)
                for record in records {
                    let control = AttemptControl()
                    state.controls[record.id] = control
                    attempts.append((record, control))
                }
                startAttempts(attempts, in: &group)
            case .hold(let records):
                for record in records {
                    state.controls[record.id] = AttemptControl()
                    announceStart(of: record)
                }
            case .recordReady(let records):
                let ready = records.map { ($0, state.controls[$0.id] ?? AttemptControl()) }
                for start in stride(from: 0, to: ready.count, by: Self.attemptsPerGroup) {
                    let chunk = ready[start..<min(start + Self.attemptsPerGroup, ready.count)]
                    group.addTask { await self.recordHeld(chunk) }
                }
            case .armTimer(let readyAt):
                state.timer?.cancel()
                let (clock, sink) = (clock, inputSink)
                // Unstructured so that an earlier time can replace it (cancelled here); the loop cancels
                // the last one when it ends.
                state.timer = Task {
                    do {
                        try await clock.sleep(until: readyAt)
                        sink.yield(.event(.timerFired(armedFor: readyAt)))
                    } catch {
                        // Replaced by an earlier timer, or the loop has ended.
                    }
                }
            case .cancelTimer:
                state.timer?.cancel()
                state.timer = nil
            case .wake(let time):
                group.addTask { await self.signal(.wake, at: time) }
            case .cancelAttempt(let id):
                guard let cancel else { break }
                if let control = state.controls[id] {
                    control.requestCancel(reason: cancel.reason, waiter: cancel.waiter)
                } else {
                    cancel.waiter.resume(throwing: TaskStoreError(.storage, "task \(id) has no running attempt to cancel"))
                }
            case .cancelHeld(let id):
                let control = state.controls[id] ?? AttemptControl()
                if let cancel { control.requestCancel(reason: cancel.reason, waiter: cancel.waiter) }
                group.addTask { await self.cancelHeld(id, control: control, reason: cancel?.reason ?? "cancelled") }
            case .cancelWaiting(let id):
                // Not running: nothing else can touch it meanwhile, since claims happen only in this loop.
                let result = await cancelWaiting(id, reason: cancel?.reason ?? "cancelled")
                cancel?.waiter.resume(with: result)
            case .cutOff(let records):
                let controls = records.map { state.controls.removeValue(forKey: $0.id) }
                await cutOff(records)
                for (record, control) in zip(records, controls) {
                    control?.resolve(.failure(Self.stopping("task \(record.id) goes back to the queue")))
                }
            case .armDrainDeadline(let time):
                group.addTask { await self.signal(.event(.drainDeadline), at: time) }
            case .resume(let ids):
                for id in ids { resumeWaiters.resume(id) }
            case .interruptParked(let ids):
                logger.info("shutting down: waiting tasks are cut off, they go back to the queue",
                            metadata: ["count": "\(ids.count)"])
                for id in ids { state.controls[id]?.interrupt() }
            case .cancelRunningAttempts:
                logger.notice("shutdown grace over: cancelling running tasks, they go back to the queue",
                              metadata: ["running": "\(state.machine.attemptCount)"])
                group.cancelAll()
            case .stop:
                break
            case .promote:
                let event = await promote()
                actions += state.machine.handle(event, at: clock.now())
            case .claimFromQueues(let rooms):
                let event = await claim(limit: rooms.reduce(0) { $0 + $1.limit }) { [store] now in
                    try await store.claim(from: rooms, at: now)
                }
                actions += state.machine.handle(event, at: clock.now())
            case .recordTimedOut(let records):
                let ended = records.map { ($0, state.controls[$0.id] ?? AttemptControl()) }
                for start in stride(from: 0, to: ended.count, by: Self.attemptsPerGroup) {
                    let chunk = ended[start..<min(start + Self.attemptsPerGroup, ended.count)]
                    group.addTask { await self.recordTimedOutHeld(chunk) }
                }
            case .timeOut(let ids):
                for id in ids { state.controls[id]?.timeOut() }
            }
        }
    }

    /// Claims up to `limit` queued tasks, and tells for each attempt of a timed job when it is ready.
    private func claim(limit: Int) async -> SchedulerEvent {
        await claim(limit: limit) { [store] now in try await store.claim(limit: limit, at: now) }
    }

    /// Claims through `take` (from all queues, or from some), and tells for each attempt of a timed job
    /// when it is ready.
    private func claim(limit: Int, _ take: (Date) async throws -> [TaskRecord]) async -> SchedulerEvent {
        let now = clock.now()
        let claimed: [TaskRecord]
        do {
            claimed = await withInputs(try await take(now))
        } catch {
            logger.error("could not claim tasks, retrying", metadata: ["error": "\(error)"])
            return .claimFailed
        }
        // Timed tasks on a later attempt (after a crash) wait from their first attempt's start.
        let retriedTimed = claimed.filter { $0.attempts > 1 && registry.isTimed(job: $0.job) }.map(\.id)
        let firstStarts = retriedTimed.isEmpty ? [:] : ((try? await store.firstAttemptStarts(of: retriedTimed)) ?? [:])
        let attempts = claimed.map { record in
            let firstStart = record.attempts == 1 ? record.startedAt ?? now : firstStarts[record.id]
            // A timeout counts from this attempt's start (a fresh one after a restart).
            let deadline = record.timeout.map { (record.startedAt ?? now).addingTimeInterval($0) }
            return ClaimedAttempt(record, readyAt: firstStart.flatMap {
                registry.readyTime(job: record.job, arguments: record.arguments, firstStartedAt: $0)
            }, deadline: deadline)
        }
        return .claimed(attempts, requested: limit)
    }

    /// How many attempts share one task group (see `startAttempts`).
    static let attemptsPerGroup = 256

    /// Starts an attempt of each task.
    ///
    /// Attempts run in groups of their own, `attemptsPerGroup` each: the Swift runtime removes a finished
    /// child from its group by walking the group's children, so one group of 100k attempts made every
    /// completion O(running) (1M sleeps took minutes). Small groups keep each walk short.
    private func startAttempts(_ attempts: [(TaskRecord, AttemptControl)], in group: inout DiscardingTaskGroup) {
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

    /// Puts claimed attempts cut off by shutdown back in the queue (`interrupted` for jobs that must not
    /// run twice), in one write; a failed write leaves them `running`, which start-up puts back in the queue.
    private func cutOff(_ records: [TaskRecord]) async {
        do {
            logCutOff(try await store.cutOff(records.map(\.id), at: clock.now()))
        } catch {
            logger.error("could not put the waiting tasks back in the queue; start-up will", metadata: [
                "error": "\(error)", "tasks": "\(records.count)",
            ])
        }
    }

    /// Logs tasks put back by a shutdown: a warning for one that must not run twice.
    func logCutOff(_ records: [TaskRecord]) {
        for record in records {
            if record.state == .interrupted {
                logger.warning("interrupted by shutdown; it must not run twice: coroq retry or coroq cancel",
                               metadata: ["task": "\(record.id)"])
            } else {
                logger.info("interrupted by shutdown, back in the queue", metadata: ["task": "\(record.id)"])
            }
        }
    }

    /// Cancels a task that is not running (queued or interrupted) and fires its done-callbacks.
    private func cancelWaiting(_ id: TaskID, reason: String) async -> Result<TaskRecord, any Error> {
        do {
            let record = try await store.finish(id, outcome: .cancelled(reason: reason), at: clock.now())
            logger.info("cancelled", metadata: ["task": "\(id)"])
            await onFinished(record)
            await settleDependents()
            return .success(record)
        } catch {
            return .failure(error)
        }
    }

    /// Sends `input` at `time`, unless cancelled first (the loop has ended or moved on).
    private func signal(_ input: Input, at time: Date) async {
        do {
            try await clock.sleep(until: time)
            if case .wake = input { wake() } else { inputSink.yield(input) }
        } catch {
            // Cancelled: nothing to signal.
        }
    }

    /// The error of a request that the stopping daemon did not carry out.
    static func stopping(_ what: String) -> TaskStoreError {
        TaskStoreError(.shuttingDown, "coroqd is stopping; \(what)")
    }
}
