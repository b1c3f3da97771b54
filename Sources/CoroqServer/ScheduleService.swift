import CoroqCore
import CoroqJSON
import CoroqProtocol
import Foundation
import Logging
import ServiceLifecycle

/// Fires the schedules: sleeps until the earliest next firing (or until a schedule changes), then submits
/// each due slot's task and records the slot in one transaction (`ScheduleStore.fire`), so a slot fires
/// once even across a `kill -9`. Slots missed while the daemon was down follow each schedule's `catch_up`.
final class ScheduleService: Service, Sendable {
    let store: any ScheduleStore
    /// The task a schedule's task object asks for, checked as a submit checks it.
    let makeTask: @Sendable (JSONValue) throws -> NewTask
    /// Tells the scheduler that tasks were submitted.
    let wake: @Sendable () -> Void
    let clock: any WallClock
    let logger: Logger
    /// When this daemon started: slots before it were missed (catch-up), slots after it are due.
    let bootedAt: Date
    /// Tells the scheduler that a fired task waits `scheduled` until this time (a task object with `in`).
    let scheduled: @Sendable (Date) -> Void
    private let changes: AsyncStream<Void>
    private let changed: AsyncStream<Void>.Continuation
    /// After a store failure, the next try.
    static let retryDelay: Double = 5

    init(
        store: any ScheduleStore, makeTask: @escaping @Sendable (JSONValue) throws -> NewTask,
        wake: @escaping @Sendable () -> Void, clock: any WallClock = SystemClock(), bootedAt: Date, logger: Logger,
        scheduled: @escaping @Sendable (Date) -> Void = { _ in }
    ) {
        self.scheduled = scheduled
        self.store = store
        self.makeTask = makeTask
        self.wake = wake
        self.clock = clock
        self.bootedAt = bootedAt
        self.logger = logger
        (changes, changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A schedule was added, changed, paused, resumed or removed: plan again.
    func scheduleChanged() {
        changed.yield()
    }

    func run() async {
        await withGracefulShutdownHandler {
            var iterator = changes.makeAsyncIterator()
            while !Task.isCancelled {
                let next = await fireDue()
                let timer = next.map { deadline in
                    Task { [clock, changed] in
                        try? await clock.sleep(until: deadline)
                        if !Task.isCancelled { changed.yield() }
                    }
                }
                let woken: Void? = await iterator.next()
                timer?.cancel()
                if woken == nil { return }  // shutting down
            }
        } onGracefulShutdown: { [changed] in
            changed.finish()
        }
    }

    /// Fires what is due; returns when to look again.
    func fireDue() async -> Date? {
        let now = clock.now()
        let schedules: [Schedule]
        do {
            schedules = try await store.schedules()
        } catch {
            logger.error("schedules could not be read; trying again shortly", metadata: ["error": "\(error)"])
            return now.addingTimeInterval(Self.retryDelay)
        }
        var next: Date?
        for schedule in schedules where !schedule.paused {
            let plan = SlotPlan(rule: schedule.rule, lastSlot: schedule.lastSlot, bootedAt: bootedAt, now: now, catchUp: schedule.catchUp)
            if let last = plan.last {
                guard await fire(schedule, plan: plan, last: last, at: now) else {
                    next = earliest(next, now.addingTimeInterval(Self.retryDelay))
                    continue
                }
            }
            next = earliest(next, plan.next)
        }
        return next
    }

    /// Submits the plan's due slots and records its last slot; false when the store failed (try again).
    private func fire(_ schedule: Schedule, plan: SlotPlan, last: Date, at now: Date) async -> Bool {
        let task: NewTask?
        do {
            task = try makeTask(schedule.task)
        } catch {
            // The job is gone from this daemon, or its arguments no longer pass: the slots pass unfired.
            logger.error("schedule \(schedule.name): its task cannot be submitted; slots passed over", metadata: [
                "error": "\(error)", "slots": "\(plan.due.count)",
            ])
            task = nil
        }
        do {
            let fired = try await store.fire(schedule: schedule.name, slots: plan.due, task: task, last: last, at: now)
            if !fired.isEmpty {
                wake()
                if let earliest = fired.filter({ $0.state == .scheduled }).compactMap(\.runAt).min() { scheduled(earliest) }
                logger.info("schedule fired", metadata: [
                    "schedule": "\(schedule.name)", "tasks": "\(fired.map(\.id.description).joined(separator: ","))",
                    "slot": "\(ISO8601DateFormatter().string(from: last))",
                ])
            }
            if plan.skippedMissed {
                logger.notice("schedule \(schedule.name): firings missed while coroqd was down were passed over (catch_up = \(schedule.catchUp.rawValue))")
            }
            return true
        } catch {
            logger.error("schedule \(schedule.name) could not fire; trying again shortly", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func earliest(_ a: Date?, _ b: Date?) -> Date? {
        switch (a, b) {
        case (let a?, let b?): min(a, b)
        case (let a?, nil): a
        case (nil, let b): b
        }
    }
}
