import Foundation

/// The one timer: held attempts whose time came, attempt deadlines, promotions of scheduled tasks.
extension SchedulerStateMachine {
    /// Releases the held attempts whose time has come, as many as `releasedAtOnce` allows beside those
    /// being recorded, then arms the timer for the next one. Ready attempts left over are released as the
    /// earlier ones are recorded.
    mutating func releaseReady(at now: Date) -> [SchedulerAction] {
        let ready = held.takeReady(at: now, limit: configuration.releasedAtOnce - releasing)
        for (record, _) in ready { slots[record.id] = .releasing }
        releasing += ready.count
        let done = ready.filter { !$0.timedOut }.map(\.record)
        let timedOut = ready.filter(\.timedOut).map(\.record)
        var actions: [SchedulerAction] = []
        if !done.isEmpty { actions.append(.recordReady(done)) }
        if !timedOut.isEmpty { actions.append(.recordTimedOut(timedOut)) }
        return actions + expireDeadlines(at: now) + armTimer(at: now)
    }

    /// Running and parked attempts whose deadline has come: cancelled by the executor, recorded as timed
    /// out. One already being recorded (or gone) is left alone.
    mutating func expireDeadlines(at now: Date) -> [SchedulerAction] {
        let due = deadlines.takeDue(at: now).filter { id in
            switch slots[id] {
            case .running, .parked, .resuming: true
            case .held, .releasing, nil: false
            }
        }
        return due.isEmpty ? [] : [.timeOut(due)]
    }

    /// A promotion of the scheduled tasks due, when one is due and none is in flight. Not once a shutdown
    /// began. (At start-up the executor promotes once before `.started`, and reports `.promoted` with the
    /// earliest run time left by an earlier daemon.)
    mutating func promoteIfDue(at now: Date) -> [SchedulerAction] {
        guard phase == .serving, !promoting else { return [] }
        guard nextPromotion.map({ $0 <= now }) == true else { return [] }
        promoting = true
        nextPromotion = nil
        return [.promote]
    }

    /// Arms the timer for the earliest held attempt, scheduled task or attempt deadline, unless it is armed for that time or
    /// earlier already, or a held attempt's time has come while the released attempts are at their limit
    /// (those ending release the next).
    mutating func armTimer(at now: Date) -> [SchedulerAction] {
        let full = releasing >= configuration.releasedAtOnce
        let heldNext = held.nextReadyTime().flatMap { $0 > now || !full ? $0 : nil }
        let promotionNext = phase == .serving && !promoting ? nextPromotion : nil
        guard let next = [heldNext, promotionNext, deadlines.next()].compactMap({ $0 }).min() else { return [] }
        if let timer, timer <= next { return [] }
        timer = next
        return [.armTimer(at: next)]
    }
}
