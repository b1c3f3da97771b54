import Foundation

/// What a schedule does with firings that came while the daemon was down.
public enum CatchUp: String, Sendable, CaseIterable, Codable {
    /// Skip them: the next firing is the next one to come.
    case none
    /// Fire once for the latest of them (the default: a nightly backup missed three times runs once).
    case last
    /// Fire each of them (at most `SlotPlan.maximumCatchUp`, oldest first).
    case all
}

/// The firings of one schedule that are due now, and the one after: pure, from the last slot recorded,
/// the moment this daemon started and the current time.
///
/// A slot whose time came while this daemon was running is always fired (late if the daemon was busy);
/// one whose time passed before it started was missed, and `CatchUp` decides.
public struct SlotPlan: Sendable, Equatable {
    /// Slots to fire now, oldest first.
    public var due: [Date]
    /// True when missed slots were passed over (by `none` or `last`, or beyond `maximumCatchUp`).
    public var skippedMissed: Bool
    /// The slot the plan ends on: record it as the schedule's last, so that no slot up to it fires again.
    public var last: Date?
    /// The next slot to come, after `now`.
    public var next: Date?

    /// Most missed slots fired by `all`: the latest ones (a schedule every minute, down for a month,
    /// would otherwise start 43,200 tasks).
    public static let maximumCatchUp = 1000

    public init(rule: FiringRule, lastSlot: Date, bootedAt: Date, now: Date, catchUp: CatchUp) {
        let wanted = switch catchUp {
        case .none: 0
        case .last: 1
        case .all: Self.maximumCatchUp
        }
        let missed = Self.latestSlots(rule, after: lastSlot, before: min(bootedAt, now), count: max(wanted, 1))
        var due = Array(missed.slots.suffix(wanted))
        skippedMissed = missed.slots.count > wanted || missed.more
        var last = missed.slots.last
        var slot = rule.nextFiring(after: last ?? lastSlot)
        while let current = slot, current <= now {
            due.append(current)
            last = current
            slot = rule.nextFiring(after: current)
        }
        self.due = due
        self.last = last
        next = slot
    }

    /// Up to `count` of the latest slots after `start` and before `end`, oldest first, and whether there
    /// were more. Looks back over growing windows, so that a long downtime of a frequent schedule costs
    /// the slots of one window, not of the whole downtime.
    static func latestSlots(_ rule: FiringRule, after start: Date, before end: Date, count: Int) -> (slots: [Date], more: Bool) {
        let windows: [Double] = [3600, 86400, 31 * 86400, 366 * 86400, 8 * 366 * 86400, .infinity]
        for window in windows {
            let from = window.isInfinite ? start : max(start, end.addingTimeInterval(-window))
            var slots: [Date] = []
            var dropped = false
            var slot = rule.nextFiring(after: from)
            while let current = slot, current < end {
                slots.append(current)
                if slots.count > count {
                    slots.removeFirst()
                    dropped = true
                }
                slot = rule.nextFiring(after: current)
            }
            if slots.count >= count || from == start {
                let older = from > start && (rule.nextFiring(after: start).map { $0 <= from } ?? false)
                return (slots, dropped || older)
            }
        }
        return ([], false)
    }
}
