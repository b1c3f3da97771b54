import Foundation
import HeapModule

/// Attempts of timed jobs (`TimedJob`) waiting for their ready time, earliest first.
///
/// What a sleeping task costs instead of a suspended coroutine: its record and its control in a heap entry,
/// and its id in a set. An attempt taken out early (a cancel) leaves only the set; its heap entry is
/// skipped when it comes up.
struct HeldAttempts {
    typealias Attempt = (record: TaskRecord, control: AttemptControl)

    private struct Entry: Comparable {
        let readyAt: Date
        let record: TaskRecord
        let control: AttemptControl

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.readyAt, lhs.record.id) < (rhs.readyAt, rhs.record.id)
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.readyAt == rhs.readyAt && lhs.record.id == rhs.record.id
        }
    }

    private var heap = Heap<Entry>()
    private var held = Set<TaskID>()

    var isEmpty: Bool { held.isEmpty }

    mutating func hold(_ attempt: Attempt, until readyAt: Date) {
        held.insert(attempt.record.id)
        heap.insert(Entry(readyAt: readyAt, record: attempt.record, control: attempt.control))
    }

    /// Takes one attempt out before its time; false if it is not held.
    mutating func release(_ id: TaskID) -> Bool {
        held.remove(id) != nil
    }

    /// Takes out up to `limit` attempts whose ready time is `now` or earlier, earliest first.
    mutating func takeReady(at now: Date, limit: Int) -> [Attempt] {
        var ready: [Attempt] = []
        while ready.count < limit, let first = heap.min, first.readyAt <= now {
            heap.removeMin()
            if held.remove(first.record.id) != nil { ready.append((first.record, first.control)) }
        }
        return ready
    }

    /// Takes out every attempt, whatever its ready time.
    mutating func takeAll() -> [Attempt] {
        defer {
            heap = Heap()
            held = []
        }
        return heap.unordered.filter { held.contains($0.record.id) }.map { ($0.record, $0.control) }
    }

    /// The earliest ready time of an attempt still held.
    mutating func nextReadyTime() -> Date? {
        while let first = heap.min {
            if held.contains(first.record.id) { return first.readyAt }
            heap.removeMin()
        }
        return nil
    }
}
