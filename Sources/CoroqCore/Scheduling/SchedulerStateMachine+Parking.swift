import Foundation

/// Parking: a waiting attempt gives its slot back, and asks for one to go on (`JobContext.waiting`).
extension SchedulerStateMachine {
    /// A running attempt waits: its slot is free. Once a shutdown began, a waiting attempt is cut off at
    /// once (it runs again after the restart) rather than holding the shutdown for the grace period.
    mutating func park(_ id: TaskID) -> [SchedulerAction] {
        guard slots[id] == .running else { return [] }  // parked already (nested waits), or not ours
        slots[id] = .parked
        parked += 1
        book.parked(id)
        return phase == .draining ? [.interruptParked([id])] : []
    }

    /// A parked attempt asks to go on: it queues for a slot. One that holds a slot already (a nested wait,
    /// or one never parked) or is not an attempt of this scheduler goes on at once.
    mutating func requestResume(_ id: TaskID) -> [SchedulerAction] {
        switch slots[id] {
        case .parked:
            slots[id] = .resuming
            resumeQueue.append(id)
            return []
        case .resuming:
            return []
        case .running, .held, .releasing, nil:
            return [.resume([id])]
        }
    }

    /// Gives free slots to parked attempts asking to go on, before any claim, up to the limit.
    /// One whose queue is at its concurrency limit waits (in order) until an attempt of that queue ends.
    mutating func grantResumes() -> [SchedulerAction] {
        var granted: [TaskID] = []
        var waiting: [TaskID] = []
        while slotsInUse + reserved < limit, let id = resumeQueue.popFirst() {
            guard slots[id] == .resuming else { continue }  // ended meanwhile (cancelled, cut off)
            if book.restricted, !book.mayResume(book.queue(of: id), total: slotsInUse) {
                waiting.append(id)
                continue
            }
            slots[id] = .running
            parked -= 1
            book.resumed(id)
            granted.append(id)
        }
        if !waiting.isEmpty { resumeQueue.insert(contentsOf: waiting, at: 0) }
        return granted.isEmpty ? [] : [.resume(granted)]
    }
}
